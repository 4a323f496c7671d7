package io.callarchive.alert;

import static io.callarchive.alert.Docs.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.cli.Main;
import io.callarchive.index.BulkIndexer;
import io.callarchive.index.Templates;
import io.callarchive.it.TestCluster;
import io.callarchive.model.IndexDoc;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The default pack against the real node: constructed documents of every rule kind are indexed, then evaluated
 * by {@code alerts run} over the indices and by feeding the same documents to the engine directly; both must
 * give the same alerts, and those alerts are the ones the data was built to raise.
 */
class AlertRulesIT {
  private static final Path PROJECT = Path.of(System.getProperty("callarchive.project"));
  private static final Path TEMPLATES = PROJECT.resolve("index-templates");
  private static final Path PACK = PROJECT.resolve("ingest").resolve("alerts.yml");

  private ElasticsearchClient es;

  @BeforeEach
  void emptyArchive() throws Exception {
    es = TestCluster.client();
    TestCluster.wipe();
    new Templates(TEMPLATES).install(es);
  }

  /** Documents built to fire each rule of the pack for some keys and stay just below it for others. */
  private static List<IndexDoc> data() {
    List<IndexDoc> d = new ArrayList<>();
    // auth-failures (5 in 10 min): .10 six times, .11 exactly five, .12 four times
    for (int i = 0; i < 6; i++) d.add(Docs.authFailure(at(30L * i), "203.0.113.10", "100"));
    for (int i = 0; i < 5; i++) d.add(Docs.authFailure(at(30L * i + 7), "203.0.113.11", "100"));
    for (int i = 0; i < 4; i++) d.add(Docs.authFailure(at(30L * i + 9), "203.0.113.12", "100"));
    // accounts-tried (10 distinct in 1 h): .20 tries ten accounts, .21 nine; 5 minutes apart, so never 5 failures
    // within 10 minutes (no auth-failures)
    for (int i = 0; i < 10; i++) d.add(Docs.authFailure(at(1000 + 300L * i), "203.0.113.20", "acct" + i));
    for (int i = 0; i < 9; i++) d.add(Docs.authFailure(at(1001 + 300L * i), "203.0.113.21", "acct" + i));
    // RTCP: c1 loses 10 % in every report; c2 has a poor MOS; c3 a high jitter; c4 loses 4 % (below 5)
    for (int i = 0; i < 4; i++) {
      d.add(Docs.rtcp(at(200 + 5L * i), "c1", "192.0.2.1", 10, 5, 4.1));
      d.add(Docs.rtcp(at(201 + 5L * i), "c2", "192.0.2.2", 0, 5, 3.0));
      d.add(Docs.rtcp(at(202 + 5L * i), "c3", "192.0.2.3", 0, 50, 4.3));
      d.add(Docs.rtcp(at(203 + 5L * i), "c4", "192.0.2.4", 4, 5, 4.2));
    }
    // queue service level (< 80 % answered within 20 s, at least 10 offered): support 5 of 10; sales 0 of 9
    for (int i = 0; i < 10; i++) d.add(Docs.queueStay(at(400 + 10L * i), "support", i < 5 ? "answered" : "abandoned", 8));
    for (int i = 0; i < 9; i++) d.add(Docs.queueStay(at(401 + 10L * i), "sales", "abandoned", 60));
    // ASR (< 40 % with at least 20 calls): pbx1 answers 5 of 20, pbx2 all 20
    for (int i = 0; i < 20; i++) {
      d.add(Docs.call(at(500 + 20L * i), "pbx1", i < 5));
      d.add(Docs.call(at(501 + 20L * i), "pbx2", true));
    }
    // source-silent (30 min): pbx1 sends events for 10 minutes, pbx2 every 10 minutes for 2 hours
    for (int i = 0; i < 10; i++) d.add(Docs.event(at(60L * i), "pbx1"));
    for (int i = 0; i <= 12; i++) d.add(Docs.event(at(600L * i), "pbx2"));
    return d;
  }

  private static final Instant FROM = at(0);
  private static final Instant TO = at(7200);

  /** The firings the data was built for, as rule:key. */
  private static final Set<String> EXPECTED_FIRINGS = Set.of(
      "auth-failures:203.0.113.10", "auth-failures:203.0.113.11",
      "accounts-tried:203.0.113.20",
      "rtcp-loss-call:c1", "rtcp-loss-remote:192.0.2.1", "mos-low:c2", "jitter-high:c3",
      "queue-service-level:support", "pbx-asr:pbx1", "source-silent:pbx1");

  private static Set<String> firings(List<Alert> alerts) {
    Set<String> s = new TreeSet<>();
    for (Alert a : alerts) if (a.state() == Alert.State.FIRED) s.add(a.rule() + ":" + a.key());
    return s;
  }

