package io.callarchive.stream.ccs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import io.callarchive.parse.ccs.CcsFormat;
import io.callarchive.stream.BatchEquivalence;
import io.callarchive.stream.RecordingSink;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ccs webhook on a loopback port, posted to with the JDK's HTTP client. */
class CcsWebhookIT {
  private static final String TOKEN = "test-token-0123456789abcdef";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
  }

  private CcsWebhook webhook(CcsWebhookSettings s, RecordingSink sink) throws Exception {
    CcsWebhook w = new CcsWebhook(s, sink, Clock.systemUTC());
    open.add(w);
    w.start();
    return w;
  }

  private CcsWebhook webhook(RecordingSink sink, int maxBody) throws Exception {
    return webhook(new CcsWebhookSettings("ccs-test", "127.0.0.1", 0, "/ccs/events", TOKEN, null, null, maxBody, 4),
        sink);
  }

  static String event(String id, String type, String domain, String callId, String state) {
    return "{\"class\":\"ccsevents\",\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"ts\":\"2026-11-22T10:00:0"
        + (id.length() % 10) + ".250Z\",\"domain\":\"" + domain + "\",\"data\":{\"call_id\":\"" + callId
        + "\",\"seance_id\":\"s-" + callId + "\",\"state\":\"" + state + "\",\"direction\":\"in\","
        + "\"number\":\"+4930123456\"}}";
  }

  private static HttpResponse<String> post(CcsWebhook w, String auth, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + w.port() + "/ccs/events"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (auth != null) b.header("Authorization", auth);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(CcsWebhook w, byte[] body) throws Exception {
    return post(w, "Bearer " + TOKEN, body);
  }

  static Parsed.Event parsedAlone(byte[] frame) {
    List<Parsed> p = Readers.readAll(new CcsFormat(), frame, "test");
    assertEquals(1, p.size());
    return assertInstanceOf(Parsed.Event.class, p.get(0));
  }

  @Test
  void oneEventIsOneFrameAndAnArrayIsOneFramePerElement() throws Exception {
    RecordingSink sink = new RecordingSink();
    CcsWebhook w = webhook(sink, 1 << 20);
    String single = event("e-1", "call_create", "sales.example.com", "c-1", "created");
    HttpResponse<String> r = post(w, single.getBytes(StandardCharsets.UTF_8));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{\"frames\":1}", r.body());

    List<String> elements = List.of(
        event("e-2", "call_set_state", "sales.example.com", "c-1", "ringing"),
        event("e-3", "connection_create", "sales.example.com", "c-1", "active"),
        event("e-4", "call_delete", "sales.example.com", "c-1", "terminated"));
    String array = "[\n  " + String.join(",\n  ", elements) + "\n]\n";
    r = post(w, array.getBytes(StandardCharsets.UTF_8));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{\"frames\":3}", r.body());

    List<String> expected = new ArrayList<>();
    expected.add(single);
    expected.addAll(elements);
    List<RecordingSink.Frame> frames = sink.frames();
    assertEquals(expected.size(), frames.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), frames.get(i).text());
      Parsed.Event e = parsedAlone(frames.get(i).bytes());
      String type = expected.get(i).replaceAll(".*\"type\":\"([a-z_]+)\".*", "$1");
      assertEquals(type, e.action());
      String ts = expected.get(i).replaceAll(".*\"ts\":\"([^\"]+)\".*", "$1");
      assertEquals(Instant.parse(ts), e.time());
    }
    BatchEquivalence.assertSameDocuments(new CcsFormat(), (single + "\n" + array).getBytes(StandardCharsets.UTF_8),
        frames.stream().map(RecordingSink.Frame::bytes).toList(), "ccs-test");
    assertEquals("connected", sink.stateNames().get(0));
  }

  @Test
  void theCopiesOfOneEventPostedForEachDomainHaveOneIdentity() throws Exception {
    RecordingSink sink = new RecordingSink();
    CcsWebhook w = webhook(sink, 1 << 20);
    String sales = event("e-9", "call_set_state", "sales.example.com", "c-9", "ringing");
    String support = event("e-9", "call_set_state", "support.example.com", "c-9", "ringing");
    String other = event("e-10", "call_set_state", "support.example.com", "c-9", "answered");
    for (String body : List.of(sales, support, other)) {
      assertEquals(200, post(w, body.getBytes(StandardCharsets.UTF_8)).statusCode());
    }
    CcsFormat ccs = new CcsFormat();
    List<String> ids = sink.frames().stream().map(f -> ccs.identity(parsedAlone(f.bytes()))).toList();
    assertEquals(3, ids.size());
    assertNotNull(ids.get(0));
    assertEquals(ids.get(0), ids.get(1), "one event, two domains: one document");
    assertTrue(!ids.get(0).equals(ids.get(2)), "another event stays another document");
  }

  @Test
  void concurrentPostsAreAllSpooledEachInItsOwnOrder() throws Exception {
    RecordingSink sink = new RecordingSink();
    CcsWebhook w = webhook(sink, 1 << 20);
    int threads = 8;
    int posts = 25;
    int perPost = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          int ok = 0;
          for (int p = 0; p < posts; p++) {
            List<String> els = new ArrayList<>();
            for (int k = 0; k < perPost; k++) {
              els.add(event("t" + thread + "-p" + p + "-k" + k, "call_update", "d.example.com", "c" + thread, "x"));
            }
            if (post(w, ("[" + String.join(",", els) + "]").getBytes(StandardCharsets.UTF_8)).statusCode() == 200) {
              ok++;
            }
          }
          return ok;
        }));
      }
      for (Future<Integer> f : results) assertEquals(posts, f.get());
    } finally {
      pool.shutdown();
    }
    List<String> texts = sink.frames().stream().map(RecordingSink.Frame::text).toList();
    assertEquals(threads * posts * perPost, texts.size());
    assertEquals(texts.size(), new HashSet<>(texts).size(), "no frame twice");
    for (int t = 0; t < threads; t++) {
      for (int p = 0; p < posts; p++) {
        int last = -1;
        for (int k = 0; k < perPost; k++) {
          int at = texts.indexOf(event("t" + t + "-p" + p + "-k" + k, "call_update", "d.example.com", "c" + t, "x"));
          assertTrue(at > last, "the elements of one post stay in order");
          last = at;
        }
      }
    }
  }

  @Test
  void aBodyThatIsNotJsonGets400AndIsStillHandedOverForTheDeadLetters() throws Exception {
    RecordingSink sink = new RecordingSink();
    CcsWebhook w = webhook(sink, 1 << 20);
    byte[] junk = "call_create for c-1, state ringing\n".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = post(w, junk);
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("body is not JSON"), r.body());
    assertEquals(1, sink.frames().size());
    assertArrayEquals("call_create for c-1, state ringing".getBytes(StandardCharsets.UTF_8),
        stripTrailingNewline(sink.frames().get(0).bytes()));
    List<Parsed> parsed = Readers.readAll(new CcsFormat(), sink.frames().get(0).bytes(), "test");
    assertEquals(1, parsed.size());
    assertInstanceOf(Parsed.Malformed.class, parsed.get(0), "the format dead-letters it");

    String good = event("e-20", "call_create", "d.example.com", "c-20", "created");
    String broken = "{\"type\":\"call_update\",\"id\":\"e-21\",";
    r = post(w, ("[" + good + ",\n" + broken + "\n").getBytes(StandardCharsets.UTF_8));
    assertEquals(400, r.statusCode(), r.body());
    List<RecordingSink.Frame> frames = sink.frames();
    assertEquals(good, frames.get(1).text(), "the good element is spooled as an event");
    parsedAlone(frames.get(1).bytes());
    StringBuilder rest = new StringBuilder();
    for (int i = 2; i < frames.size(); i++) {
      rest.append(frames.get(i).text());
      for (Parsed p : Readers.readAll(new CcsFormat(), frames.get(i).bytes(), "test")) {
        assertInstanceOf(Parsed.Malformed.class, p);
      }
    }
    assertTrue(rest.toString().contains(broken), "the broken element's bytes are kept: " + rest);
  }

  private static byte[] stripTrailingNewline(byte[] b) {
    int n = b.length;
    while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r')) n--;
    return java.util.Arrays.copyOf(b, n);
  }

  @Test
  void wrongOrMissingCredentialsGet401AndNothingIsSpooled() throws Exception {
    RecordingSink sink = new RecordingSink();
    CcsWebhook w = webhook(sink, 1 << 20);
    byte[] body = event("e-30", "call_create", "d.example.com", "c-30", "created").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = post(w, "Bearer wrong-token-0123456789abcdef", body);
    assertEquals(401, r.statusCode());
    assertEquals("Bearer realm=\"callarchive\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
    assertEquals(401, post(w, null, body).statusCode());
    assertEquals(401, post(w, "Basic " + Base64.getEncoder().encodeToString(("x:" + TOKEN).getBytes()), body)
        .statusCode());
    assertTrue(sink.frames().isEmpty());
  }

  @Test
  void basicAuthIsAcceptedWhenConfigured() throws Exception {
    RecordingSink sink = new RecordingSink();
    CcsWebhook w = webhook(new CcsWebhookSettings("ccs-test", "127.0.0.1", 0, "/ccs/events", null, "incoplax",
        "hook-password", 1 << 20, 2), sink);
    byte[] body = event("e-31", "call_create", "d.example.com", "c-31", "created").getBytes(StandardCharsets.UTF_8);
    String right = "Basic " + Base64.getEncoder().encodeToString("incoplax:hook-password".getBytes());
    String wrong = "Basic " + Base64.getEncoder().encodeToString("incoplax:hook-passwore".getBytes());
    assertEquals(401, post(w, wrong, body).statusCode());
    assertEquals(200, post(w, right, body).statusCode());
    assertEquals(1, sink.frames().size());
  }

  @Test
  void aBodyPastTheBoundGets413WithOrWithoutContentLength() throws Exception {
    RecordingSink sink = new RecordingSink();
    CcsWebhook w = webhook(sink, 4096);
    StringBuilder big = new StringBuilder("[");
    for (int i = 0; big.length() <= 5000; i++) {
      if (i > 0) big.append(',');
      big.append(event("e-big-" + i, "call_update", "d.example.com", "c-big", "x"));
    }
    byte[] body = big.append(']').toString().getBytes(StandardCharsets.UTF_8);
    assertEquals(413, post(w, body).statusCode());
    // chunked, without Content-Length: the endpoint reads up to the bound and stops
    HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + w.port() + "/ccs/events"))
        .header("Authorization", "Bearer " + TOKEN)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
    assertEquals(413, HTTP.send(chunked, HttpResponse.BodyHandlers.ofString()).statusCode());
    assertTrue(sink.frames().isEmpty());
    // within the bound all is well
    assertEquals(200, post(w, event("e-small", "call_update", "d.example.com", "c", "x")
        .getBytes(StandardCharsets.UTF_8)).statusCode());
  }

  @Test
  void aFullSpoolGets503AndTheRetryIsAccepted() throws Exception {
    RecordingSink sink = new RecordingSink();
    CcsWebhook w = webhook(sink, 1 << 20);
    byte[] body = event("e-40", "call_create", "d.example.com", "c-40", "created").getBytes(StandardCharsets.UTF_8);
    sink.full(true);
    HttpResponse<String> r = post(w, body);
    assertEquals(503, r.statusCode());
    assertEquals("5", r.headers().firstValue("Retry-After").orElse(""));
    assertTrue(sink.frames().isEmpty());
    sink.full(false);
    assertEquals(200, post(w, body).statusCode());
    assertArrayEquals(body, sink.frames().get(0).bytes());
  }

  @Test
  void onlyPostIsAccepted() throws Exception {
    RecordingSink sink = new RecordingSink();
    CcsWebhook w = webhook(sink, 1 << 20);
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + w.port()
        + "/ccs/events")).header("Authorization", "Bearer " + TOKEN).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(405, r.statusCode());
    assertEquals("POST", r.headers().firstValue("Allow").orElse(""));
    Set<Integer> codes = new HashSet<>();
    codes.add(post(w, "  \n".getBytes(StandardCharsets.UTF_8)).statusCode());
    assertEquals(Set.of(400), codes, "an empty body is refused");
  }
}
