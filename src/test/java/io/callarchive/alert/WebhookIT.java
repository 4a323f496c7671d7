package io.callarchive.alert;

import static io.callarchive.alert.Docs.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.pipeline.DocSink;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The webhook notifier against a real HTTP server on loopback. */
class WebhookIT {
  private static final String KEY = "hook-key-for-tests";

  private static AlertConfig config(String url, String extra) {
    String yaml = """
        rules:
          - name: auth-failures
            kind: frequency
            index: security
            where: {event.outcome: failure}
            key: source.ip
            window: 10m
            threshold: 5
        notifiers:
          webhook:
            - name: hook
              url: %s
              secret_env: HOOK_KEY
              headers: {X-Team: voice}
              timeout: 2s
              retries: 3
              backoff: 20ms
        %s""".formatted(url, extra);
    return AlertConfig.parse(yaml, "test.yml", Map.of("HOOK_KEY", KEY)::get);
  }

  /** Alerts raised the way the pipeline raises them: five failures from one address through an engine. */
  private static List<Alert> burst(String ip) throws Exception {
    List<Alert> out = new CopyOnWriteArrayList<>();
    AlertEngine e = new AlertEngine(config("http://127.0.0.1:1/hook", "").rules(), out::add, null);
    for (int i = 0; i < 5; i++) e.accept(Docs.authFailure(at(i), ip, "u"));
    return out;
  }

  private static String hmac(byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
  }

  @Test
  void bodyHeadersAndSignatureArriveAsSent() throws Exception {
    Alert alert = burst("203.0.113.5").get(0);
    try (Receiver r = new Receiver(n -> 204, () -> {})) {
      WebhookNotifier hook = new WebhookNotifier(config(r.url(), "").webhooks().get(0));
      hook.send(alert);
      Receiver.Request req = r.requests.poll(20, TimeUnit.SECONDS);
      hook.close(Duration.ofSeconds(5));
      assertNotNull(req, "the receiver got nothing");
      assertEquals(hmac(req.body()), req.header("X-Callarchive-Signature"));
      assertEquals("voice", req.header("X-Team"));
      assertEquals("application/json", req.header("Content-Type"));
      JsonNode body = new ObjectMapper().readTree(req.body());
      assertEquals("auth-failures", body.path("rule").asText());
      assertEquals("203.0.113.5", body.path("key").asText());
      assertEquals("fired", body.path("state").asText());
      assertEquals(5.0, body.path("value").asDouble());
      assertEquals(5.0, body.path("threshold").asDouble());
      assertEquals(at(0).toString(), body.path("window_start").asText());
      assertEquals(alert.id(), body.path("id").asText());
      assertEquals(1, hook.counts().delivered());
    }
  }

  @Test
  void slackShapeIsATextMessage() throws Exception {
    Alert alert = burst("203.0.113.6").get(0);
    try (Receiver r = new Receiver(n -> 200, () -> {})) {
      AlertConfig c = config(r.url(), "");
      AlertConfig.Webhook w = c.webhooks().get(0);
      WebhookNotifier hook = new WebhookNotifier(new AlertConfig.Webhook(w.name(), w.url(), AlertConfig.Webhook.Shape.SLACK,
          w.headers(), w.signatureHeader(), w.secret(), w.timeout(), w.retries(), w.backoff(), w.queue()));
      hook.send(alert);
      Receiver.Request req = r.requests.poll(20, TimeUnit.SECONDS);
      hook.close(Duration.ofSeconds(5));
      assertNotNull(req);
      JsonNode body = new ObjectMapper().readTree(req.body());
      assertEquals(1, body.size());
      assertTrue(body.path("text").asText().startsWith("FIRING auth-failures for 203.0.113.6"), body.toString());
    }
  }

  @Test
  void aReceiverAnswering500ThenOkGetsTheAlertOnce() throws Exception {
    Alert alert = burst("203.0.113.7").get(0);
    try (Receiver r = new Receiver(n -> n == 0 ? 500 : 200, () -> {})) {
      WebhookNotifier hook = new WebhookNotifier(config(r.url(), "").webhooks().get(0));
      hook.send(alert);
      Receiver.Request first = r.requests.poll(20, TimeUnit.SECONDS);
      Receiver.Request second = r.requests.poll(20, TimeUnit.SECONDS);
      hook.close(Duration.ofSeconds(5));
      assertNotNull(first);
      assertNotNull(second);
      assertEquals(500, first.answered());
      assertEquals(200, second.answered());
      assertEquals(new String(first.body(), StandardCharsets.UTF_8), new String(second.body(), StandardCharsets.UTF_8));
      assertEquals(2, r.count.get(), "no attempt after the one that succeeded");
      assertEquals(new Notifier.Counts(1, 0, 0, 2), hook.counts());
    }
  }

  @Test
  void aReceiverThatRefusesForGoodIsNotRetried() throws Exception {
    Alert alert = burst("203.0.113.8").get(0);
    try (Receiver r = new Receiver(n -> 403, () -> {})) {
      WebhookNotifier hook = new WebhookNotifier(config(r.url(), "").webhooks().get(0));
      hook.send(alert);
      assertNotNull(r.requests.poll(20, TimeUnit.SECONDS));
      hook.close(Duration.ofSeconds(5));
      assertEquals(new Notifier.Counts(0, 1, 0, 1), hook.counts());
    }
  }

  /** A sink that keeps what it gets, standing in for the bulk indexer of the pipeline. */
  static final class Kept implements DocSink {
    final List<IndexDoc> docs = new CopyOnWriteArrayList<>();

    @Override
    public void accept(IndexDoc doc) {
      docs.add(doc);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  @Test
  void aReceiverThatHangsDoesNotHoldUpThePipeline() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Receiver r = new Receiver(n -> 200, () -> {
      arrived.countDown();
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    })) {
      AlertConfig c = config(r.url(), "");
      Kept index = new Kept();
      Notifiers notifiers = new Notifiers(c, index, Clock.systemUTC());
      AlertEngine engine = new AlertEngine(c.rules(), notifiers, null);
      // The guard only turns a pipeline blocked on the webhook into a failure instead of a hung build.
      assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
        for (int i = 0; i < 5; i++) engine.accept(Docs.authFailure(at(i), "203.0.113.9", "u"));
        assertTrue(arrived.await(20, TimeUnit.SECONDS), "the webhook was called");
        // the receiver holds the first alert; the pipeline goes on and raises the next one
        for (int i = 0; i < 5; i++) engine.accept(Docs.authFailure(at(10 + i), "203.0.113.10", "u"));
      });
      assertEquals(1, release.getCount(), "the receiver is still hanging");
      assertEquals(List.of("203.0.113.9", "203.0.113.10"),
          index.docs.stream().filter(d -> d.type() == IndexType.ALERTS).map(d -> d.doc().getString("alert.key")).toList());
      release.countDown();
      notifiers.close(Duration.ofSeconds(20));
      assertEquals(2, notifiers.counts().get("hook").delivered());
    }
  }
}
