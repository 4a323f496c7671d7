package io.callarchive.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connectors against loopback servers that speak AMI and the event socket (no Elasticsearch needed). */
class ConnectorsIT {
  @TempDir Path tmp;
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);
  private final List<Connector> running = new ArrayList<>();
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final Backoff.Sleeper sleeper = d -> {
    sleeps.add(d);
    Thread.sleep(10);
  };

  /** What a connector handed on. */
  static final class Collected implements FrameSink {
    record Item(String connection, byte[] frame, String state, String detail) {}

    final List<Item> items = new CopyOnWriteArrayList<>();

    @Override
    public void frame(String connection, byte[] bytes) {
      items.add(new Item(connection, bytes, null, null));
    }

    @Override
    public void state(String connection, String state, String detail) {
      items.add(new Item(connection, null, state, detail));
    }

    List<byte[]> frames() {
      return items.stream().filter(i -> i.frame() != null).map(Item::frame).toList();
    }

    List<String> states() {
      return items.stream().filter(i -> i.state() != null).map(Item::state).toList();
    }

    String detail(String state) {
      return items.stream().filter(i -> state.equals(i.state())).map(Item::detail).findFirst().orElse(null);
    }
  }

  private StreamConfig.Source source(String yaml) throws IOException {
    return StreamConfig.parse("sources:\n" + yaml, "test.yml", tmp, Map.<String, String>of()::get).sources().getFirst();
  }

  private StreamConfig.Source ami(int port, String secret) throws IOException {
    return source("""
          - name: pbx1
            type: ami
            host: 127.0.0.1
            port: %d
            username: callarchive
            secret: %s
            keepalive: 100ms
            keepalive_timeout: 2s
            reconnect: {initial: 50ms, max: 200ms, after_auth_failure: 300ms}
        """.formatted(port, secret));
  }

  private StreamConfig.Source esl(int port, String password) throws IOException {
    return source("""
          - name: fs1
            type: freeswitch
            host: 127.0.0.1
            port: %d
            password: %s
            keepalive: 100ms
            keepalive_timeout: 2s
            reconnect: {initial: 50ms, max: 200ms, after_auth_failure: 300ms}
        """.formatted(port, password));
  }

  private Connector start(Connector c) {
    running.add(c);
    Thread.ofPlatform().daemon().start(c);
    return c;
  }

  @AfterEach
  void stop() {
    running.forEach(Connector::stop);
    timer.shutdownNow();
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
      Thread.sleep(5);
    }
  }

  @Test
  void amiFramesArriveByteForByteInOrderAfterLoginAndPingsAreAnswered() throws Exception {
    List<byte[]> frames = Captures.amiCalls(20, Instant.parse("2026-12-01T09:00:00Z"), 5000, 1);
    try (LoopbackServer.Ami pbx = new LoopbackServer.Ami("callarchive", "right", 1)) {
      pbx.frames.addAll(frames);
      Collected sink = new Collected();
      Connector c = start(new AmiConnector(ami(pbx.port(), "right"), sink, Clock.systemUTC(),
          new Backoff(ami(pbx.port(), "right").reconnect(), new Random(1)), sleeper, timer));
      await("every frame", () -> sink.frames().size() == frames.size());
      for (int i = 0; i < frames.size(); i++) assertArrayEquals(frames.get(i), sink.frames().get(i), "frame " + i);
      assertEquals(List.of("connected", "authenticated"), sink.states());
      assertEquals("logged in as callarchive with Events: on", sink.detail("authenticated"));
      await("a keepalive answered", () -> pbx.keepalives.get() >= 2);
      assertEquals(ConnectionStatus.State.STREAMING, c.status().state());
      assertEquals(1, pbx.accepted.get(), "answered pings keep the one connection");
    }
  }

  @Test
  void aWrongAmiSecretIsReportedAndRetriedSlowlyUntilItIsRight() throws Exception {
    try (LoopbackServer.Ami pbx = new LoopbackServer.Ami("callarchive", "right", 2)) {
      pbx.frames.addAll(Captures.amiCall(0, Instant.parse("2026-12-01T09:00:00Z"), 1));
      Collected sink = new Collected();
      StreamConfig.Source src = ami(pbx.port(), "wrong");
      Connector c = start(new AmiConnector(src, sink, Clock.systemUTC(), new Backoff(src.reconnect(), new Random(2)), sleeper, timer));
      await("two refused logins", () -> pbx.loginsRefused.get() >= 2);
      assertTrue(c.status().authFailures.sum() >= 2);
      assertTrue(sink.states().contains("auth_failed"), sink.states().toString());
      assertTrue(sink.detail("auth_failed").contains("Authentication failed"), sink.detail("auth_failed"));
      assertTrue(sleeps.contains(Duration.ofMillis(300)), "after a refused login the slow delay is used: " + sleeps);
      assertTrue(sink.frames().isEmpty());
      pbx.secret = "wrong"; // the PBX's manager.conf is fixed to what callarchive sends
      await("the call's frames", () -> sink.frames().size() == Captures.AMI_EVENTS_PER_CALL);
      assertEquals("authenticated", sink.states().getLast());
    }
  }

  @Test
  void anAmiServerClosingMidEventIsReconnectedAndTheCutFrameIsNeverHandedOn() throws Exception {
    List<byte[]> frames = Captures.amiCalls(10, Instant.parse("2026-12-01T09:00:00Z"), 5000, 1);
    try (LoopbackServer.Ami pbx = new LoopbackServer.Ami("callarchive", "right", 3)) {
      pbx.frames.addAll(frames);
      pbx.cutAt = 37;
      Collected sink = new Collected();
      StreamConfig.Source src = ami(pbx.port(), "right");
      Connector c = start(new AmiConnector(src, sink, Clock.systemUTC(), new Backoff(src.reconnect(), new Random(3)), sleeper, timer));
      await("every frame", () -> sink.frames().size() == frames.size());
      for (int i = 0; i < frames.size(); i++) assertArrayEquals(frames.get(i), sink.frames().get(i), "frame " + i);
      assertEquals(List.of("connected", "authenticated", "disconnected", "reconnected", "authenticated"), sink.states());
      assertTrue(sink.detail("disconnected").contains("in the middle of a message"), sink.detail("disconnected"));
      assertTrue(sink.detail("reconnected").contains("unreachable"), sink.detail("reconnected"));
      assertEquals(1, c.status().reconnects.sum());
      // the disconnect comes exactly after the 37 whole frames
      int at = sink.items.stream().map(i -> i.state() == null ? "f" : i.state()).toList().indexOf("disconnected");
      assertEquals(2 + 37, at);
    }
  }

  @Test
  void eslFramesArriveByteForByteAfterAuthAndSubscription() throws Exception {
    List<byte[]> frames = Captures.eslCalls(20, Instant.parse("2026-12-01T09:00:00Z"), 5000, 1);
    try (LoopbackServer.Esl fs = new LoopbackServer.Esl("ClueCon", 4)) {
      fs.frames.addAll(frames);
      Collected sink = new Collected();
      StreamConfig.Source src = esl(fs.port(), "ClueCon");
      start(new EslConnector(src, sink, Clock.systemUTC(), new Backoff(src.reconnect(), new Random(4)), sleeper, timer));
      await("every frame", () -> sink.frames().size() == frames.size());
      for (int i = 0; i < frames.size(); i++) assertArrayEquals(frames.get(i), sink.frames().get(i), "frame " + i);
      assertEquals("event json ALL", fs.subscription);
      assertEquals(List.of("connected", "authenticated"), sink.states());
      await("keepalives answered", () -> fs.keepalives.get() >= 2);
      assertEquals(1, fs.accepted.get());
    }
  }

  @Test
  void aJumpOfEventSequenceIsArchivedAsAGapWithTheNumberMissed() throws Exception {
    List<byte[]> frames = Captures.eslCalls(4, Instant.parse("2026-12-01T09:00:00Z"), 5000, 1);
    try (LoopbackServer.Esl fs = new LoopbackServer.Esl("ClueCon", 5)) {
      fs.frames.addAll(frames);
      fs.sendUpTo = 7;
      Collected sink = new Collected();
      StreamConfig.Source src = esl(fs.port(), "ClueCon");
      start(new EslConnector(src, sink, Clock.systemUTC(), new Backoff(src.reconnect(), new Random(5)), sleeper, timer));
      await("the first frames", () -> sink.frames().size() == 7);
      fs.dropConnections();
      fs.next.addAndGet(3); // three events fired while callarchive was away
      fs.sendUpTo = Integer.MAX_VALUE;
      await("the rest", () -> sink.frames().size() == frames.size() - 3);
      assertTrue(sink.states().contains("sequence_gap"), sink.states().toString());
      assertEquals("Event-Sequence jumped from 1006 to 1010: 3 events missed", sink.detail("sequence_gap"));
    }
  }

  @Test
  void aWrongEventSocketPasswordIsReportedAsAnAuthFailure() throws Exception {
    try (LoopbackServer.Esl fs = new LoopbackServer.Esl("ClueCon", 6)) {
      Collected sink = new Collected();
      StreamConfig.Source src = esl(fs.port(), "nope");
      Connector c = start(new EslConnector(src, sink, Clock.systemUTC(), new Backoff(src.reconnect(), new Random(6)), sleeper, timer));
      await("a refused auth", () -> sink.detail("auth_failed") != null);
      assertTrue(c.status().authFailures.sum() >= 1);
      assertEquals("auth refused: -ERR invalid", sink.detail("auth_failed"));
      assertEquals(ConnectionStatus.State.AUTH_FAILED, c.status().state());
    }
  }
}
