package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.callarchive.cli.Main;
import io.callarchive.kibana.DashboardSettings;
import io.callarchive.kibana.SavedObjects;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code setup --kibana-url} against a loopback server playing Kibana's saved-objects import endpoint: it checks
 * the request the way Kibana does (multipart part {@code file} named {@code *.ndjson}, {@code kbn-xsrf},
 * authentication, space path, unique objects, data-view and search references resolved within the file) and
 * keeps what it imported, overwriting by type and id.
 */
class KibanaSetupIT {
  static final ObjectMapper JSON = new ObjectMapper();

  HttpServer server;
  String url;
  /** What the fake Kibana holds, per space: type:id → object. */
  final Map<String, Map<String, JsonNode>> spaces = new LinkedHashMap<>();
  final List<String> requests = new ArrayList<>();
  String expectedAuth;
  /** When set, Kibana refuses this lens with a missing reference (and so imports nothing). */
  String refuseLens;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      String path = ex.getRequestURI().getPath();
      requests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
      Matcher m = Pattern.compile("(?:/s/([a-z0-9_-]+))?/api/saved_objects/_import").matcher(path);
      if (!m.matches() || !ex.getRequestMethod().equals("POST")) {
        reply(ex, 404, "{\"statusCode\":404,\"error\":\"Not Found\",\"message\":\"Not Found\"}");
        return;
      }
      String space = m.group(1) == null ? "default" : m.group(1);
      if (!"overwrite=true".equals(ex.getRequestURI().getQuery())) {
        reply(ex, 400, "{\"message\":\"expected overwrite=true\"}");
        return;
      }
      if (ex.getRequestHeaders().getFirst("kbn-xsrf") == null) {
        reply(ex, 400, "{\"statusCode\":400,\"error\":\"Bad Request\",\"message\":\"Request must contain a kbn-xsrf header.\"}");
        return;
      }
      if (!expectedAuth.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        reply(ex, 401, "{\"statusCode\":401,\"error\":\"Unauthorized\",\"message\":\"[security_exception] unable to authenticate user\"}");
        return;
      }
      String ct = ex.getRequestHeaders().getFirst("Content-Type");
      Matcher b = Pattern.compile("multipart/form-data; boundary=(.+)").matcher(ct == null ? "" : ct);
      if (!b.matches()) {
        reply(ex, 415, "{\"message\":\"Unsupported Media Type\"}");
        return;
      }
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String delim = "--" + b.group(1);
      assertTrue(body.startsWith(delim + "\r\n") && body.endsWith(delim + "--\r\n"), "multipart framing");
      String part = body.substring(delim.length() + 2, body.length() - delim.length() - 6);
      int sep = part.indexOf("\r\n\r\n");
      String headers = part.substring(0, sep);
      String file = part.substring(sep + 4);
      Matcher disp = Pattern.compile("Content-Disposition: form-data; name=\"file\"; filename=\"([^\"]+)\"").matcher(headers);
      if (!disp.find()) {
        reply(ex, 400, "{\"message\":\"[request body.file]: expected value of type [Stream]\"}");
        return;
      }
      if (!disp.group(1).endsWith(".ndjson")) {
        reply(ex, 400, "{\"message\":\"Invalid file extension .json\"}");
        return;
      }
      Map<String, JsonNode> objects = new LinkedHashMap<>();
      for (String line : file.split("\n")) {
        if (line.isBlank()) continue;
        JsonNode o = JSON.readTree(line);
        if (o.has("exportedCount")) continue;
        String key = o.path("type").asText() + ":" + o.path("id").asText();
        if (objects.put(key, o) != null) {
          reply(ex, 400, "{\"message\":\"Non-unique import objects detected: [" + key + "]\"}");
          return;
        }
      }
      ArrayNode errors = JSON.createArrayNode();
      Map<String, JsonNode> held = spaces.computeIfAbsent(space, s -> new LinkedHashMap<>());
      for (JsonNode o : objects.values()) {
        for (JsonNode r : o.path("references")) {
          String t = r.path("type").asText();
          String key = t + ":" + r.path("id").asText();
          boolean missing = (t.equals("index-pattern") || t.equals("search")) && !objects.containsKey(key) && !held.containsKey(key);
          if (missing || o.path("id").asText().equals(refuseLens)) {
            ObjectNode e = errors.addObject();
            e.put("type", o.path("type").asText());
            e.put("id", o.path("id").asText());
            e.putObject("meta").put("title", o.path("attributes").path("title").asText());
            ObjectNode err = e.putObject("error");
            err.put("type", "missing_references");
            ObjectNode ref = err.putArray("references").addObject();
            ref.put("type", "index-pattern");
            ref.put("id", missing ? r.path("id").asText() : "callarchive-dv-gone");
            break;
          }
        }
      }
      ObjectNode resp = JSON.createObjectNode();
      if (errors.isEmpty()) {
        held.putAll(objects);
        resp.put("success", true);
        resp.put("successCount", objects.size());
      } else {
        resp.put("success", false);
        resp.put("successCount", 0);
      }
      resp.set("errors", errors);
      resp.putArray("warnings");
      reply(ex, 200, resp.toString());
    } catch (RuntimeException | AssertionError e) {
      reply(ex, 500, "{\"message\":\"test server: " + e.getMessage() + "\"}");
    }
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  record Run(int rc, String out, String err) {}

  static Run cli(String... args) {
    PrintStream out = System.out, err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int rc = Main.run(args);
      return new Run(rc, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  /** What the user reads on the terminal: stderr without the test log's timestamped lines; no stack trace. */
  static List<String> messages(String err) {
    assertFalse(err.contains("\tat "), err);
    return err.lines().filter(l -> !l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d+ .*"))
        .map(l -> l.replaceFirst("^callarchive [a-z]+: ", "callarchive: ")).toList();
  }

  static List<ObjectNode> expected() throws IOException {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode o : SavedObjects.load(null, DashboardSettings.DEFAULTS).all()) out.add(SavedObjects.encode(o));
    return out;
  }

  @Test
  void setupImportsEveryObjectIntoTheSpaceWithBasicAuthAndIsIdempotent() throws Exception {
    TestCluster.client();
    expectedAuth = "Basic " + Base64.getEncoder().encodeToString("ops-admin:s3cret".getBytes(StandardCharsets.UTF_8));
    String[] args = {"setup", "--es-url", TestCluster.url(), "--kibana-url", url, "--kibana-user", "ops-admin",
        "--kibana-password", "s3cret", "--kibana-space", "ops"};
    Run r = cli(args);
    assertEquals(Main.OK, r.rc(), r.err());
    List<ObjectNode> exp = expected();
    assertEquals(List.of("POST /s/ops/api/saved_objects/_import?overwrite=true"), requests);
    Map<String, JsonNode> held = spaces.get("ops");
    assertEquals(exp.size(), held.size());
    for (ObjectNode o : exp) assertEquals(o, held.get(o.path("type").asText() + ":" + o.path("id").asText()));
    assertTrue(r.out().contains("Kibana: " + exp.size() + " saved objects imported or updated (5 dashboards)"), r.out());

    Run again = cli(args);
    assertEquals(Main.OK, again.rc(), again.err());
    assertEquals(2, requests.size());
    assertEquals(exp.size(), spaces.get("ops").size(), "a second setup updates, it does not duplicate");
    assertEquals(Set.of("ops"), spaces.keySet());
  }

  @Test
  void apiKeyGoesToTheDefaultSpaceWithTheThresholdsGiven() throws Exception {
    TestCluster.client();
    expectedAuth = "ApiKey a2V5OnNlY3JldA==";
    Run r = cli("setup", "--es-url", TestCluster.url(), "--kibana-url", url + "/", "--kibana-api-key", "a2V5OnNlY3JldA==",
        "--service-level-s", "30", "--short-abandon-s", "10");
    assertEquals(Main.OK, r.rc(), r.err());
    assertEquals(List.of("POST /api/saved_objects/_import?overwrite=true"), requests);
    JsonNode sl = spaces.get("default").get("lens:callarchive-lens-queue-service-level");
    assertTrue(sl.toString().contains("queue.wait_s <= 30"), "T reaches Kibana");
    assertTrue(r.out().contains("T = 30 s") && r.out().contains("S = 10 s"), r.out());
  }

  @Test
  void anObjectKibanaRefusesIsReportedWithItsReason() throws Exception {
    TestCluster.client();
    expectedAuth = "ApiKey k";
    refuseLens = "callarchive-lens-calls-asr";
    Run r = cli("setup", "--es-url", TestCluster.url(), "--kibana-url", url, "--kibana-api-key", "k");
    assertEquals(Main.FAILURE, r.rc());
    assertTrue(r.err().contains("Kibana refused lens callarchive-lens-calls-asr (ASR: answered / attempts (%)):"
        + " missing_references (missing index-pattern callarchive-dv-gone)"), r.err());
    assertTrue(r.err().contains("imported none of the"), r.err());
    assertFalse(spaces.containsKey("default") && !spaces.get("default").isEmpty(), "nothing imported");
  }

  @Test
  void wrongCredentialsAndAnUnreachableKibanaAreOneSentence() throws Exception {
    TestCluster.client();
    expectedAuth = "ApiKey right";
    Run r = cli("setup", "--es-url", TestCluster.url(), "--kibana-url", url, "--kibana-api-key", "wrong");
    assertEquals(Main.FAILURE, r.rc());
    assertEquals(1, messages(r.err()).size(), r.err());
    assertTrue(messages(r.err()).get(0).startsWith("callarchive: Kibana refused the import with HTTP 401: [security_exception] unable to"
        + " authenticate user (check the API key or user and password)"), r.err());

    server.stop(0);
    Run down = cli("setup", "--es-url", TestCluster.url(), "--kibana-url", url, "--kibana-api-key", "right");
    assertEquals(Main.FAILURE, down.rc());
    assertEquals(1, messages(down.err()).size(), down.err());
    assertTrue(messages(down.err()).get(0).startsWith("callarchive: ")
        && messages(down.err()).get(0).contains("connection refused"), down.err());
  }

  @Test
  void exportWritesOneFileWithEverythingAndOneSelfContainedFilePerDashboard() throws Exception {
    Path dir = Files.createTempDirectory("kibana-export");
    Run r = cli("kibana", "export", dir.toString());
    assertEquals(Main.OK, r.rc(), r.err());
    Set<String> files = new HashSet<>();
    try (var list = Files.list(dir)) {
      list.forEach(p -> files.add(p.getFileName().toString()));
    }
    assertEquals(Set.of("callarchive-all.ndjson", "callarchive-calls.ndjson", "callarchive-quality.ndjson",
        "callarchive-queue.ndjson", "callarchive-security.ndjson", "callarchive-ingest.ndjson"), files);
    for (String f : files) {
      Set<String> keys = new HashSet<>();
      List<JsonNode> objects = new ArrayList<>();
      for (String line : Files.readAllLines(dir.resolve(f))) {
        JsonNode o = JSON.readTree(line);
        if (o.has("exportedCount")) continue;
        keys.add(o.path("type").asText() + ":" + o.path("id").asText());
        objects.add(o);
      }
      for (JsonNode o : objects) {
        for (JsonNode ref : o.path("references")) {
          assertTrue(keys.contains(ref.path("type").asText() + ":" + ref.path("id").asText()), f + ": " + ref);
        }
      }
      if (f.equals("callarchive-all.ndjson")) assertEquals(expected().size(), objects.size());
      else assertEquals(1, objects.stream().filter(o -> o.path("type").asText().equals("dashboard")).count(), f);
    }
  }
}