  private static List<String> comparable(List<Alert> alerts) {
    return alerts.stream().map(a -> a.id() + " " + a.state() + " " + a.rule() + " " + a.key() + " " + a.time() + " "
        + a.value() + " " + a.windowStart() + " " + a.docIds()).toList();
  }

  @Test
  void alertsRunOverTheIndicesGivesTheSameAlertsAsTheLiveEngineAndTheExpectedOnes() throws Exception {
    AlertConfig pack = AlertConfig.load(PACK);
    List<IndexDoc> docs = data();
    try (BulkIndexer indexer = new BulkIndexer(es)) {
      for (IndexDoc d : docs) indexer.accept(d);
      indexer.flush();
    }
    es.indices().refresh(r -> r.index("callarchive-*"));

    List<Alert> live = new ArrayList<>();
    try (AlertEngine engine = new AlertEngine(pack.rules(), live::add, null)) {
      List<IndexDoc> ordered = new ArrayList<>(docs);
      ordered.sort(AlertRun.ORDER);
      for (IndexDoc d : ordered) engine.accept(d);
      engine.tick(TO);
    }
    AlertRun.Result batch = AlertRun.run(es, pack, FROM, TO, TEMPLATES);

    assertEquals(EXPECTED_FIRINGS, firings(live));
    assertEquals(comparable(live), comparable(batch.alerts()));
    assertEquals(batch.alerts().size(), batch.added().size(), "nothing was there before");
    assertTrue(batch.alerts().stream().anyMatch(a -> a.state() == Alert.State.RECOVERED), "windows closed by the end");

    es.indices().refresh(r -> r.index("callarchive-alerts"));
    long stored = es.count(c -> c.index("callarchive-alerts")).count();
    assertEquals(batch.alerts().size(), stored);

    AlertRun.Result again = AlertRun.run(es, pack, FROM, TO, TEMPLATES);
    assertEquals(comparable(batch.alerts()), comparable(again.alerts()));
    assertEquals(0, again.added().size(), "a second run over the same range adds nothing");
    es.indices().refresh(r -> r.index("callarchive-alerts"));
    assertEquals(stored, es.count(c -> c.index("callarchive-alerts")).count());

    // The alert document carries the contract's fields.
    var hit = es.search(s -> s.index("callarchive-alerts").query(q -> q.bool(b -> b
        .filter(f -> f.term(t -> t.field("alert.rule").value("auth-failures")))
        .filter(f -> f.term(t -> t.field("alert.key").value("203.0.113.11")))
        .filter(f -> f.term(t -> t.field("alert.state").value("fired"))))), JsonNode.class).hits().hits();
    assertEquals(1, hit.size());
    JsonNode a = hit.get(0).source().path("alert");
    assertEquals(5.0, a.path("value").asDouble());
    assertEquals(5.0, a.path("threshold").asDouble());
    assertEquals(at(7).toString(), a.path("window_start").asText());
    assertEquals(at(127).toString(), a.path("window_end").asText());
    assertEquals(5, a.path("doc_ids").size());
  }

  @Test
  void alertsListShowsOpenAndRecentAlertsAsJson() throws Exception {
    AlertConfig pack = AlertConfig.load(PACK);
    try (BulkIndexer indexer = new BulkIndexer(es)) {
      for (int i = 0; i < 5; i++) indexer.accept(Docs.authFailure(at(i), "203.0.113.30", "u"));
      for (int i = 0; i < 5; i++) indexer.accept(Docs.authFailure(at(i), "203.0.113.31", "u"));
      for (int i = 0; i < 5; i++) indexer.accept(Docs.authFailure(at(1000 + i), "203.0.113.31", "u"));
      indexer.flush();
    }
    es.indices().refresh(r -> r.index("callarchive-*"));
    // up to t=1010: both fired at 4 and recovered at 600; .31 fired again at 1004 and is still open
    AlertRun.Result r = AlertRun.run(es, pack, at(0), at(1010), TEMPLATES);
    assertEquals(5, r.added().size(), r.added().toString());
    es.indices().refresh(x -> x.index("callarchive-*"));

    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    int rc;
    try {
      rc = Main.run("alerts", "list", "--es-url", TestCluster.url(), "--since", "2026-11-01T00:00:00Z", "--json");
    } finally {
      System.setOut(old);
    }
    assertEquals(Main.OK, rc);
    JsonNode out = new ObjectMapper().readTree(buf.toString(StandardCharsets.UTF_8));
    assertEquals(1, out.path("open").size(), out.toString());
    assertEquals("203.0.113.31", out.path("open").get(0).path("key").asText());
    assertEquals(at(1004).toString(), out.path("open").get(0).path("@timestamp").asText());
    assertEquals(5, out.path("recent").size());
  }
}
