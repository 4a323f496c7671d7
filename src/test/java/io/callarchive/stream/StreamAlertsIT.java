package io.callarchive.stream;

import static io.callarchive.stream.StreamFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.callarchive.alert.AlertConfig;
import io.callarchive.cli.Main;
import io.callarchive.it.TestCluster;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live alerts inside {@code callarchive stream}, with the default pack, against the AMI loopback PBX and the real
 * node: a brute-force burst from several addresses and a lossy call raise one alert per address over the
 * threshold and per lossy call, within 5 s of the frame that crossed it, with a webhook that never answers; and
 * importing the same frames as a capture, then {@code alerts run} over their range, raises the same alerts.
 */
class StreamAlertsIT {
  private static final Path PACK = Path.of(System.getProperty("callarchive.project"), "ingest", "alerts.yml");
  private static final String AMI_BANNER = "Asterisk Call Manager/9.0.0\r\n";
  private static final DateTimeFormatter EVENT_TV =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);
  /** Failed authentications per address: the pack's auth-failures needs 5 within 10 minutes. */
  private static final Map<String, Integer> FAILURES = new TreeMap<>(Map.of(
      "203.0.113.10", 6, "203.0.113.11", 5, "203.0.113.12", 4));
  private static final String LOSSY = "1796076200.1";
  private static final String CLEAN = "1796076200.7";

  @TempDir Path tmp;

  /** event-sources §1.10: a chan_pjsip InvalidPassword security event (timestampevents=yes, §1.4). */
  private static byte[] invalidPassword(Instant t, String ip, int n) {
    return Captures.ami("InvalidPassword", t, "EventTV", EVENT_TV.format(t), "Severity", "Error", "Service", "PJSIP",
        "EventVersion", "2", "AccountID", "1000", "SessionID", "sess-" + n,
        "LocalAddress", "IPV4/UDP/10.0.0.1/5060", "RemoteAddress", "IPV4/UDP/" + ip + "/5060",
        "Challenge", "1a2b3c", "ReceivedChallenge", "1a2b3c", "ReceivedHash", "deadbeef" + n);
  }

  /** event-sources §1.9: an RTCPReceived receiver report; FractionLost in 1/256 (RFC 3550 §6.4.1). */
  private static byte[] rtcpReceived(Instant t, String linkedId, String from, int fractionLost, int seq) {
    return Captures.ami("RTCPReceived", t, "Channel", "PJSIP/1001-00000001", "Uniqueid", linkedId,
        "Linkedid", linkedId, "From", from + ":10001", "RTT", "0.0400", "SSRC", "0x1A2B3C4D", "PT", "201(RR)",
        "ReportCount", "1", "Report0SourceSSRC", "0x0011aabb", "Report0FractionLost", Integer.toString(fractionLost),
        "Report0CumulativeLost", Integer.toString(seq * 10), "Report0HighestSequence", Integer.toString(1000 + seq * 250),
        "Report0SequenceNumberCycles", "0", "Report0IAJitter", "80", "Report0LSR", "0", "Report0DLSR", "0.0000");
  }

  /** The burst, interleaved by address, then two reports of each call: 64/256 = 25 % lost, and none. */
  private static List<byte[]> frames(Instant base) {
    List<byte[]> f = new ArrayList<>();
    int n = 0;
    for (int i = 0; i < 6; i++) {
      for (Map.Entry<String, Integer> e : FAILURES.entrySet()) {
        if (i < e.getValue()) f.add(invalidPassword(base.plusMillis(50L * n), e.getKey(), n++));
      }
    }
    for (int i = 0; i < 2; i++) {
      f.add(rtcpReceived(base.plusSeconds(1 + 2L * i), LOSSY, "192.0.2.10", 64, i));
      f.add(rtcpReceived(base.plusSeconds(2 + 2L * i), CLEAN, "192.0.2.20", 0, i));
    }
    return f;
  }

  /** An HTTP receiver that takes connections and never answers; closing it resets them. */
  private static final class Stuck implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();

    Stuck() throws java.io.IOException {
      Thread.ofPlatform().daemon().name("stuck-receiver").start(() -> {
        try {
          while (true) held.add(server.accept());
        } catch (java.io.IOException e) {
          // closed
        }
      });
    }

    @Override
    public void close() throws java.io.IOException {
      server.close();
      for (Socket s : held) s.close();
    }
  }

  /** A fired alert as the index holds it. */
  record Fired(String id, String rule, String key, double value, String windowStart, List<String> docIds, Instant raised) {
    String comparable() {
      return id + " " + rule + " " + key + " " + value + " " + windowStart + " " + docIds;
    }
  }

  private static List<Fired> fired() throws Exception {
    ElasticsearchClient es = TestCluster.client();
    StreamFixture.refresh();
    List<Fired> out = new ArrayList<>();
    for (var h : es.search(s -> s.index("callarchive-alerts").allowNoIndices(true).ignoreUnavailable(true).size(1000)
        .query(q -> q.term(t -> t.field("alert.state").value("fired"))), JsonNode.class).hits().hits()) {
      JsonNode a = h.source().path("alert");
      List<String> ids = new ArrayList<>();
      a.path("doc_ids").forEach(x -> ids.add(x.asText()));
      out.add(new Fired(h.id(), a.path("rule").asText(), a.path("key").asText(), a.path("value").asDouble(),
          a.path("window_start").asText(), ids, Instant.parse(h.source().path("event").path("ingested").asText())));
    }
    out.sort(java.util.Comparator.comparing(Fired::rule).thenComparing(Fired::key));
    return out;
  }

  private static List<String> ruleKeys(List<Fired> fired, String... rules) {
    List<String> rk = new ArrayList<>();
    for (Fired f : fired) if (List.of(rules).contains(f.rule())) rk.add(f.rule() + ":" + f.key());
    return rk;
  }

  /**
   * Streams the frames from a PBX held until the service is up, with the default pack and a webhook that never
   * answers; returns the fired alerts once everything is acknowledged and the service stopped, and when the
   * frames were let go.
   */
  private List<Fired> streamLive(List<byte[]> frames, Instant[] released) throws Exception {
    String rules = Files.readString(PACK) + "notifiers:\n  webhook:\n    - name: stuck\n      url: http://127.0.0.1:PORT/hook\n"
        + "      timeout: 60s\n      retries: 0\n";
    try (Stuck stuck = new Stuck();
        LoopbackServer.Ami pbx = new LoopbackServer.Ami("callarchive", "right", 41)) {
      pbx.frames.addAll(frames);
      pbx.sendUpTo = 0;
      StreamConfig cfg = StreamConfig.parse(StreamFixture.config(tmp.resolve("spool"), pbx.port(), 0, ""), "test.yml", tmp,
          Map.<String, String>of()::get);
      StreamService svc = new StreamService(cfg, TestCluster.client(), null, Clock.systemUTC());
      svc.alerts(AlertConfig.parse(rules.replace("PORT", Integer.toString(stuck.server.getLocalPort())), "alerts.yml", k -> null));
      try (svc) {
        svc.start();
        await("the AMI login", Duration.ofSeconds(30),
            () -> svc.connections().get(0).state() == ConnectionStatus.State.STREAMING);
        // Every frame is received after this instant: a bound from here bounds it from the crossing frame.
        released[0] = Instant.now();
        pbx.sendUpTo = Integer.MAX_VALUE;
        await("every frame acknowledged and evaluated", Duration.ofSeconds(60),
            () -> pbx.allSent() && StreamFixture.countEvents("pbx1") == frames.size()
                && svc.pipeline().oldestUnacknowledged() == null && svc.liveAlerts().queued() == 0);
        await("the alerts indexed", Duration.ofSeconds(30),
            () -> fired().size() >= 2 + 2 && ruleKeys(fired(), "rtcp-loss-call", "rtcp-loss-remote").size() == 2);
        assertEquals(0, svc.liveAlerts().notifiers().counts().get("stuck").delivered(), "the webhook never answered");
        // Let the hanging deliveries fail at once: the receiver's pending connections are reset.
        stuck.close();
      }
    }
    return fired();
  }

  @Test
  void aBruteForceBurstAndRtcpLossAlertLiveWithinFiveSecondsDespiteAHangingWebhook() throws Exception {
    TestCluster.wipe();
    Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Instant[] released = new Instant[1];
    List<Fired> fired = streamLive(frames(base), released);

    assertEquals(List.of("auth-failures:203.0.113.10", "auth-failures:203.0.113.11"), ruleKeys(fired, "auth-failures"),
        "one alert per address with 5 failures or more, none for the one with 4: " + fired);
    assertEquals(List.of("rtcp-loss-call:" + LOSSY, "rtcp-loss-remote:192.0.2.10"),
        ruleKeys(fired, "rtcp-loss-call", "rtcp-loss-remote"), fired.toString());
    for (Fired f : fired) {
      assertTrue(!f.key().equals("203.0.113.12") && !f.key().equals(CLEAN) && !f.key().equals("192.0.2.20"),
          "nothing for what stayed below the thresholds: " + fired);
      if (ruleKeys(List.of(f), "auth-failures", "rtcp-loss-call", "rtcp-loss-remote").isEmpty()) continue;
      Duration took = Duration.between(released[0], f.raised());
      assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, f.rule() + " for " + f.key() + " raised " + took + " after the frames");
    }
    assertEquals(5.0, fired.stream().filter(f -> f.key().equals("203.0.113.10")).findFirst().orElseThrow().value(),
        "fired with the fifth failure");
  }

  @Test
  void theSameFramesImportedGiveTheSameAlertsAsTheLiveStream() throws Exception {
    TestCluster.wipe();
    Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<byte[]> frames = frames(base);
    List<String> live = streamLive(frames, new Instant[1]).stream().map(Fired::comparable).toList();

    TestCluster.wipe();
    Path capture = tmp.resolve("ami-burst.log");
    Files.write(capture, Captures.file(AMI_BANNER, frames));
    String home = tmp.resolve("batch-home").toString();
    assertEquals(Main.OK, Main.run("import", "--es-url", TestCluster.url(), "--home", home, "--progress", "none",
        "--no-alerts", "--format", "ami", "--source-name", "pbx1", capture.toString()));
    // The range ends before the pack's 30-minute silence could pass: the live run saw none either.
    assertEquals(Main.OK, Main.run("alerts", "run", "--es-url", TestCluster.url(), "--home", home,
        "--alerts", PACK.toString(), "--from", base.minusSeconds(60).toString(), "--to", base.plusSeconds(300).toString()));
    List<String> batch = fired().stream().map(Fired::comparable).toList();
    assertTrue(live.size() >= 4, live.toString());
    assertEquals(live, batch, "the same alerts (id, rule, key, value, window, documents) by both paths");
  }
}
