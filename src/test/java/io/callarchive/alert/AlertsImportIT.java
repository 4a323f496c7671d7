package io.callarchive.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.callarchive.cli.Main;
import io.callarchive.it.TestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch: importing an AMI capture with an authentication-failure burst from several addresses and a lossy call
 * raises, through the import's own alert run, exactly one alert per address over the threshold, none for the
 * address below it, and the RTCP loss; {@code alerts run} over the same range afterwards adds nothing.
 */
class AlertsImportIT {
  private static final Path PACK = Path.of(System.getProperty("callarchive.project"), "ingest", "alerts.yml");
  /** 2026-11-30T22:00:00Z */
  private static final long T0 = 1796076000L;

  @TempDir Path tmp;

  /** event-sources §1.10: an Asterisk security event as AMI sends it, with timestampevents=yes (§1.4). */
  private static String invalidPassword(long t, String ip, int n) {
    return "Event: InvalidPassword\r\nPrivilege: security,all\r\nTimestamp: " + t + ".000000\r\n"
        + "EventTV: 2026-11-30T22:00:00.000+0000\r\nSeverity: Error\r\nService: PJSIP\r\nEventVersion: 2\r\n"
        + "AccountID: 1000\r\nSessionID: sess-" + ip + "-" + n + "\r\n"
        + "LocalAddress: IPV4/UDP/10.0.0.1/5060\r\nRemoteAddress: IPV4/UDP/" + ip + "/5060\r\n"
        + "Challenge: 1a2b3c\r\nReceivedChallenge: 1a2b3c\r\nReceivedHash: deadbeef" + n + "\r\n\r\n";
  }

  /** event-sources §1.9: an RTCPReceived receiver report; FractionLost is in 1/256 (RFC 3550 §6.4.1). */
  private static String rtcpReceived(long t, String linkedId, String from, int fractionLost, int seq) {
    return "Event: RTCPReceived\r\nPrivilege: reporting,all\r\nTimestamp: " + t + ".000000\r\n"
        + "Channel: PJSIP/1001-00000001\r\nUniqueid: " + linkedId + "\r\nLinkedid: " + linkedId + "\r\n"
        + "From: " + from + ":10001\r\nRTT: 0.0400\r\nSSRC: 0x1A2B3C4D\r\nPT: 201(RR)\r\nReportCount: 1\r\n"
        + "Report0SourceSSRC: 0x0011aabb\r\nReport0FractionLost: " + fractionLost + "\r\n"
        + "Report0CumulativeLost: " + (seq * 10) + "\r\nReport0HighestSequence: " + (1000 + seq * 250) + "\r\n"
        + "Report0SequenceNumberCycles: 0\r\nReport0IAJitter: 80\r\nReport0LSR: 0\r\nReport0DLSR: 0.0000\r\n\r\n";
  }

  @Test
  void importRaisesOneAlertPerAddressOverTheThresholdAndAlertsRunAddsNothing() throws Exception {
    StringBuilder capture = new StringBuilder();
    Map<String, Integer> failures = Map.of("203.0.113.10", 6, "203.0.113.11", 5, "203.0.113.12", 4);
    int n = 0;
    for (var e : new TreeMap<>(failures).entrySet()) {
      for (int i = 0; i < e.getValue(); i++) capture.append(invalidPassword(T0 + 10L * i + n, e.getKey(), n++));
    }
    // 64/256 = 25 % lost in every report of one call, 0 % in the other's
    for (int i = 0; i < 4; i++) {
      capture.append(rtcpReceived(T0 + 200 + 5L * i, "1796076200.1", "192.0.2.10", 64, i));
      capture.append(rtcpReceived(T0 + 201 + 5L * i, "1796076200.7", "192.0.2.20", 0, i));
    }
    Path file = tmp.resolve("ami-security.log");
    Files.writeString(file, capture, StandardCharsets.US_ASCII);

    ElasticsearchClient es = TestCluster.client();
    TestCluster.wipe();
    String home = tmp.resolve("home").toString();
    assertEquals(Main.OK, Main.run("import", "--es-url", TestCluster.url(), "--home", home, "--progress", "none",
        "--alerts", PACK.toString(), file.toString()));
    es.indices().refresh(r -> r.index("callarchive-*"));

    Map<String, Integer> expected = new TreeMap<>();
    expected.put("auth-failures:203.0.113.10", 1);
    expected.put("auth-failures:203.0.113.11", 1);
    expected.put("rtcp-loss-call:1796076200.1", 1);
    expected.put("rtcp-loss-remote:192.0.2.10", 1);
    Map<String, Integer> fired = firings(es);
    for (var e : expected.entrySet()) assertEquals(e.getValue(), fired.get(e.getKey()), e.getKey() + " in " + fired);
    for (String k : fired.keySet()) {
      if (k.contains("203.0.113.12") || k.contains("192.0.2.20") || k.contains("1796076200.7")) {
        throw new AssertionError("no alert expected for " + k + ": " + fired);
      }
    }
    // The import evaluated up to its last event: the alerts it raised are still open.
    assertEquals(0, count(es, "recovered"));

    // A run over a wider range sees the windows close (recoveries) and raises nothing that fired already...
    String[] run = {"alerts", "run", "--es-url", TestCluster.url(), "--home", home, "--alerts", PACK.toString(),
        "--from", "2026-11-30T21:00:00Z", "--to", "2026-11-30T23:00:00Z"};
    assertEquals(Main.OK, Main.run(run));
    es.indices().refresh(r -> r.index("callarchive-alerts"));
    assertEquals(fired, firings(es));
    assertEquals(fired.values().stream().mapToInt(Integer::intValue).sum(), count(es, "recovered"));
    long stored = es.count(c -> c.index("callarchive-alerts")).count();
    // ...and running it again adds nothing.
    assertEquals(Main.OK, Main.run(run));
    es.indices().refresh(r -> r.index("callarchive-alerts"));
    assertEquals(stored, es.count(c -> c.index("callarchive-alerts")).count());
  }

  private static long count(ElasticsearchClient es, String state) throws Exception {
    return es.count(c -> c.index("callarchive-alerts").query(q -> q.term(t -> t.field("alert.state").value(state)))).count();
  }

  private static Map<String, Integer> firings(ElasticsearchClient es) throws Exception {
    Map<String, Integer> m = new TreeMap<>();
    var hits = es.search(s -> s.index("callarchive-alerts").size(1000)
        .query(q -> q.term(t -> t.field("alert.state").value("fired"))), JsonNode.class).hits().hits();
    for (var h : hits) {
      JsonNode a = h.source().path("alert");
      m.merge(a.path("rule").asText() + ":" + a.path("key").asText(), 1, Integer::sum);
    }
    return m;
  }
}
