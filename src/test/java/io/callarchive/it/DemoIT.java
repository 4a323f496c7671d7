package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.cli.Main;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code callarchive demo} against the test node: the demo captures of all five platforms end up searchable and
 * decoded, and every example query of the README finds them.
 */
class DemoIT {
  private static final Path PROJECT = Path.of(System.getProperty("callarchive.project"));
  private static ElasticsearchClient es;

  @BeforeAll
  static void demo() throws Exception {
    es = TestCluster.client();
    TestCluster.wipe();
    Path samples = PROJECT.resolve("ingest").resolve("samples");
    assertEquals(Main.OK, Main.run("demo", "--es-url", TestCluster.url(), "--samples", samples.toString()));
    es.indices().refresh(r -> r.index("callarchive-*"));
  }

  private static long count(String index, String field, String value) throws Exception {
    return es.count(c -> c.index(index).query(q -> q.term(t -> t.field(field).value(value)))).count();
  }

  @Test
  void demoImportsTheSamplesOfEveryPlatformFromTheirFolders() throws Exception {
    for (String dataset : List.of("asterisk.ami", "asterisk.ari", "freeswitch.esl", "kazoo.amqp", "ccs.events")) {
      assertTrue(count("callarchive-events", "event.dataset", dataset) > 0, dataset + " events");
      assertTrue(count("callarchive-calls", "event.dataset", dataset) > 0, dataset + " calls");
    }
    // the busy call of the README's example, from +33155512345, on each platform that has one in its samples
    for (String dataset : List.of("asterisk.ami", "asterisk.ari", "freeswitch.esl", "kazoo.amqp")) {
      long busy = es.count(c -> c.index("callarchive-calls").query(q -> q.bool(b -> b
          .filter(f -> f.term(t -> t.field("event.dataset").value(dataset)))
          .filter(f -> f.term(t -> t.field("caller.number").value("+33155512345")))
          .filter(f -> f.term(t -> t.field("hangup.cause.category").value("busy")))))).count();
      assertEquals(1, busy, dataset);
    }
    assertTrue(count("callarchive-queue", "event.dataset", "asterisk.ami") > 0, "the AMI queue");
    assertEquals(2, count("callarchive-queue", "event.dataset", "freeswitch.esl"), "mod_callcenter: served, abandoned");
  }

  @Test
  void demoDecodesChargesSecurityAndQuality() throws Exception {
    // AMI: 5 InvalidAccountID + 1 ChallengeResponseFailed; FreeSWITCH: pre_register, register_attempt, register_failure
    assertEquals(6 + 3, es.count(c -> c.index("callarchive-security")).count());
    assertEquals(3, count("callarchive-security", "source.ip", "203.0.113.90"), "the FreeSWITCH scanner");
    assertEquals(4, es.count(c -> c.index("callarchive-charges")).count(), "AOC-S, two AOC-D, AOC-E");
    var finalCharge = es.search(s -> s.index("callarchive-charges")
        .query(q -> q.term(t -> t.field("charge.type").value("E"))), JsonNode.class).hits().hits();
    assertEquals(1, finalCharge.size());
    assertEquals(0.10, finalCharge.get(0).source().path("charge").path("amount").asDouble(), 1e-9);
    assertEquals("EUR", finalCharge.get(0).source().path("charge").path("currency").asText());
    var report = es.search(s -> s.index("callarchive-quality").query(q -> q.bool(b -> b
        .filter(f -> f.term(t -> t.field("quality.kind").value("report")))
        .filter(f -> f.term(t -> t.field("event.dataset").value("asterisk.ami"))))), JsonNode.class).hits().hits();
    assertEquals(1, report.size());
    var perCall = es.search(s -> s.index("callarchive-quality").query(q -> q.bool(b -> b
        .filter(f -> f.term(t -> t.field("quality.kind").value("call")))
        .filter(f -> f.term(t -> t.field("event.dataset").value("asterisk.ami"))))), JsonNode.class).hits().hits();
    assertEquals(1, perCall.size(), "the correlator's summary of the call the report belongs to");
    assertEquals(report.get(0).source().path("rtcp").path("mos").asDouble(),
        perCall.get(0).source().path("quality").path("mos_min").asDouble(), 1e-9);
    JsonNode rtcp = report.get(0).source().path("rtcp");
    assertEquals(5 / 256.0 * 100, rtcp.path("fraction_lost_pct").asDouble(), 1e-6);
    assertEquals(12.0, rtcp.path("jitter_ms").asDouble(), 1e-6, "96 RTP units at 8 kHz");
    assertEquals(42.0, rtcp.path("rtt_ms").asDouble(), 1e-6);
    assertTrue(rtcp.path("mos").asDouble() > 4.0 && rtcp.path("mos").asDouble() <= 4.5);
    // FreeSWITCH: a RECV_RTCP_MESSAGE and the end-of-call statistics of the answered call
    assertEquals(2, es.count(c -> c.index("callarchive-quality").query(q -> q.bool(b -> b
        .filter(f -> f.term(t -> t.field("quality.kind").value("report")))
        .filter(f -> f.term(t -> t.field("event.dataset").value("freeswitch.esl")))))).count());
    var attackers = es.search(s -> s.index("callarchive-security").size(0)
        .aggregations("ip", a -> a.terms(t -> t.field("source.ip"))), Void.class);
    assertEquals("198.51.100.23", attackers.aggregations().get("ip").sterms().buckets().array().get(0).key().stringValue());
  }

