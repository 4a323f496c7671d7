package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import com.fasterxml.jackson.databind.JsonNode;
import io.callarchive.Corpus;
import io.callarchive.imports.ImportOptions;
import io.callarchive.imports.ImportSummary;
import io.callarchive.batch.BatchImport;
import io.callarchive.batch.JobDatabase;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.Parsed;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.Formats;
import io.callarchive.parse.Readers;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.Sinks;
import io.callarchive.pipeline.SourceContext;
import io.callarchive.source.FileInputs;
import java.nio.file.Files;
import java.time.Clock;
import java.util.HashMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole shared corpus through {@code callarchive import} (format detected per file) into the real node: every
 * event indexed once, counted per file and per action against the counts PROVENANCE.md gives for each file
 * (an account made when the corpus was collected, independent of our readers); and the derived indices hold
 * exactly the events of their kind.
 */
class CorpusImportIT {
  private static final Path TEMPLATES = Path.of(System.getProperty("callarchive.project"), "index-templates");
  static final List<String> FOLDERS = List.of("asterisk-ami", "asterisk-ari", "kazoo-amqp", "freeswitch-esl");
  private static ElasticsearchClient es;
  private static ImportSummary summary;
  @org.junit.jupiter.api.io.TempDir static Path jobHome;

  @BeforeAll
  static void importCorpus() throws Exception {
    es = TestCluster.client();
    TestCluster.wipe();
    List<Path> folders = FOLDERS.stream().map(Corpus::dir).toList();
    try (JobDatabase db = JobDatabase.embedded(jobHome)) {
      summary = BatchImport.run(es, db, folders, ImportOptions.defaults(), TEMPLATES, Corpus.finishedFiles());
    }
    es.indices().refresh(r -> r.index("callarchive-*"));
  }

  /**
   * The one piece of the corpus that is damaged: the source's second BACKGROUND_JOB names its class
   * {@code Event---Name:}, so it cannot be archived as an event; it must be in the dead-letter index, whole.
   */
  private static final Map<String, String> KNOWN_DEAD_LETTERS =
      Map.of("switchio__eventstream2.txt", "event body without Event-Name");

  @Test
  void everyFileIsReadToItsEndAndOnlyTheDamagedPieceIsDeadLettered() throws Exception {
    List<String> problems = new ArrayList<>();
    for (ImportSummary.FileResult f : summary.files()) {
      String name = f.file().getFileName().toString();
      if (name.endsWith(".md")) continue;
      if (f.error() != null) problems.add(name + ": " + f.error());
      long allowed = KNOWN_DEAD_LETTERS.containsKey(name) ? 1 : 0;
      if (f.malformed() != allowed) problems.add(name + ": " + f.malformed() + " malformed");
    }
    assertEquals(List.of(), problems);
    assertEquals(0, summary.deadLettered(), "nothing refused by the index");
    var letters = es.search(s -> s.index("callarchive-deadletter").size(10), JsonNode.class).hits().hits();
    assertEquals(KNOWN_DEAD_LETTERS.size(), letters.size());
    for (var h : letters) {
      String file = Path.of(h.source().path("log").path("file").path("path").asText()).getFileName().toString();
      assertEquals(KNOWN_DEAD_LETTERS.get(file), h.source().path("error").path("message").asText());
      assertTrue(h.source().path("event").path("original").asText().contains("Event---Name: BACKGROUND_JOB"));
    }
  }

  /** Folder → the format every file in it must be detected as. */
  private static final Map<String, String> FORMAT_OF =
      Map.of("asterisk-ami", "ami", "asterisk-ari", "ari", "kazoo-amqp", "kazoo", "freeswitch-esl", "freeswitch");

  /**
   * Every event the readers find is in the index under the id the pipeline gives it, and the index holds nothing
   * else. The readers' own counts are checked against independent counts (a line scan, Jackson, PROVENANCE.md)
   * in their unit tests; together that is every event of the corpus, each once. An event that stands in two
   * corpus files (the same wiki sample reused) is one document, as docs/decisions/0002 says.
   */
  @Test
  void everyEventOfEveryFileIsIndexedOnceUnderItsId() throws Exception {
    Formats formats = Formats.standard();
    Pipeline ids = new Pipeline(List.of(), Sinks.discard(), Clock.systemUTC());
    Map<String, String> expected = new HashMap<>(); // id -> action
    int files = 0;
    for (String folder : FOLDERS) {
      for (Path f : Corpus.files(folder)) {
        if (f.getFileName().toString().endsWith(".md")) continue;
        files++;
        FileInputs.Opened o = FileInputs.open(f);
        o.stream().close();
        EventFormat format = formats.detect(o.head(), o.headLength()).orElseThrow(() -> new AssertionError("not detected: " + f));
        assertEquals(FORMAT_OF.get(folder), format.name(), "format detected for " + f.getFileName());
        SourceContext ctx = new SourceContext(null, null, Files.getLastModifiedTime(f).toInstant());
        for (Parsed.Event e : Readers.events(Readers.readAll(format, f))) {
          IndexDoc d = ids.normalise(e, format, ctx);
          expected.put(d.id(), e.action());
        }
      }
    }
    assertTrue(files > 80, "corpus files: " + files);
    assertEquals(expected.size(), es.count(c -> c.index("callarchive-events")).count(), "the index holds no other event");
    List<String> all = new ArrayList<>(expected.keySet());
    long found = 0;
    for (int i = 0; i < all.size(); i += 1000) {
      List<String> batch = all.subList(i, Math.min(all.size(), i + 1000));
      found += es.count(c -> c.index("callarchive-events").query(q -> q.ids(x -> x.values(batch)))).count();
    }
    assertEquals(all.size(), found, "every event read is indexed under its id");
    Map<String, Long> byAction = new TreeMap<>();
    expected.values().forEach(a -> byAction.merge(a, 1L, Long::sum));
    Map<String, Long> indexedByAction = new TreeMap<>();
    var resp = es.search(s -> s.index("callarchive-events").size(0)
        .aggregations("a", a -> a.terms(t -> t.field("event.action").size(1000))), Void.class);
    for (StringTermsBucket b : resp.aggregations().get("a").sterms().buckets().array()) {
      indexedByAction.put(b.key().stringValue(), b.docCount());
    }
    assertEquals(byAction, indexedByAction);
  }

