package io.callarchive.stream.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.stream.ari.AriSettings;
import io.callarchive.stream.ccs.CcsWebhookSettings;
import io.callarchive.stream.kazoo.KazooSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The connectors' settings refuse bad values at construction with a message naming the source. */
class SettingsTest {

  @Test
  void ariUrlMustBeAWebsocketWithoutQueryOrCredentials() {
    for (String url : List.of("http://pbx:8088", "ws://pbx:8088/?app=x", "ws://u:p@pbx:8088")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> AriSettings.of("pbx1", URI.create(url), "archiver", "u", "p"));
      assertTrue(e.getMessage().startsWith("ARI source 'pbx1': "), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> AriSettings.of("pbx1", URI.create("ws://pbx"), "a b", "u", "p"));
    assertThrows(IllegalArgumentException.class, () -> AriSettings.of("pbx1", URI.create("ws://pbx"), "a", " ", "p"));
    assertEquals(AriSettings.Auth.API_KEY, AriSettings.Auth.parse("api_key"));
    assertThrows(IllegalArgumentException.class, () -> AriSettings.Auth.parse("digest"));
  }

  @Test
  void settingsNeverPrintTheirSecrets() {
    String secret = "very-secret-password-1";
    assertFalse(AriSettings.of("p", URI.create("wss://pbx:8089"), "a", "u", secret).toString().contains(secret));
    KazooSettings k = new KazooSettings("k", URI.create("amqp://user:" + secret + "@mq:5672/kazoo"), null, secret,
        null, "callevt", false, "q", List.of("call.*.*"), 10, Duration.ofSeconds(30), Duration.ofSeconds(5),
        Duration.ofSeconds(1), Duration.ofSeconds(60), 4096);
    assertFalse(k.toString().contains(secret), k.toString());
    assertTrue(k.toString().contains("amqp://user:***@mq:5672/kazoo"), k.toString());
    assertFalse(new CcsWebhookSettings("c", "127.0.0.1", 8095, "/ccs/events", secret, "u", secret, 4096, 2)
        .toString().contains(secret));
  }

  @Test
  void kazooRefusesReservedQueueNamesAndEmptyBindings() {
    URI uri = URI.create("amqp://mq:5672");
    assertThrows(IllegalArgumentException.class, () -> KazooSettings.of("k", uri, "amq.gen-1"));
    assertThrows(IllegalArgumentException.class, () -> KazooSettings.of("k", URI.create("http://mq"), "q"));
    assertThrows(IllegalArgumentException.class, () -> new KazooSettings("k", uri, null, null, null, "callevt",
        false, "q", List.of(), 10, Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(1),
        Duration.ofSeconds(60), 4096));
    assertThrows(IllegalArgumentException.class, () -> new KazooSettings("k", uri, null, null, null, "callevt",
        false, "q", List.of("call.*.*"), 0, Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(1),
        Duration.ofSeconds(60), 4096));
    assertEquals(List.of("call.*.*"), KazooSettings.of("k", uri, "callarchive").routingKeys());
  }

  @Test
  void theWebhookRefusesAnonymousPostsAndShortTokens() {
    assertThrows(IllegalArgumentException.class,
        () -> new CcsWebhookSettings("c", "127.0.0.1", 8095, "/ccs/events", null, null, null, 4096, 2));
    assertThrows(IllegalArgumentException.class,
        () -> new CcsWebhookSettings("c", "127.0.0.1", 8095, "/ccs/events", "short", null, null, 4096, 2));
    assertThrows(IllegalArgumentException.class,
        () -> new CcsWebhookSettings("c", "127.0.0.1", 8095, "/ccs/events", null, "u", null, 4096, 2));
    assertThrows(IllegalArgumentException.class,
        () -> new CcsWebhookSettings("c", "127.0.0.1", 8095, "ccs", "0123456789abcdef", null, null, 4096, 2));
  }

  @Test
  void backoffDoublesWithJitterUpToItsCap() {
    Backoff low = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 0.0);
    Backoff high = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 0.999999);
    // step 100, 200, 400, 800, then capped at 1000; jitter spreads each over its upper half
    long[] steps = {100, 200, 400, 800, 1000, 1000};
    for (int i = 0; i < steps.length; i++) {
      assertEquals(steps[i] / 2, low.delay(i + 1).toMillis(), "attempt " + (i + 1));
      assertEquals(steps[i] - 1, high.delay(i + 1).toMillis(), "attempt " + (i + 1));
    }
    assertEquals(500, low.slow().toMillis());
    assertEquals(500, low.delay(1000).toMillis(), "no overflow far out");
    assertThrows(IllegalArgumentException.class, () -> Backoff.of(Duration.ofSeconds(2), Duration.ofSeconds(1)));
  }
}
