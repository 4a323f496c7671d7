package io.callarchive.stream;

import static io.callarchive.stream.StreamFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callarchive.it.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code callarchive stream} against loopback PBXs and the real Elasticsearch node. */
class StreamIT {
  private static final String AMI_BANNER = "Asterisk Call Manager/9.0.0\r\n";
  @TempDir Path tmp;

  private static String get(int port, String path, int[] status) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    status[0] = r.statusCode();
    return r.body();
  }

  @Test
  void liveAmiAndEventSocketArchiveEveryEventOnceWithTheCallsOfABatchImport() throws Exception {
    TestCluster.wipe();
    Instant base = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    List<byte[]> ami = Captures.amiCalls(30, base, 5000, 1.5);
    List<byte[]> esl = Captures.eslCalls(30, base, 5000, 1.5);
    try (LoopbackServer.Ami pbx = new LoopbackServer.Ami("callarchive", "right", 11);
        LoopbackServer.Esl fs = new LoopbackServer.Esl("ClueCon", 12)) {
      pbx.frames.addAll(ami);
      fs.frames.addAll(esl);
      // the last AMI call is held half-way to see it running
      pbx.sendUpTo = ami.size() - 4;
      try (StreamService svc = StreamFixture.start(StreamFixture.config(tmp.resolve("spool"), pbx.port(), fs.port(), ""), tmp)) {
        await("the events of both sources", Duration.ofSeconds(60),
            () -> StreamFixture.countEvents("pbx1") == ami.size() - 4 && StreamFixture.countEvents("fs1") == esl.size());
        String lastCall = base.plusMillis(29 * 5000).getEpochSecond() + "." + 58;
        await("the running call's document", Duration.ofSeconds(30),
            () -> StreamFixture.count("callarchive-calls", "call.id", lastCall) == 1);
        JsonNode running = StreamFixture.docs("callarchive-calls", true).values().stream()
            .filter(d -> lastCall.equals(d.path("call.id").asText(d.path("call").path("id").asText()))).findFirst().orElseThrow();
        assertEquals("false", flat(running, "call.complete"), "a running call is written incomplete: " + running);
        pbx.sendUpTo = Integer.MAX_VALUE;
        await("every call complete", Duration.ofSeconds(30),
            () -> StreamFixture.completeCalls("pbx1") == 30 && StreamFixture.completeCalls("fs1") == 30);
        await("the spool released", Duration.ofSeconds(30), () -> svc.spool().pendingRecords() == 0);

        int[] status = new int[1];
        JsonNode health = StreamFixture.JSON.readTree(get(svc.port(), "/health", status));
        assertEquals(200, status[0], health.toString());
        assertEquals("streaming", health.path("connections").get(0).path("state").asText());
        assertEquals(2, health.path("connections").size());
        assertTrue(health.path("elasticsearch_reachable").asBoolean());
        String metrics = get(svc.port(), "/metrics", status);
        assertEquals(200, status[0]);
        assertTrue(metrics.contains("callarchive_stream_frames_received_total{source=\"pbx1\"} " + ami.size() + ".0"), metrics);
        assertTrue(metrics.contains("callarchive_stream_frames_received_total{source=\"fs1\"} " + esl.size() + ".0"), metrics);
        assertTrue(metrics.contains("callarchive_stream_spool_bytes "), metrics);
        assertTrue(metrics.contains("callarchive_stream_auth_failures_total{source=\"pbx1\"} 0.0"), metrics);
      }
      assertEquals(2, StreamFixture.count("callarchive-events", "event.action", "authenticated"));
      assertEquals(2, StreamFixture.count("callarchive-events", "event.action", "connected"));
    }
    StreamFixture.Snapshot live = StreamFixture.snapshot();
    assertEquals(ami.size() + esl.size(), live.events().size(), "every event once");

    Path amiFile = StreamFixture.write(tmp, "ami.log", Captures.file(AMI_BANNER, ami));
    Path eslFile = StreamFixture.write(tmp, "esl.log", Captures.file(null, esl));
    StreamFixture.Snapshot batch = StreamFixture.batchOf(tmp, StreamFixture.list(
        StreamFixture.capture(amiFile, "ami", "pbx1"), StreamFixture.capture(eslFile, "freeswitch", "fs1")));
    assertEquals(60, batch.calls().size());
    StreamFixture.assertSameArchive(batch, live);
  }

  static String flat(JsonNode doc, String dotted) {
    JsonNode v = doc.get(dotted);
    if (v != null) return v.asText();
    JsonNode n = doc;
    for (String p : dotted.split("\\.")) n = n.path(p);
    return n.asText();
  }

  @Test
  void aGapIsArchivedAndBackfillingTheCaptureGivesTheArchiveOfABatchImport() throws Exception {
    TestCluster.wipe();
    Instant base = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    List<byte[]> ami = Captures.amiCalls(12, base, 5000, 1);
    List<byte[]> esl = Captures.eslCalls(12, base, 5000, 1);
    int lost = 9; // events the switch fired while callarchive was away: the middle of call 5
    try (LoopbackServer.Ami pbx = new LoopbackServer.Ami("callarchive", "right", 21);
        LoopbackServer.Esl fs = new LoopbackServer.Esl("ClueCon", 22)) {
      pbx.frames.addAll(ami);
      fs.frames.addAll(esl);
      pbx.cutAt = 43; // Asterisk's side closes in the middle of an event, and comes back
      fs.sendUpTo = 28;
      try (StreamService svc = StreamFixture.start(StreamFixture.config(tmp.resolve("spool"), pbx.port(), fs.port(), ""), tmp)) {
        await("the first part", Duration.ofSeconds(60), () -> fs.next.get() == 28 && pbx.allSent());
        Thread.sleep(300);
        fs.dropConnections();
        fs.next.addAndGet(lost);
        fs.sendUpTo = Integer.MAX_VALUE;
        await("the rest", Duration.ofSeconds(60),
            () -> StreamFixture.countEvents("fs1") == esl.size() - lost && StreamFixture.countEvents("pbx1") == ami.size());
        await("the spool released", Duration.ofSeconds(30), () -> svc.spool().pendingRecords() == 0);
      }
      assertEquals(1, StreamFixture.count("callarchive-events", "event.action", "sequence_gap"));
      assertTrue(StreamFixture.count("callarchive-events", "event.action", "disconnected") >= 2);
      assertEquals(2, StreamFixture.count("callarchive-events", "event.action", "reconnected"));
      JsonNode gap = StreamFixture.docs("callarchive-events", true).values().stream()
          .filter(d -> "sequence_gap".equals(flat(d, "event.action"))).findFirst().orElseThrow();
      assertEquals("Event-Sequence jumped from 1027 to 1037: " + lost + " events missed", flat(gap, "message"));
      assertEquals("state", flat(gap, "event.kind"));
      assertEquals("fs1", flat(gap, "observer.name"));
    }
    // the calls cut by the gap: written incomplete
    long incomplete = StreamFixture.count("callarchive-calls", "call.complete", "false");
    assertTrue(incomplete >= 1, "a call open across the gap ends incomplete");

    // Backfill: the switch's own capture of those hours, imported on top of what was streamed.
    Path amiFile = StreamFixture.write(tmp, "ami.log", Captures.file(AMI_BANNER, ami));
    Path eslFile = StreamFixture.write(tmp, "esl.log", Captures.file(null, esl));
    Path home = tmp.resolve("backfill-home");
    StreamFixture.importFile(home, amiFile, "ami", "pbx1");
    StreamFixture.importFile(home, eslFile, "freeswitch", "fs1");
    assertEquals(0, StreamFixture.count("callarchive-calls", "call.complete", "false"), "the backfill completed the calls");
    StreamFixture.Snapshot backfilled = StreamFixture.snapshot();

    StreamFixture.Snapshot batch = StreamFixture.batchOf(tmp, StreamFixture.list(
        StreamFixture.capture(amiFile, "ami", "pbx1"), StreamFixture.capture(eslFile, "freeswitch", "fs1")));
    StreamFixture.assertSameArchive(batch, backfilled);
  }

  @Test
  void aWrongSecretIsArchivedCountedAndUnhealthy() throws Exception {
    TestCluster.wipe();
    try (LoopbackServer.Ami pbx = new LoopbackServer.Ami("callarchive", "other", 31)) {
      try (StreamService svc = StreamFixture.start(StreamFixture.config(tmp.resolve("spool"), pbx.port(), 0, ""), tmp)) {
        await("the refused login archived", Duration.ofSeconds(30),
            () -> StreamFixture.count("callarchive-events", "event.action", "auth_failed") >= 1);
        int[] status = new int[1];
        JsonNode health = StreamFixture.JSON.readTree(get(svc.port(), "/health", status));
        assertEquals(503, status[0]);
        assertEquals("auth_failed", health.path("connections").get(0).path("state").asText());
        String metrics = get(svc.port(), "/metrics", status);
        assertTrue(metrics.matches("(?s).*callarchive_stream_auth_failures_total\\{source=\"pbx1\"} [1-9].*"), metrics);
        assertTrue(Map.of().isEmpty());
      }
    }
  }
}
