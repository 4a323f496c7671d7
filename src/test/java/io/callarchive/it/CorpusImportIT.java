package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import com.fasterxml.jackson.databind.JsonNode;
import io.callarchive.Corpus;
import io.callarchive.imports.ImportOptions;
import io.callarchive.imports.ImportRun;
import io.callarchive.imports.ImportSummary;
import io.callarchive.imports.Importer;
import io.callarchive.parse.json.Pieces;
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

  @BeforeAll
  static void importCorpus() throws Exception {
    es = TestCluster.client();
    TestCluster.wipe();
    List<Path> folders = FOLDERS.stream().map(Corpus::dir).toList();
    summary = ImportRun.run(es, folders, ImportOptions.defaults(), TEMPLATES);
    es.indices().refresh(r -> r.index("callarchive-*"));
  }

  @Test
  void everyFileIsReadToItsEndWithNoDeadLetter() throws Exception {
    List<String> problems = new ArrayList<>();
    for (Importer.FileResult f : summary.files()) {
      if (f.file().getFileName().toString().endsWith(".md")) continue;
      if (f.error() != null) problems.add(f.file().getFileName() + ": " + f.error());
      if (f.malformed() > 0) problems.add(f.file().getFileName() + ": " + f.malformed() + " malformed");
    }
    assertEquals(List.of(), problems);
    assertEquals(0, summary.deadLettered(), "nothing refused by the index");
    assertEquals(0, es.count(c -> c.index("callarchive-deadletter")).count());
  }

  @Test
  void eachFileIsIndexedWithTheEventsItsProvenanceCounts() throws Exception {
    Map<String, Map<String, Long>> indexed = new TreeMap<>();
    var resp = es.search(s -> s.index("callarchive-events").size(0)
        .aggregations("file", a -> a.terms(t -> t.field("log.file.path").size(500))
            .aggregations("action", b -> b.terms(t -> t.field("event.action").size(500)))), Void.class);
    for (StringTermsBucket file : resp.aggregations().get("file").sterms().buckets().array()) {
      Map<String, Long> byAction = new TreeMap<>();
      for (StringTermsBucket a : file.aggregations().get("action").sterms().buckets().array()) {
        byAction.put(a.key().stringValue(), a.docCount());
      }
      indexed.put(Path.of(file.key().stringValue()).getFileName().toString(), byAction);
    }
    List<String> problems = new ArrayList<>();
    int files = 0;
    for (String folder : FOLDERS) {
      for (Path f : Corpus.files(folder)) {
        String name = f.getFileName().toString();
        if (name.endsWith(".md")) continue;
        files++;
        Map<String, Long> expected = new TreeMap<>();
        Pieces.provenanceCounts(folder, name).forEach((k, v) -> expected.put(k, (long) v));
        Map<String, Long> got = indexed.getOrDefault(name, Map.of());
        if (!expected.equals(got)) problems.add(folder + "/" + name + ": provenance " + expected + " but indexed " + got);
      }
    }
    assertTrue(files > 80, "corpus files: " + files);
    assertEquals(List.of(), problems);
    assertEquals(summary.eventsRead(), es.count(c -> c.index("callarchive-events")).count(), "each event once");
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
      assertTrue(r.has("mos") || r.has("mos_reported") || r.has("jitter_ms"), "decoded quality fields in " + h.id());
    }
    // Every event that carries quality figures produced at least one report, and no report lacks its event.
    long qualityEvents = es.count(c -> c.index("callarchive-events").query(q -> q.exists(e -> e.field("rtcp.direction")))).count();
    assertTrue(qualityEvents > 0);
    assertTrue(reports.size() >= qualityEvents, reports.size() + " reports for " + qualityEvents + " events");
  }
}
