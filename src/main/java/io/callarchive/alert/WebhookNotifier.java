package io.callarchive.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs each alert as JSON to a URL: the {@code generic} shape is the alert itself ({@link Alert#toJson}), the
 * {@code slack} shape is {@code {"text": "..."}}, which Slack incoming webhooks and the chat servers that copy
 * them (Mattermost, Rocket.Chat) accept. With a secret, the header {@code X-Callarchive-Signature:
 * sha256=<hex>} carries HMAC-SHA256 of the exact body bytes (RFC 2104), as GitHub signs its webhooks, so the
 * receiver can check the sender. A 2xx answer is success; 408, 429, 5xx, timeouts and I/O errors are retried,
 * other answers are not (they would fail again). Thread-safe.
 */
public final class WebhookNotifier extends Delivery {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AlertConfig.Webhook config;
  private final HttpClient http;

  public WebhookNotifier(AlertConfig.Webhook config) {
    super(config.name(), config.retries(), config.backoff(), config.queue());
    this.config = config;
    this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
  }

  /** The body bytes for an alert in the notifier's shape. */
  byte[] body(Alert a) {
    Object body = config.shape() == AlertConfig.Webhook.Shape.SLACK ? Map.of("text", a.message()) : a.toJson();
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an alert could not be written as JSON", e);
    }
  }

  /** {@code sha256=} and the hex HMAC-SHA256 of the body under the key. */
  public static String signature(String key, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256", e);
    }
  }

  @Override
  void attempt(Alert a) throws AttemptFailed {
    byte[] body = body(a);
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(config.url()))
        .timeout(config.timeout())
        .header("Content-Type", "application/json")
        .header("User-Agent", "callarchive-alerts")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    config.headers().forEach(req::header);
    if (config.secret() != null) req.header(config.signatureHeader(), signature(config.secret().value(), body));
    HttpResponse<Void> resp;
    try {
      resp = http.send(req.build(), HttpResponse.BodyHandlers.discarding());
    } catch (HttpTimeoutException e) {
      throw new AttemptFailed("no answer within " + Durations.format(config.timeout()), true);
    } catch (IOException e) {
      throw new AttemptFailed(e.getClass().getSimpleName() + ": " + e.getMessage(), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AttemptFailed("interrupted", false);
    }
    int s = resp.statusCode();
    if (s >= 200 && s < 300) return;
    throw new AttemptFailed("HTTP " + s, s == 408 || s == 429 || s >= 500);
  }
}
