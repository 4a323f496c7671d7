package io.callarchive.stream.ari;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import io.callarchive.parse.ari.AriFormat;
import io.callarchive.stream.BatchEquivalence;
import io.callarchive.stream.RecordingSink;
import io.callarchive.stream.TestTls;
import io.callarchive.stream.connect.Backoff;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ARI connector against a loopback websocket server replaying ARI events we wrote (one JSON object per text
 * message, split into frames at random byte positions), with drops, a half-open link, ApplicationReplaced, wrong
 * credentials and TLS.
 */
class AriConnectorIT {
  private static final String USER = "archiver";
  private static final String PASSWORD = "s3cret-ari";
  private static final String APP = "callarchive-test";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
  }

  static List<byte[]> fixtureEvents() throws Exception {
    List<byte[]> out = new ArrayList<>();
    for (String line : Files.readAllLines(fixture("events.jsonl"), StandardCharsets.UTF_8)) {
      if (!line.isBlank()) out.add(line.getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  static Path fixture(String name) throws Exception {
    return Path.of(AriConnectorIT.class.getResource("/stream/ari/" + name).toURI());
  }

  private AriTestServer server(javax.net.ssl.SSLContext tls) throws Exception {
    AriTestServer s = new AriTestServer(USER, PASSWORD, tls);
    open.add(s);
    return s;
  }

  private AriConnector connector(AriSettings settings, RecordingSink sink) {
    AriConnector c = new AriConnector(settings, sink, fastBackoff(), Clock.systemUTC());
    open.add(c);
    return c;
  }

  static Backoff fastBackoff() {
    return new Backoff(Duration.ofMillis(10), Duration.ofMillis(40), () -> 0.5);
  }

  static AriSettings settings(String scheme, int port, String password, AriSettings.Auth auth, Path ca,
      Duration ping, Duration pongTimeout) {
    return new AriSettings("pbx-ari", URI.create(scheme + "://127.0.0.1:" + port), APP, true, USER, password, auth,
        ca, ping, pongTimeout, Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(40),
        AriSettings.DEFAULT_MAX_MESSAGE);
  }

  static AriSettings plain(int port) {
    return settings("ws", port, PASSWORD, AriSettings.Auth.BASIC, null, Duration.ofMillis(200), Duration.ofSeconds(5));
  }

  /** Each frame, read by the ARI format alone, is one event of the type and time the fixture line says. */
  static void assertParsesAsFixture(byte[] frame, byte[] fixtureLine) throws Exception {
    List<Parsed> parsed = Readers.readAll(new AriFormat(), frame, "test");
    assertEquals(1, parsed.size(), "one piece per frame");
    Parsed.Event e = assertInstanceOf(Parsed.Event.class, parsed.get(0));
    var tree = JSON.readTree(fixtureLine);
    assertEquals(tree.get("type").asText(), e.action());
    var expectedTime = OffsetDateTime.parse(tree.get("timestamp").asText(),
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ")).toInstant();
    assertEquals(expectedTime, e.time());
    assertArrayEquals(fixtureLine, e.raw());
  }

  @Test
  void framesSplitAtRandomBytesArriveAsTheWholeMessagesInOrder() throws Exception {
    List<byte[]> events = fixtureEvents();
    AriTestServer srv = server(null);
    Random random = new Random(12);
    srv.onOpen(ws -> events.forEach(e -> AriTestServer.sendSplit(ws, e, random, 40)));
    RecordingSink sink = new RecordingSink();
    connector(plain(srv.port()), sink).start();

    sink.awaitFrames(events.size(), WAIT);
    List<RecordingSink.Frame> frames = sink.frames();
    assertEquals(events.size(), frames.size());
    for (int i = 0; i < events.size(); i++) {
      assertArrayEquals(events.get(i), frames.get(i).bytes(), "frame " + i + " is the message byte for byte");
      assertEquals("pbx-ari", frames.get(i).connection());
      assertParsesAsFixture(frames.get(i).bytes(), events.get(i));
    }
    BatchEquivalence.assertSameDocuments(new AriFormat(), Files.readAllBytes(fixture("events.jsonl")),
        frames.stream().map(RecordingSink.Frame::bytes).toList(), "pbx-ari");
    assertEquals("connected", sink.states().get(0).state());
    assertTrue(sink.entries().get(0) instanceof RecordingSink.State, "connected is reported before any frame");
    assertEquals("/ari/events?app=" + APP + "&subscribeAll=true", srv.targets.get(0));
    String basic = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    assertEquals("Basic " + basic, srv.authorizations.get(0));
  }

  @Test
  void aDropIsAGapFollowedByAReconnect() throws Exception {
    List<byte[]> events = fixtureEvents();
    AriTestServer srv = server(null);
    srv.onOpen(ws -> {
      int first = srv.opened.get() == 1 ? 0 : 2;
      for (int i = first; i < first + 2; i++) ws.send(new String(events.get(i), StandardCharsets.UTF_8));
    });
    RecordingSink sink = new RecordingSink();
    connector(plain(srv.port()), sink).start();
    sink.awaitFrames(2, WAIT);
    srv.drop();
    sink.awaitFrames(4, WAIT);

    List<String> order = new ArrayList<>();
    for (RecordingSink.Entry e : sink.entries()) {
      order.add(e instanceof RecordingSink.State s ? s.state() : "frame");
    }
    assertEquals(List.of("connected", "frame", "frame", "disconnected", "reconnected", "frame", "frame"), order);
    for (int i = 0; i < 4; i++) assertArrayEquals(events.get(i), sink.frames().get(i).bytes());
    assertEquals(2, srv.opened.get());
  }

  @Test
  void aMissingPongTakesTheLinkForDeadAndReconnects() throws Exception {
    AriTestServer srv = server(null);
    srv.answerPings(false);
    RecordingSink sink = new RecordingSink();
    connector(settings("ws", srv.port(), PASSWORD, AriSettings.Auth.BASIC, null, Duration.ofMillis(100),
        Duration.ofMillis(300)), sink).start();
    sink.awaitState("disconnected", 1, WAIT);
    RecordingSink.State gap = sink.states().stream().filter(s -> s.state().equals("disconnected")).findFirst()
        .orElseThrow();
    assertTrue(gap.detail().contains("no pong"), gap.detail());
    sink.awaitState("reconnected", 1, WAIT);
  }

  @Test
  void aHalfOpenLinkIsDetectedByThePongTimeout() throws Exception {
    List<byte[]> events = fixtureEvents();
    AriTestServer srv = server(null);
    srv.onOpen(ws -> {
      if (srv.opened.get() == 1) {
        ws.send(new String(events.get(0), StandardCharsets.UTF_8));
      } else {
        ws.send(new String(events.get(1), StandardCharsets.UTF_8));
      }
    });
    RecordingSink sink = new RecordingSink();
    connector(settings("ws", srv.port(), PASSWORD, AriSettings.Auth.BASIC, null, Duration.ofMillis(100),
        Duration.ofMillis(400)), sink).start();
    sink.awaitFrames(1, WAIT);
    srv.freeze();
    sink.awaitFrames(2, WAIT);
    assertEquals(List.of("connected", "disconnected", "reconnected"), sink.stateNames());
    assertArrayEquals(events.get(1), sink.frames().get(1).bytes());
  }

  @Test
  void applicationReplacedIsArchivedReportedAndNotFoughtOver() throws Exception {
    List<byte[]> events = fixtureEvents();
    byte[] replaced = Files.readAllBytes(fixture("replaced.json"));
    byte[] replacedLine = new String(replaced, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
    AriTestServer srv = server(null);
    srv.onOpen(ws -> {
      ws.send(new String(events.get(0), StandardCharsets.UTF_8));
      ws.send(new String(replacedLine, StandardCharsets.UTF_8));
    });
    RecordingSink sink = new RecordingSink();
    AriConnector c = connector(plain(srv.port()), sink);
    c.start();
    sink.awaitState("replaced", 1, WAIT);
    assertEquals(2, sink.frames().size());
    assertArrayEquals(replacedLine, sink.frames().get(1).bytes());
    assertParsesAsFixture(sink.frames().get(1).bytes(), replacedLine);
    RecordingSink.State last = sink.states().get(sink.states().size() - 1);
    assertEquals("replaced", last.state());
    assertTrue(last.detail().contains(APP) && last.detail().contains("ApplicationReplaced"), last.detail());
    assertEquals("replaced", c.state());
    // with a 10-40 ms backoff a reconnect loop would have come back dozens of times by now
    Thread.sleep(500);
    assertEquals(1, srv.opened.get(), "no reconnect after ApplicationReplaced");
    assertEquals(1, srv.targets.size());
  }

  @Test
  void wrongCredentialsAreReportedOnceAndRetriedWithoutFrames() throws Exception {
    AriTestServer srv = server(null);
    RecordingSink sink = new RecordingSink();
    String wrong = "not-the-password";
    connector(settings("ws", srv.port(), wrong, AriSettings.Auth.BASIC, null, Duration.ofMillis(200),
        Duration.ofSeconds(5)), sink).start();
    sink.awaitState("auth_failed", 1, WAIT);
    long end = System.nanoTime() + WAIT.toNanos();
    while (srv.refused.get() < 3 && System.nanoTime() < end) Thread.sleep(10);
    assertTrue(srv.refused.get() >= 3, "retried after the 401");
    assertEquals(0, srv.opened.get());
    assertEquals(List.of("auth_failed"), sink.stateNames(), "reported once, not once per attempt");
    String detail = sink.states().get(0).detail();
    assertTrue(detail.contains("401") && detail.contains(USER), detail);
    assertFalse(detail.contains(wrong), "the password is never in a state detail");
    assertTrue(sink.frames().isEmpty());
  }

  @Test
  void apiKeyTravelsInTheQuery() throws Exception {
    List<byte[]> events = fixtureEvents();
    AriTestServer srv = server(null);
    srv.onOpen(ws -> ws.send(new String(events.get(0), StandardCharsets.UTF_8)));
    RecordingSink sink = new RecordingSink();
    connector(settings("ws", srv.port(), PASSWORD, AriSettings.Auth.API_KEY, null, Duration.ofMillis(200),
        Duration.ofSeconds(5)), sink).start();
    sink.awaitFrames(1, WAIT);
    assertEquals("", srv.authorizations.get(0));
    assertEquals("/ari/events?app=" + APP + "&subscribeAll=true&api_key=" + USER + "%3A" + PASSWORD,
        srv.targets.get(0));
    assertArrayEquals(events.get(0), sink.frames().get(0).bytes());
  }

  @Test
  void wssTrustsTheConfiguredCaCertificate() throws Exception {
    List<byte[]> events = fixtureEvents();
    TestTls tls = TestTls.shared();
    AriTestServer srv = server(tls.server());
    srv.onOpen(ws -> events.forEach(e -> ws.send(new String(e, StandardCharsets.UTF_8))));
    RecordingSink sink = new RecordingSink();
    connector(settings("wss", srv.port(), PASSWORD, AriSettings.Auth.BASIC, tls.caPem(), Duration.ofMillis(200),
        Duration.ofSeconds(5)), sink).start();
    sink.awaitFrames(events.size(), WAIT);
    for (int i = 0; i < events.size(); i++) assertArrayEquals(events.get(i), sink.frames().get(i).bytes());
  }

  @Test
  void wssWithoutTrustIsADisconnectNotAFrame() throws Exception {
    TestTls tls = TestTls.shared();
    AriTestServer srv = server(tls.server());
    RecordingSink sink = new RecordingSink();
    connector(settings("wss", srv.port(), PASSWORD, AriSettings.Auth.BASIC, null, Duration.ofMillis(200),
        Duration.ofSeconds(5)), sink).start();
    sink.awaitState("disconnected", 1, WAIT);
    assertEquals(0, srv.opened.get());
    assertTrue(sink.frames().isEmpty());
  }

  @Test
  void aFullSpoolPausesReadingAndLosesNothing() throws Exception {
    List<byte[]> events = fixtureEvents();
    AriTestServer srv = server(null);
    srv.onOpen(ws -> events.forEach(e -> ws.send(new String(e, StandardCharsets.UTF_8))));
    RecordingSink sink = new RecordingSink();
    sink.refuseNext(4);
    connector(plain(srv.port()), sink).start();
    sink.awaitFrames(events.size(), WAIT);
    assertEquals(4, sink.refusals());
    for (int i = 0; i < events.size(); i++) assertArrayEquals(events.get(i), sink.frames().get(i).bytes());
    assertEquals(List.of("connected"), sink.stateNames());
  }

  @Test
  void closeReportsTheStopAndClosesTheWebsocketCleanly() throws Exception {
    AriTestServer srv = server(null);
    RecordingSink sink = new RecordingSink();
    AriConnector c = connector(plain(srv.port()), sink);
    c.start();
    sink.awaitState("connected", 1, WAIT);
    c.close();
    assertEquals(List.of("connected", "disconnected"), sink.stateNames());
    assertEquals("stopped by callarchive", sink.states().get(1).detail());
    long end = System.nanoTime() + WAIT.toNanos();
    while (srv.closedByClient.get() == 0 && System.nanoTime() < end) Thread.sleep(10);
    assertEquals(1, srv.closedByClient.get(), "a close frame with 1000, not a dropped socket");
  }
}
