package io.callarchive.stream.kazoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.GetResponse;
import io.callarchive.model.Doc;
import io.callarchive.model.Parsed;
import io.callarchive.model.Provenance;
import io.callarchive.parse.Readers;
import io.callarchive.parse.kazoo.KazooFormat;
import io.callarchive.stream.BatchEquivalence;
import io.callarchive.stream.RecordingSink;
import io.callarchive.stream.connect.Backoff;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kazoo consumer against the real RabbitMQ on 127.0.0.1:5672: payloads we wrote published with Kazoo's routing
 * keys on a topic exchange of the test's own; a consumer restart mid-stream, the broker stopped for 30 s, and a
 * consumer JVM killed between receipt and acknowledgement.
 */
class KazooConsumerIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long GREGORIAN_TO_UNIX = 62_167_219_200L; // event-sources §0.2

  private Broker broker;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void broker() throws Exception {
    broker = new Broker();
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    broker.close();
  }

  private KazooSettings settings(int prefetch) {
    return new KazooSettings("kazoo-test", Broker.URI_, "guest", "guest", null, broker.exchange, false, broker.queue,
        List.of("call.*.*"), prefetch, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofMillis(100),
        Duration.ofSeconds(1), KazooSettings.DEFAULT_MAX_MESSAGE);
  }

  private KazooConsumer consumer(KazooSettings s, RecordingSink sink) {
    KazooConsumer c = new KazooConsumer(s, sink, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1),
        () -> 0.5), Clock.systemUTC());
    open.add(c);
    return c;
  }

  static byte[] fixture(String name) throws Exception {
    Path p = Path.of(KazooConsumerIT.class.getResource("/stream/kazoo/" + name).toURI());
    return new String(Files.readAllBytes(p), StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
  }

  /** A small call event with its own Call-ID and Timestamp, numbered so that each is distinct. */
  static byte[] numbered(int i) {
    return ("{\"App-Name\":\"ecallmgr\",\"Call-ID\":\"leg-" + i + "@10.0.0.5\",\"Event-Category\":\"call_event\","
        + "\"Event-Name\":\"CHANNEL_CREATE\",\"Msg-ID\":\"m-" + i + "\",\"Timestamp\":" + (63942819601L + i) + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private void publishNumbered(int from, int to) throws Exception {
    for (int i = from; i < to; i++) broker.publish(Broker.routingKey("CHANNEL_CREATE", "leg-" + i + "@10.0.0.5"),
        numbered(i), false);
  }

  /** The frame read by the Kazoo format, through the batch reader and through the one-message entry. */
  static Parsed.Event parsedAlone(byte[] frame) {
    List<Parsed> viaReader = Readers.readAll(new KazooFormat(), frame, "test");
    assertEquals(1, viaReader.size());
    Parsed.Event e = assertInstanceOf(Parsed.Event.class, viaReader.get(0));
    Parsed one = new KazooFormat().message(frame, new Provenance("test", 0, frame.length));
    Parsed.Event e2 = assertInstanceOf(Parsed.Event.class, one);
    assertEquals(e.action(), e2.action());
    assertEquals(e.time(), e2.time());
    assertEquals(e.fields(), e2.fields());
    return e;
  }

  @Test
  void kazooPayloadsOnTheirRoutingKeysArriveAsFramesTheFormatReads() throws Exception {
    broker.declareExchange();
    RecordingSink sink = new RecordingSink();
    KazooConsumer consumer = consumer(settings(50), sink);
    consumer.start();
    sink.awaitState("connected", 1, WAIT);

    String callId = "a1b2c3d4.5678@10.0.0.5";
    byte[] create = fixture("channel_create.json");
    byte[] answer = fixture("channel_answer.json");
    byte[] destroy = fixture("channel_destroy.json");
    byte[] route = fixture("route_req.json");
    byte[] registration = fixture("registration.json");
    broker.publish(Broker.routingKey("CHANNEL_CREATE", callId), create, false);
    broker.publish(Broker.routingKey("CHANNEL_ANSWER", callId), answer, false);
    broker.publish("presence.update.alice", registration, false); // not bound: never delivered
    broker.publish(Broker.routingKey("CHANNEL_DESTROY", callId), destroy, true); // content-encoding gzip
    broker.publish(Broker.routingKey("route_req", callId), route, false);
    broker.publish(Broker.routingKey("reg_success", "alice"), registration, false); // not a call event
    assertEquals("call.CHANNEL_CREATE.a1b2c3d4%2E5678%4010%2E0%2E0%2E5", Broker.routingKey("CHANNEL_CREATE", callId));

    List<byte[]> expected = List.of(create, answer, destroy, route, registration);
    sink.awaitFrames(expected.size(), WAIT);
    List<RecordingSink.Frame> frames = sink.frames();
    assertEquals(expected.size(), frames.size());
    for (int i = 0; i < expected.size(); i++) {
      byte[] frame = frames.get(i).bytes();
      assertArrayEquals(expected.get(i), frame, "frame " + i + " is the (gunzipped) body byte for byte");
      JsonNode tree = JSON.readTree(expected.get(i));
      Parsed.Event e = parsedAlone(frame);
      assertEquals(tree.get("Event-Name").asText(), e.action());
      JsonNode ts = tree.has("Timestamp") ? tree.get("Timestamp") : tree.get("Event-Timestamp");
      assertEquals(Instant.ofEpochSecond(ts.asLong() - GREGORIAN_TO_UNIX), e.time());
      Doc doc = new Doc();
      new KazooFormat().normalise(e, doc);
      boolean callEvent = !tree.get("Event-Category").asText().equals("directory");
      assertEquals(callEvent ? List.of("session") : null, doc.get("event.category"),
          tree.get("Event-Name") + ": a call event is a session, a registration is not");
    }
    // the documents are those of a batch import of the same payloads as JSON lines
    java.io.ByteArrayOutputStream capture = new java.io.ByteArrayOutputStream();
    for (byte[] b : expected) {
      capture.writeBytes(b);
      capture.write('\n');
    }
    BatchEquivalence.assertSameDocuments(new KazooFormat(), capture.toByteArray(),
        frames.stream().map(RecordingSink.Frame::bytes).toList(), "kazoo-test");
    // the queue is durable, not exclusive, not auto-delete, without arguments: the same declaration is accepted
    broker.declareQueueAsTheConsumerDoes();
    consumer.close(); // anything delivered and not acknowledged would now be back in the queue
    assertEquals(0, broker.ready(), "everything delivered was acknowledged");
  }

  @Test
  void aFullSpoolHoldsTheDeliveryUnacknowledgedUntilItFits() throws Exception {
    broker.declareExchange();
    RecordingSink sink = new RecordingSink();
    sink.refuseNext(6);
    KazooConsumer consumer = consumer(settings(50), sink);
    consumer.start();
    sink.awaitState("connected", 1, WAIT);
    publishNumbered(0, 5);
    sink.awaitFrames(5, WAIT);
    assertEquals(6, sink.refusals());
    for (int i = 0; i < 5; i++) assertArrayEquals(numbered(i), sink.frames().get(i).bytes());
    consumer.close();
    assertEquals(0, broker.ready(), "each was acknowledged once the spool took it");
  }

  @Test
  void aConsumerRestartMidStreamLosesNothingAndRepeatsNothing() throws Exception {
    broker.declareExchange();
    RecordingSink first = new RecordingSink();
    first.hook((c, b) -> sleep(5));
    KazooConsumer a = consumer(settings(10), first);
    a.start();
    first.awaitState("connected", 1, WAIT);
    publishNumbered(0, 60);
    first.awaitFrames(20, WAIT);
    a.close(); // mid-stream: what was prefetched and not taken goes back to the queue

    RecordingSink second = new RecordingSink();
    consumer(settings(10), second).start();
    publishNumbered(60, 100);
    int fromFirst = first.frames().size();
    second.awaitFrames(100 - fromFirst, WAIT);

    Map<String, Integer> seen = new HashMap<>();
    for (RecordingSink.Frame f : first.frames()) seen.merge(f.text(), 1, Integer::sum);
    for (RecordingSink.Frame f : second.frames()) seen.merge(f.text(), 1, Integer::sum);
    for (int i = 0; i < 100; i++) {
      assertEquals(1, seen.getOrDefault(new String(numbered(i), StandardCharsets.UTF_8), 0), "message " + i);
    }
    assertEquals(100, seen.size());
    assertTrue(fromFirst >= 20 && fromFirst < 100, "the first consumer stopped mid-stream: " + fromFirst);
  }

  @Test
  void aBrokerStoppedForThirtySecondsLosesNothing() throws Exception {
    broker.declareExchange();
    RecordingSink sink = new RecordingSink();
    sink.hook((c, b) -> sleep(20));
    consumer(settings(5), sink).start();
    sink.awaitState("connected", 1, WAIT);
    publishNumbered(0, 40);
    sink.awaitFrames(10, WAIT);
    int beforeStop;
    try {
      Broker.rabbitmqctl("stop_app");
      sink.awaitState("disconnected", 1, WAIT);
      Thread.sleep(30_000);
      // counted at the end of the outage, not when the loss was seen: the delivery in hand then (the sink takes
      // 20 ms a frame) still reaches the sink after the state change, and nothing new can arrive meanwhile
      beforeStop = sink.frames().size();
    } finally {
      Broker.rabbitmqctl("start_app");
    }
    sink.awaitState("reconnected", 1, Duration.ofSeconds(90));
    // the exchange is not durable, as Kazoo declares it: it came back through the consumer's topology recovery,
    // and so did the binding; this publisher declares nothing
    broker.reopen();
    publishNumbered(40, 60);
    Set<String> all = new HashSet<>();
    for (int i = 0; i < 60; i++) all.add(new String(numbered(i), StandardCharsets.UTF_8));
    sink.await(s -> s.frames().stream().map(RecordingSink.Frame::text).collect(
        java.util.stream.Collectors.toSet()).containsAll(all), WAIT, "all 60 messages");

    List<String> texts = sink.frames().stream().map(RecordingSink.Frame::text).toList();
    assertEquals(all, new HashSet<>(texts));
    // a second copy can only be of a message handed over before the stop whose ack the stop cut off
    List<String> beforeTexts = texts.subList(0, beforeStop);
    Map<String, Integer> counts = new HashMap<>();
    texts.forEach(t -> counts.merge(t, 1, Integer::sum));
    counts.forEach((t, n) -> {
      assertTrue(n <= 2, t + " seen " + n + " times");
      if (n == 2) assertTrue(beforeTexts.contains(t), t + " repeated but was not in hand at the stop");
    });
    List<String> states = sink.stateNames();
    assertEquals("connected", states.get(0));
    assertTrue(states.indexOf("disconnected") < states.indexOf("reconnected"), states.toString());
  }

  @Test
  void aConsumerKilledBetweenReceiptAndAckGetsTheMessageAgain() throws Exception {
    broker.declareExchange();
    // the queue and binding exist before anything is published: the probe declares them too, identically
    broker.declareQueueAsTheConsumerDoes();
    bind();
    publishNumbered(1, 6); // messages 1..5
    Path marker = Files.createTempFile(Path.of("target"), "kill-probe", ".txt");
    Path log = Path.of("target", "kill-probe.log");
    Process probe = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), KillProbe.class.getName(),
        broker.exchange, broker.queue, "3", marker.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long end = System.nanoTime() + WAIT.toNanos();
      while (!Files.readString(marker).contains("holding") && System.nanoTime() < end && probe.isAlive()) {
        Thread.sleep(50);
      }
      assertTrue(Files.readString(marker).contains("holding"), "the probe received message 3: " + Files.readString(log));
    } finally {
      probe.destroyForcibly(); // SIGKILL: no close, no ack, no goodbye
      probe.waitFor(30, TimeUnit.SECONDS);
    }
    assertEquals(List.of("frame 1", "frame 2", "holding"), Files.readAllLines(marker));

    // once the broker has seen the connection die, message 3 is ready again beside 4 and 5; 1 and 2 are gone
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (broker.ready() < 3 && System.nanoTime() < end) Thread.sleep(20);
    assertEquals(3, broker.ready(), "messages 3, 4 and 5 wait in the queue");
    GetResponse third = broker.take(Duration.ofSeconds(30));
    assertNotNull(third, "message 3 is back in the queue");
    assertArrayEquals(numbered(3), third.getBody());
    assertTrue(third.getEnvelope().isRedeliver(), "it was delivered before, and never acknowledged");
    for (int i = 4; i <= 5; i++) {
      GetResponse r = broker.take(Duration.ofSeconds(5));
      assertNotNull(r);
      assertArrayEquals(numbered(i), r.getBody());
      assertFalse(r.getEnvelope().isRedeliver(), "prefetch 1: message " + i + " was never sent to the probe");
    }
    assertNull(broker.take(Duration.ofMillis(300)), "messages 1 and 2 were acknowledged after the sink returned");
  }

  @Test
  void refusedCredentialsAreReportedOnceWithoutThePassword() throws Exception {
    RecordingSink sink = new RecordingSink();
    String wrong = "not-the-guest-password";
    KazooSettings s = new KazooSettings("kazoo-test", Broker.URI_, "guest", wrong, null, broker.exchange, false,
        broker.queue, List.of("call.*.*"), 10, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofMillis(50),
        Duration.ofMillis(200), KazooSettings.DEFAULT_MAX_MESSAGE);
    consumer(s, sink).start();
    sink.awaitState("auth_failed", 1, WAIT);
    Thread.sleep(1000); // several retries at the 200 ms slow step
    assertEquals(List.of("auth_failed"), sink.stateNames());
    assertFalse(sink.states().get(0).detail().contains(wrong));
    assertTrue(sink.states().get(0).detail().contains("guest"));
  }

  private void bind() throws Exception {
    com.rabbitmq.client.ConnectionFactory f = new com.rabbitmq.client.ConnectionFactory();
    f.setUri(Broker.URI_);
    try (var c = f.newConnection(); var ch = c.createChannel()) {
      ch.queueBind(broker.queue, broker.exchange, "call.*.*");
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
