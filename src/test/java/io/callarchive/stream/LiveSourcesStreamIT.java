package io.callarchive.stream;

import static io.callarchive.stream.StreamFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callarchive.index.EsConnection;
import io.callarchive.it.TestCluster;
import io.callarchive.stream.ari.AriTestServer;
import io.callarchive.stream.kazoo.Broker;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.java_websocket.enums.Opcode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code callarchive stream} with an ARI, a Kazoo and a ccs source, each into the real Elasticsearch node, ending
 * with the archive (events, calls, quality, dead letters) a batch import of the same events makes: the loopback
 * ARI websocket server sending messages split into frames, the real RabbitMQ with Kazoo's routing keys, and posts
 * to the webhook, on the service's HTTP port and, with Elasticsearch unreachable, on a port of its own.
 */
class LiveSourcesStreamIT {
  private static final String TOKEN = "live-test-token-0123456789";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir Path tmp;

  private String config(String entry) {
    return StreamFixture.config(tmp.resolve("spool"), 0, 0, "") + entry;
  }

  private static String get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** /health lists the source streaming, and /metrics counts its frames. */
  private static void assertVisible(StreamService svc, String name, String type, int frames) throws Exception {
    JsonNode health = StreamFixture.JSON.readTree(get(svc.port(), "/health"));
    JsonNode c = health.path("connections").get(0);
    assertEquals(name, c.path("name").asText(), health.toString());
    assertEquals(type, c.path("type").asText(), health.toString());
    assertEquals("streaming", c.path("state").asText(), health.toString());
    assertEquals(frames, c.path("frames").asInt(), health.toString());
    String metrics = get(svc.port(), "/metrics");
    assertTrue(metrics.contains("callarchive_stream_frames_received_total{source=\"" + name + "\"} " + frames + ".0"), metrics);
    assertTrue(metrics.contains("callarchive_stream_connected{source=\"" + name + "\"} 1.0"), metrics);
  }