  private static final Set<String> SECURITY_ACTIONS = Set.of(
      "FailedACL", "InvalidAccountID", "SessionLimit", "MemoryLimit", "LoadAverageLimit", "RequestNotSupported",
      "RequestNotAllowed", "AuthMethodNotAllowed", "RequestBadFormat", "SuccessfulAuth", "UnexpectedAddress",
      "ChallengeResponseFailed", "InvalidPassword", "ChallengeSent", "InvalidTransport");
  private static final Set<String> SECURITY_SUBCLASSES =
      Set.of("sofia::register_failure", "sofia::pre_register", "sofia::register_attempt");

  @Test
  void securityIndexHoldsExactlyTheSecurityEventsWithDecodedAddresses() throws Exception {
    List<FieldValue> actions = SECURITY_ACTIONS.stream().map(FieldValue::of).toList();
    List<FieldValue> subclasses = SECURITY_SUBCLASSES.stream().map(FieldValue::of).toList();
    long inEvents = es.count(c -> c.index("callarchive-events").query(q -> q.bool(b -> b
        .should(s -> s.terms(t -> t.field("event.action").terms(v -> v.value(actions))))
        .should(s -> s.terms(t -> t.field("event.subclass").terms(v -> v.value(subclasses))))))).count();
    long security = es.count(c -> c.index("callarchive-security")).count();
    assertTrue(inEvents > 0, "the corpus has security events");
    assertEquals(inEvents, security);
    var withAddress = es.search(s -> s.index("callarchive-security").size(100)
        .query(q -> q.exists(e -> e.field("ami.RemoteAddress"))), JsonNode.class).hits().hits();
    for (var h : withAddress) {
      JsonNode d = h.source();
      assertTrue(d.path("source").has("ip"), "source.ip decoded for " + h.id());
    }
    long failures = es.count(c -> c.index("callarchive-security")
        .query(q -> q.term(t -> t.field("event.outcome").value("failure")))).count();
    assertTrue(failures > 0);
  }

  @Test
  void qualityIndexHoldsOneReportPerRtcpReportBlockWithDecodedFields() throws Exception {
    var reports = es.search(s -> s.index("callarchive-quality").size(500)
        .query(q -> q.term(t -> t.field("quality.kind").value("report"))), JsonNode.class).hits().hits();
    assertTrue(!reports.isEmpty(), "the corpus has RTCP reports");
    for (var h : reports) {
      JsonNode r = h.source().path("rtcp");
      assertTrue(r.has("direction") && (r.has("fraction_lost_pct") || r.has("jitter_ms") || r.has("mos") || r.has("mos_reported")),
          "decoded quality fields in " + h.source());
    }
    // Every event that carries quality figures produced at least one report, and no report lacks its event.
    // One report per report block of every event that carries quality figures: exactly, no more.
    var blocks = es.search(s -> s.index("callarchive-events").size(0)
        .query(q -> q.exists(e -> e.field("rtcp.direction")))
        .aggregations("n", a -> a.sum(m -> m.field("rtcp.report_count"))), Void.class);
    long expectedReports = Math.round(blocks.aggregations().get("n").sum().value());
    assertTrue(expectedReports > 0);
    assertEquals(expectedReports, es.count(c -> c.index("callarchive-quality")
        .query(q -> q.term(t -> t.field("quality.kind").value("report")))).count());
  }

  @Test
  void chargesIndexHoldsExactlyTheAdviceOfChargeEvents() throws Exception {
    long aoc = es.count(c -> c.index("callarchive-events").query(q -> q.prefix(p -> p.field("event.action").value("AOC-")))).count();
    assertEquals(aoc, es.count(c -> c.index("callarchive-charges")).count());
  }
}
