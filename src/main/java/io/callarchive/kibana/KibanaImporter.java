package io.callarchive.kibana;

import com.fasterxml.jackson.databind.JsonNode;
import io.callarchive.index.EsConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Imports an NDJSON of saved objects into Kibana with {@code POST [/s/<space>]/api/saved_objects/_import
 * ?overwrite=true} (spec kibana-saved-objects §1.1, §1.4): a multipart upload whose part {@code file} has a name
 * ending in {@code .ndjson}, the {@code kbn-xsrf} header, and an API key or basic authentication. Stable ids plus
 * {@code overwrite=true} make a second import update instead of duplicate. The body of one multipart part is
 * written here rather than with a multipart library: the JDK client has none and this is all of it (RFC 7578).
 * Thread-safe.
 */
public final class KibanaImporter {
  /** Where Kibana is and how to authenticate; {@code space} null or {@code default} for the default space. */
  public record Target(String url, String apiKey, String user, String password, Path caCert, String space) {
    public Target {
      if (url == null || url.isBlank()) throw new IllegalArgumentException("a Kibana URL is required");
      if (apiKey != null && user != null) throw new IllegalArgumentException("give either a Kibana API key or a user, not both");
      if (user != null && password == null) {
        throw new IllegalArgumentException("--kibana-user needs --kibana-password (or CALLARCHIVE_KIBANA_PASSWORD)");
      }
      if (space != null && !space.matches("[a-z0-9_-]+")) {
        throw new IllegalArgumentException("a Kibana space id has lowercase letters, digits, '_' and '-' only: " + space);
      }
    }

    URI importUri() {
      String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
      String prefix = space == null || space.equals("default") ? "" : "/s/" + URLEncoder.encode(space, StandardCharsets.UTF_8);
      return URI.create(base + prefix + "/api/saved_objects/_import?overwrite=true");
    }

    @Override
    public String toString() {
      return url + (space != null ? " (space " + space + ")" : "") + (apiKey != null ? " (API key)"
          : user != null ? " (user " + user + ")" : "");
    }
  }

  /** An object Kibana refused, with its reason as Kibana gave it. */
  public record Refused(String type, String id, String title, String reason) {}

  /** @param success Kibana's own verdict: false means nothing was created (all-or-nothing on resolvable errors) */
  public record Result(boolean success, int successCount, List<Refused> refused, List<String> warnings) {}

  /** Kibana could not be reached or refused the request as a whole. */
  public static final class KibanaException extends IOException {
    public KibanaException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Target target;
  private final HttpClient http;

  public KibanaImporter(Target target) {
    this.target = target;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (target.caCert() != null) b.sslContext(EsConnection.sslContext(target.caCert()));
    this.http = b.build();
  }

  public Result importNdjson(String fileName, String ndjson) throws KibanaException {
    String boundary = "callarchive-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String head = "--" + boundary + "\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\n"
        + "Content-Type: application/ndjson\r\n\r\n";
    body.writeBytes(head.getBytes(StandardCharsets.UTF_8));
    body.writeBytes(ndjson.getBytes(StandardCharsets.UTF_8));
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder req = HttpRequest.newBuilder(target.importUri())
        .timeout(Duration.ofMinutes(2))
        .header("kbn-xsrf", "true")
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    if (target.apiKey() != null) req.header("Authorization", "ApiKey " + target.apiKey());
    if (target.user() != null) {
      String basic = Base64.getEncoder().encodeToString(
          (target.user() + ":" + target.password()).getBytes(StandardCharsets.UTF_8));
      req.header("Authorization", "Basic " + basic);
    }
    HttpResponse<String> resp;
    try {
      resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (ConnectException e) {
      throw new KibanaException("cannot connect to Kibana at " + target.url() + ": is it running and is the URL right?", e);
    } catch (HttpTimeoutException e) {
      throw new KibanaException("Kibana at " + target.url() + " did not answer in time", e);
    } catch (IOException e) {
      throw new KibanaException("the import request to Kibana at " + target.url() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KibanaException("interrupted while importing into Kibana", e);
    }
    JsonNode json;
    try {
      json = SavedObjects.JSON.readTree(resp.body());
    } catch (IOException e) {
      json = SavedObjects.JSON.createObjectNode();
    }
    if (resp.statusCode() != 200) {
      String why = json.path("message").asText(resp.body().length() > 200 ? resp.body().substring(0, 200) : resp.body());
      String hint = resp.statusCode() == 401 ? " (check the API key or user and password)"
          : resp.statusCode() == 403 ? " (the user needs the Saved Objects Management privilege in that space)"
          : resp.statusCode() == 404 ? " (is the space id right?)" : "";
      throw new KibanaException("Kibana refused the import with HTTP " + resp.statusCode() + ": " + why + hint, null);
    }
    List<Refused> refused = new ArrayList<>();
    for (JsonNode e : json.path("errors")) {
      JsonNode err = e.path("error");
      StringBuilder why = new StringBuilder(err.path("type").asText("unknown"));
      if (err.hasNonNull("message")) why.append(": ").append(err.get("message").asText());
      if (err.path("references").isArray() && !err.path("references").isEmpty()) {
        List<String> refs = new ArrayList<>();
        err.path("references").forEach(r -> refs.add(r.path("type").asText() + " " + r.path("id").asText()));
        why.append(" (missing ").append(String.join(", ", refs)).append(')');
      }
      refused.add(new Refused(e.path("type").asText(), e.path("id").asText(), e.path("meta").path("title").asText(null),
          why.toString()));
    }
    List<String> warnings = new ArrayList<>();
    json.path("warnings").forEach(w -> warnings.add(w.path("message").asText(w.toString())));
    return new Result(json.path("success").asBoolean(false), json.path("successCount").asInt(0), refused, warnings);
  }
}