  /** A query of the README: the index or path it asks and its body (null for a URL query). */
  record Example(String path, String body) {}

  private static final Pattern INLINE_CURL = Pattern.compile("`(curl [^`]+)`");
  private static final Pattern CURL_URL = Pattern.compile("localhost:9200(/[^'\\s]+)");
  private static final Pattern CURL_BODY = Pattern.compile("-d\\s+'([^']*)'", Pattern.DOTALL);
  private static final Pattern TABLE_ROW = Pattern.compile("^\\| `(callarchive-[a-z]+)` \\|.*\\|([^|]*)\\|\\s*$");
  private static final Pattern FIELD_QUERY = Pattern.compile("`([a-z_]+(?:\\.[A-Za-z_]+)+):([^`…]+)`");

  /**
   * Every search the README shows: its curl commands on {@code _search} or {@code _count} (continued lines joined),
   * and the {@code field:value} examples of the table of what each index answers, asked of that index.
   */
  static List<Example> readmeExamples() throws Exception {
    String readme = Files.readString(PROJECT.resolve("README.md"));
    List<Example> out = new ArrayList<>();
    String joined = readme.replaceAll("\\\\\\n\\s*", " ");
    List<String> commands = new ArrayList<>();
    for (String line : joined.split("\n(?=\\s*curl )")) commands.add(line.strip());
    for (Matcher inline = INLINE_CURL.matcher(readme); inline.find(); ) commands.add(inline.group(1));
    for (String cmd : commands) {
      if (!cmd.startsWith("curl ")) continue;
      Matcher u = CURL_URL.matcher(cmd);
      if (!u.find() || !(u.group(1).contains("/_search") || u.group(1).contains("/_count"))) continue;
      Matcher b = CURL_BODY.matcher(cmd);
      out.add(new Example(u.group(1), b.find() ? b.group(1) : null));
    }
    for (String line : readme.split("\n")) {
      Matcher row = TABLE_ROW.matcher(line);
      if (!row.find()) continue;
      Matcher q = FIELD_QUERY.matcher(line);
      while (q.find()) {
        String query = URLEncoder.encode(q.group(1) + ":" + q.group(2), StandardCharsets.UTF_8);
        out.add(new Example("/" + row.group(1) + "/_search?q=" + query, null));
      }
    }
    return out;
  }

  @Test
  void everyExampleQueryOfTheReadmeFindsTheDemoData() throws Exception {
    List<Example> examples = readmeExamples();
    assertTrue(examples.size() >= 7, "the README's examples: " + examples);
    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    List<String> empty = new ArrayList<>();
    for (Example e : examples) {
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(TestCluster.url() + e.path()))
          .header("Content-Type", "application/json");
      req = e.body() == null ? req.GET() : req.POST(HttpRequest.BodyPublishers.ofString(e.body()));
      HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), e + ": " + r.body());
      JsonNode answer = json.readTree(r.body());
      long hits = answer.has("count") ? answer.get("count").asLong() : answer.path("hits").path("total").path("value").asLong();
      if (hits == 0) empty.add(e.toString());
    }
    assertEquals(List.of(), empty, "README examples without a hit on the demo data");
  }
}
