package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.mapping.Property;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.callarchive.Corpus;
import io.callarchive.batch.BatchImport;
import io.callarchive.batch.JobDatabase;
import io.callarchive.cli.Main;
import io.callarchive.imports.ImportOptions;
import io.callarchive.imports.ImportSummary;
import io.callarchive.model.IndexType;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import io.callarchive.parse.ami.AmiFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conformance: the import of the shared corpus's AMI captures, exactly once. */
class ImportCorpusIT {
  private static final Path TEMPLATES = Path.of(System.getProperty("callarchive.project"), "index-templates");
  private ElasticsearchClient es;

  @BeforeEach
  void emptyArchive() throws Exception {
    es = TestCluster.client();
    TestCluster.wipe();
  }

  @TempDir Path jobHome;

  /** Imports with the job repository of this test (an H2 file database under a temporary home). */
  private ImportSummary importPaths(List<Path> paths) throws Exception {
    return importPaths(paths, jobHome);
  }

  private ImportSummary importPaths(List<Path> paths, Path home) throws Exception {
    ImportSummary s;
    try (JobDatabase db = JobDatabase.embedded(home)) {
      s = BatchImport.run(es, db, paths, ImportOptions.defaults(), TEMPLATES, Corpus.finishedFiles());
    }
    es.indices().refresh(r -> r.index("callarchive-*"));
    return s;
  }

  private long count(String index) throws Exception {
    return es.count(r -> r.index(index)).count();
  }

  private Map<String, Long> countsOfEveryType() throws Exception {
    Map<String, Long> counts = new TreeMap<>();
    for (IndexType t : IndexType.values()) counts.put(t.alias(), count(t.alias()));
    return counts;
  }

  @Test
  void importIndexesExactlyTheEventsOfACaptureByAction() throws Exception {
    Path file = Corpus.dir("asterisk-ami").resolve("goami2__call-stream_crlf-reconstructed.txt");
    List<Parsed.Event> expected = Readers.events(Readers.readAll(new AmiFormat(), file));
    ImportSummary s = importPaths(List.of(file));
    assertEquals(expected.size(), s.eventsRead());
    assertEquals(expected.size(), count("callarchive-events"));
    Map<String, Long> expectedByAction = new TreeMap<>();
    for (Parsed.Event e : expected) expectedByAction.merge(e.action(), 1L, Long::sum);
    Map<String, Long> indexedByAction = new TreeMap<>();
    SearchResponse<Void> r =
        es.search(q -> q.index("callarchive-events").size(0)
            .aggregations("a", a -> a.terms(t -> t.field("event.action").size(200))), Void.class);
    r.aggregations().get("a").sterms().buckets().array().forEach(b -> indexedByAction.put(b.key().stringValue(), b.docCount()));
    assertEquals(expectedByAction, indexedByAction);
  }

  @Test
  void eventFieldsAreMappedWithTheirTypesAndTheOriginalIsVerbatim() throws Exception {
    Path file = Corpus.dir("asterisk-ami").resolve("goami2__call-stream_crlf-reconstructed.txt");
    importPaths(List.of(file));
    var hits = es.search(q -> q.index("callarchive-events").size(1)
        .query(qq -> qq.term(t -> t.field("event.action").value("Hangup"))), JsonNode.class).hits().hits();
    assertEquals(1, hits.size() > 0 ? 1 : 0, "a Hangup was indexed");
    JsonNode doc = hits.get(0).source();
    String original = doc.path("event").path("original").asText();
    String content = Files.readString(file, StandardCharsets.UTF_8);
    long offset = doc.path("log").path("offset").asLong();
    assertEquals(content.substring((int) offset, (int) offset + original.length()), original);
    assertTrue(original.startsWith("Event: Hangup"), original);
    assertEquals("asterisk.ami", doc.path("event").path("dataset").asText());
    assertTrue(doc.path("call").path("id").asText().length() > 0);
    assertTrue(doc.path("ami").has("Cause"), "raw keys are kept");

    String index = hits.get(0).index();
    Map<String, Property> props = es.indices().getMapping(m -> m.index(index)).get(index).mappings().properties();
    assertEquals("flattened", props.get("ami")._kind().jsonValue());
    assertEquals("date", props.get("@timestamp")._kind().jsonValue());
    // The raw keys are searchable through the flattened object.
    long byRawKey = es.count(c -> c.index("callarchive-events")
        .query(q -> q.term(t -> t.field("ami.Cause").value("16")))).count();
    assertTrue(byRawKey > 0);
  }

  @Test
  void importingTheSameCaptureTwiceChangesNoIndex(@TempDir Path tmp) throws Exception {
    Path corpus = Corpus.dir("asterisk-ami");
    importPaths(List.of(corpus));
    Map<String, Long> first = countsOfEveryType();
    assertTrue(first.get("callarchive-events") > 1000, first.toString());
    ImportSummary again = importPaths(List.of(corpus));
    assertEquals(first, countsOfEveryType());
    assertEquals(0, again.eventsRead(), "the job repository knows every file is imported: nothing is read");
    assertTrue(again.files().stream().allMatch(f -> f.status() == ImportSummary.Status.ALREADY_IMPORTED));

    // Without the job history (another job database), deterministic ids are the last line of defence.
    ImportSummary forgotten = importPaths(List.of(corpus), tmp.resolve("other-home"));
    assertEquals(first, countsOfEveryType());
    assertEquals(0, forgotten.indexed());
    // Every document of the first import (events, what the enrichers derived, dead letters) is found present; the
    // correlator's calls, queue stays and per-call quality are merged in place, not bulk-created, so not counted.
    long correlated = count("callarchive-calls") + count("callarchive-queue")
        + es.count(c -> c.index("callarchive-quality").query(q -> q.term(t -> t.field("quality.kind").value("call"))))
            .count();
    assertTrue(count("callarchive-calls") > 0, "the capture's calls are assembled");
    assertEquals(first.values().stream().mapToLong(Long::longValue).sum() - correlated, forgotten.alreadyPresent());

    // The same bytes gzipped and under another name are still the same events.
    Path gz = tmp.resolve("renamed.log.gz");
    Path one = corpus.resolve("goami2__call-stream_crlf-reconstructed.txt");
    try (var out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(Files.readAllBytes(one));
    }
    ImportSummary gzipped = importPaths(List.of(gz), tmp.resolve("third-home"));
    assertTrue(gzipped.eventsRead() > 0);
    assertEquals(0, gzipped.indexed());
    // With the history, the same content under another name and gzipped is recognised and not read at all.
    ImportSummary rotated = importPaths(List.of(gz));
    assertEquals(ImportSummary.Status.ALREADY_IMPORTED, rotated.files().get(0).status());
    assertEquals(0, rotated.eventsRead());
    assertEquals(first, countsOfEveryType());
  }

}
