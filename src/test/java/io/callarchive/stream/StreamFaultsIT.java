package io.callarchive.stream;

import static io.callarchive.stream.StreamFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.index.EsConnection;
import io.callarchive.it.TestCluster;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults, each ending with every event indexed once and the archive a batch import of the same bytes makes:
 * callarchive killed with SIGKILL and restarted, Elasticsearch stopped for 60 s, a slow Elasticsearch.
 */
class StreamFaultsIT {
  private static final String AMI_BANNER = "Asterisk Call Manager/9.0.0\r\n";
  @TempDir Path tmp;

  private StreamFixture.Snapshot batch(List<byte[]> ami, List<byte[]> esl) throws Exception {
    List<Path[]> files = new ArrayList<>();
    if (ami != null) files.add(StreamFixture.capture(StreamFixture.write(tmp, "ami.log", Captures.file(AMI_BANNER, ami)), "ami", "pbx1"));
    if (esl != null) files.add(StreamFixture.capture(StreamFixture.write(tmp, "esl.log", Captures.file(null, esl)), "freeswitch", "fs1"));
    return StreamFixture.batchOf(tmp, files);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static long metric(int port, String name) throws Exception {
    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.E]+)$").matcher(body);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }

  private Process child(Path config, Path home, Path log) throws Exception {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), "io.callarchive.cli.Main",
        "stream", "--config", config.toString(), "--es-url", TestCluster.url(), "--home", home.toString());
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  @Test
  void aStreamKilledWithSigkillAndRestartedLosesNothingAndWritesNothingTwice() throws Exception {
    TestCluster.wipe();
    Instant base = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    List<byte[]> ami = Captures.amiCalls(80, base, 5000, 1);
    try (LoopbackServer.Ami pbx = new LoopbackServer.Ami("callarchive", "right", 41)) {
      pbx.frames.addAll(ami);
      pbx.rate = 400;
      pbx.booted = true; // FullyBooted has no Timestamp: its id comes from its spool position
      int http = freePort();
      Path config = tmp.resolve("stream.yml");
      Files.writeString(config, StreamFixture.config(tmp.resolve("spool"), pbx.port(), 0, "").replace("port: 0", "port: " + http));
      Path home = tmp.resolve("home");
      Path log = tmp.resolve("child.log");
      Process p = child(config, home, log);
      try {
        await("some events indexed", Duration.ofSeconds(90), () -> StreamFixture.countEvents("pbx1") >= 150);
        // Hold the PBX, let the child spool all it was sent, and kill it before it acknowledged it all.
        pbx.sendUpTo = pbx.next.get();
        int sent = pbx.next.get() + 1; // + FullyBooted
        await("everything sent is spooled", Duration.ofSeconds(90),
            () -> metric(http, "callarchive_stream_frames_received_total{source=\"pbx1\"}") >= sent);
      } finally {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
      long before = StreamFixture.countEvents("pbx1");
      // the kill lands wherever the pipeline is: often with part of the spool unacknowledged, sometimes (a fast
      // node) with everything acknowledged; the restart must then replay nothing twice either way
      assertTrue(before <= ami.size() + 1, "nothing indexed twice before the kill: " + before);
      pbx.sendUpTo = Integer.MAX_VALUE;
      Process again = child(config, home, log);
      try {
        await("every event", Duration.ofSeconds(90), () -> StreamFixture.countEvents("pbx1") == ami.size() + 2L
            && StreamFixture.completeCalls("pbx1") == 80);
      } finally {
        again.destroy(); // SIGTERM: a clean stop
        assertTrue(again.waitFor(60, TimeUnit.SECONDS), "stopped on SIGTERM");
      }
      assertEquals(0, again.exitValue() == 143 ? 0 : again.exitValue(), Files.readString(log));
      assertEquals(2, pbx.accepted.get());
    }
    StreamFixture.Snapshot live = StreamFixture.snapshot();
    long booted = live.events().values().stream().filter("FullyBooted"::equals).count();
    assertEquals(2, booted, "one FullyBooted per connection, the one replayed after the kill not twice");
    live.events().values().removeIf("FullyBooted"::equals);
    StreamFixture.assertSameArchive(batch(ami, null), live);
  }

  @Test
  void elasticsearchStoppedForAMinuteMidStreamLosesNothing() throws Exception {
    TestCluster.wipe();
    Instant base = Instant.now().minus(4, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    List<byte[]> ami = Captures.amiCalls(60, base, 5000, 1);
    List<byte[]> esl = Captures.eslCalls(60, base, 5000, 1);
    try (LoopbackServer.Ami pbx = new LoopbackServer.Ami("callarchive", "right", 51);
        LoopbackServer.Esl fs = new LoopbackServer.Esl("ClueCon", 52)) {
      pbx.frames.addAll(ami);
      fs.frames.addAll(esl);
      pbx.rate = 40;
      fs.rate = 30;
      // the first 12 calls of each before the outage, the rest during it
      pbx.sendUpTo = 12 * Captures.AMI_EVENTS_PER_CALL;
      fs.sendUpTo = 12 * Captures.ESL_EVENTS_PER_CALL;
      try (StreamService svc = StreamFixture.start(StreamFixture.config(tmp.resolve("spool"), pbx.port(), fs.port(), ""), tmp)) {
        await("the first part indexed", Duration.ofSeconds(60), () -> StreamFixture.countEvents("pbx1") == pbx.sendUpTo
            && StreamFixture.countEvents("fs1") == fs.sendUpTo);
        TestCluster.node().stop();
        long stoppedAt = System.nanoTime();
        try {
          long before = svc.spool().appendedRecords.sum();
          pbx.sendUpTo = Integer.MAX_VALUE;
          fs.sendUpTo = Integer.MAX_VALUE;
          await("the stream noticed", Duration.ofSeconds(30), () -> !svc.pipeline().elasticsearchOk());
          await("frames spooled during the outage", Duration.ofSeconds(30), () -> svc.spool().appendedRecords.sum() > before + 100);
          Thread.sleep(Math.max(0, Duration.ofSeconds(60).toMillis() - (System.nanoTime() - stoppedAt) / 1_000_000));
          assertEquals(ConnectionStatus.State.STREAMING, svc.connections().get(0).state(), "the PBX side never noticed");
          assertEquals(ConnectionStatus.State.STREAMING, svc.connections().get(1).state());
          assertEquals(1, pbx.accepted.get());
        } finally {
          TestCluster.node().start();
        }
        await("every event", Duration.ofSeconds(120), () -> StreamFixture.countEvents("pbx1") == ami.size()
            && StreamFixture.countEvents("fs1") == esl.size()
            && StreamFixture.completeCalls("pbx1") == 60 && StreamFixture.completeCalls("fs1") == 60);
        await("the spool released", Duration.ofSeconds(30), () -> svc.spool().pendingRecords() == 0);
      }
    }
    StreamFixture.assertSameArchive(batch(ami, esl), StreamFixture.snapshot());
  }

  @Test
  void aSlowElasticsearchNeverStallsThePbx() throws Exception {
    TestCluster.wipe();
    Instant base = Instant.now().minus(5, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    List<byte[]> ami = Captures.amiCalls(150, base, 5000, 1);
    try (LoopbackServer.Ami pbx = new LoopbackServer.Ami("callarchive", "right", 61);
        DelayProxy slow = new DelayProxy(Integer.parseInt(TestCluster.url().replaceAll(".*:", "")), 300)) {
      pbx.frames.addAll(ami);
      pbx.rate = 500;
      StreamConfig cfg = StreamConfig.parse(StreamFixture.config(tmp.resolve("spool"), pbx.port(), 0, ""), "test.yml", tmp,
          Map.<String, String>of()::get);
      try (var client = EsConnection.plain("http://127.0.0.1:" + slow.port()).client();
          StreamService svc = new StreamService(cfg, client, null, Clock.systemUTC())) {
        svc.start();
        await("every event", Duration.ofSeconds(120), () -> StreamFixture.countEvents("pbx1") == ami.size()
            && StreamFixture.completeCalls("pbx1") == 150);
      }
      long stallMs = pbx.maxStallNanos.get() / 1_000_000;
      assertTrue(stallMs < 100, "the PBX's writes were blocked for " + stallMs + " ms");
    }
    StreamFixture.assertSameArchive(batch(ami, null), StreamFixture.snapshot());
  }
}