  private static void awaitArchived(StreamService svc, String observer, int events, int calls) throws Exception {
    try {
      await("every event and every call complete", Duration.ofSeconds(60),
          () -> StreamFixture.countEvents(observer) == events && StreamFixture.completeCalls(observer) == calls);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ": " + StreamFixture.countEvents(observer) + " of " + events
          + " events, " + StreamFixture.completeCalls(observer) + " of " + calls + " calls complete, "
          + StreamFixture.docs("callarchive-calls", true).size() + " call documents", e);
    }
    await("the spool released", Duration.ofSeconds(30), () -> svc.spool().pendingRecords() == 0);
  }

  private StreamFixture.Snapshot batch(String name, byte[] capture, String format, String source) throws Exception {
    Path file = StreamFixture.write(tmp, name, capture);
    return StreamFixture.batchOf(tmp, StreamFixture.list(StreamFixture.capture(file, format, source)));
  }

  @Test
  void ariMessagesSplitIntoFramesGiveTheArchiveOfABatchImport() throws Exception {
    TestCluster.wipe();
    int calls = 12;
    List<byte[]> events = LiveCaptures.ariCalls(calls, Instant.now().minus(1, ChronoUnit.HOURS), Duration.ofSeconds(5));
    Random random = new Random(12);
    try (AriTestServer pbx = new AriTestServer("callarchive", "right", null)) {
      pbx.onOpen(ws -> {
        for (byte[] e : events) {
          // split at random byte positions, inside UTF-8 characters too ("Zoë Müller"): one message, several frames
          int pos = 0;
          while (pos < e.length) {
            int n = 1 + random.nextInt(Math.min(200, e.length - pos));
            ws.sendFragmentedFrame(Opcode.TEXT, ByteBuffer.wrap(Arrays.copyOfRange(e, pos, pos + n)), pos + n == e.length);
            pos += n;
          }
        }
      });
      String entry = """
            - name: pbx2
              type: ari
              url: ws://127.0.0.1:%d
              app: callarchive-it
              user: callarchive
              password: ${env:ARI_PASSWORD}
              reconnect_min: 100ms
              reconnect_max: 500ms
          """.formatted(pbx.port());
      StreamConfig cfg = StreamConfig.parse(config(entry), "test.yml", tmp, Map.of("ARI_PASSWORD", "right")::get);
      try (StreamService svc = new StreamService(cfg, TestCluster.client(), null, Clock.systemUTC())) {
        svc.start();
        awaitArchived(svc, "pbx2", events.size(), calls);
        assertVisible(svc, "pbx2", "ari", events.size());
      }
    }
    assertEquals(1, StreamFixture.count("callarchive-events", "event.action", "connected"));
    StreamFixture.Snapshot live = StreamFixture.snapshot();
    StreamFixture.Snapshot batch = batch("ari.jsonl", LiveCaptures.jsonLines(events), "ari", "pbx2");
    assertEquals(calls, batch.calls().size());
    StreamFixture.assertSameArchive(batch, live);
  }

  @Test
  void kazooMessagesFromTheRealBrokerGiveTheArchiveOfABatchImport() throws Exception {
    TestCluster.wipe();
    int calls = 12;
    List<LiveCaptures.KazooMessage> messages =
        LiveCaptures.kazooCalls(calls, Instant.now().minus(1, ChronoUnit.HOURS), Duration.ofSeconds(5));
    try (Broker broker = new Broker()) {
      broker.declareExchange();
      String entry = """
            - name: kazoo1
              type: kazoo
              uri: %s
              user: guest
              password: guest
              exchange: %s
              queue: %s
              routing_keys: ["call.*.*"]
              prefetch: 50
              reconnect_min: 100ms
              reconnect_max: 500ms
          """.formatted(Broker.URI_, broker.exchange, broker.queue);
      try (StreamService svc = StreamFixture.start(config(entry), tmp)) {
        await("the consumer bound", Duration.ofSeconds(30),
            () -> svc.connections().getFirst().state() == ConnectionStatus.State.STREAMING);
        int n = 0;
        for (LiveCaptures.KazooMessage m : messages) broker.publish(m.routingKey(), m.body(), n++ % 3 == 2);
        awaitArchived(svc, "kazoo1", messages.size(), calls);
        assertVisible(svc, "kazoo1", "kazoo", messages.size());
        assertEquals(0, broker.ready(), "every message acknowledged");
      }
    }
    StreamFixture.Snapshot live = StreamFixture.snapshot();
    StreamFixture.Snapshot batch = batch("kazoo.jsonl",
        LiveCaptures.jsonLines(messages.stream().map(LiveCaptures.KazooMessage::body).toList()), "kazoo", "kazoo1");
    assertEquals(calls, batch.calls().size());
    StreamFixture.assertSameArchive(batch, live);
  }

  private static int post(int port, byte[] body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ccs/events"))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static byte[] array(List<String> events) {
    return ("[" + String.join(",\n", events) + "]").getBytes(StandardCharsets.UTF_8);
  }

  /** Call k of two domains: the copies of its first event posted once per domain (§5.2), then the rest. */
  private static List<List<String>> ccsPosts(int calls, Instant start) {
    List<List<String>> posts = new ArrayList<>();
    for (int k = 0; k < calls; k++) {
      List<String> call = LiveCaptures.ccsCall(k, start.plusSeconds(5L * k), "sales.example.com");
      posts.add(List.of(call.getFirst()));
      posts.add(List.of(call.getFirst().replace("sales.example.com", "support.example.com")));
      posts.add(call.subList(1, call.size()));
    }
    return posts;
  }

  private static byte[] capture(List<List<String>> posts) {
    List<byte[]> all = new ArrayList<>();
    for (List<String> p : posts) for (String e : p) all.add(e.getBytes(StandardCharsets.UTF_8));
    return LiveCaptures.jsonLines(all);
  }

  @Test
  void ccsPostsOnTheServicePortGiveTheArchiveOfABatchImport() throws Exception {
    TestCluster.wipe();
    int calls = 10;
    List<List<String>> posts = ccsPosts(calls, Instant.now().minus(1, ChronoUnit.HOURS));
    String entry = """
          - name: ccs1
            type: ccs
            token: %s
        """.formatted(TOKEN);
    try (StreamService svc = StreamFixture.start(config(entry), tmp)) {
      for (List<String> p : posts) assertEquals(200, post(svc.port(), array(p)));
      awaitArchived(svc, "ccs1", calls * LiveCaptures.CCS_EVENTS_PER_CALL, calls);
      assertVisible(svc, "ccs1", "ccs", calls * (LiveCaptures.CCS_EVENTS_PER_CALL + 1));
    }
    StreamFixture.Snapshot live = StreamFixture.snapshot();
    StreamFixture.Snapshot batch = batch("ccs.jsonl", capture(posts), "ccs", "ccs1");
    assertEquals(calls, batch.calls().size());
    assertEquals(calls * LiveCaptures.CCS_EVENTS_PER_CALL, batch.events().size(), "one document per event, not per domain");
    StreamFixture.assertSameArchive(batch, live);
  }

  @Test
  void aCcsPostWhileElasticsearchIsUnreachableIsAcceptedAndIndexedWhenItIsBack() throws Exception {
    TestCluster.wipe();
    int calls = 8;
    List<List<String>> posts = ccsPosts(calls, Instant.now().minus(1, ChronoUnit.HOURS));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String entry = """
          - name: ccs1
            type: ccs
            host: 127.0.0.1
            port: %d
            token: %s
        """.formatted(port, TOKEN);
    StreamConfig cfg = StreamConfig.parse(config(entry), "test.yml", tmp, Map.<String, String>of()::get);
    int half = calls / 2 * 3; // the posts of the first half of the calls
    try (EsProxy es = new EsProxy(Integer.parseInt(TestCluster.url().replaceAll(".*:", "")));
        var client = EsConnection.plain("http://127.0.0.1:" + es.port()).client();
        StreamService svc = new StreamService(cfg, client, null, Clock.systemUTC())) {
      svc.start();
      for (List<String> p : posts.subList(0, half)) assertEquals(200, post(port, array(p)));
      int indexedBefore = calls / 2 * LiveCaptures.CCS_EVENTS_PER_CALL; // half of the calls; two copies are one event
      await("the first half indexed", Duration.ofSeconds(60), () -> StreamFixture.countEvents("ccs1") == indexedBefore);

      es.cut();
      await("the stream noticed", Duration.ofSeconds(30), () -> !svc.pipeline().elasticsearchOk());
      for (List<String> p : posts.subList(half, posts.size())) {
        assertEquals(200, post(port, array(p)), "accepted into the spool while Elasticsearch is away");
      }
      assertTrue(svc.spool().pendingRecords() > 0, "held by the spool");
      JsonNode health = StreamFixture.JSON.readTree(get(svc.port(), "/health"));
      assertFalse(health.path("elasticsearch_reachable").asBoolean(), health.toString());
      assertEquals("streaming", health.path("connections").get(0).path("state").asText(), "the webhook still takes posts");
      assertEquals(indexedBefore, StreamFixture.countEvents("ccs1"), "nothing written meanwhile");

      es.restore();
      awaitArchived(svc, "ccs1", calls * LiveCaptures.CCS_EVENTS_PER_CALL, calls);
    }
    StreamFixture.Snapshot live = StreamFixture.snapshot();
    StreamFixture.assertSameArchive(batch("ccs.jsonl", capture(posts), "ccs", "ccs1"), live);
  }
}
