package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.mapping.Property;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.callarchive.Fixtures;
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

class ImportIT {
  private static final List<String> PLATFORMS = List.of("asterisk-ami", "asterisk-ari", "freeswitch-esl", "kazoo-amqp", "ccs");
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
      s = BatchImport.run(es, db, paths, ImportOptions.defaults(), TEMPLATES, BatchImport.Settings.defaults());
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
  void importIndexesExactlyTheEventsOfAFixtureByAction() throws Exception {
    Path file = Fixtures.file("asterisk-ami", "call-answered-rtcp_crlf.txt");
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
    Path file = Fixtures.file("asterisk-ami", "call-answered-rtcp_crlf.txt");
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
  void importingTheFixturesTwiceChangesNoIndex(@TempDir Path tmp) throws Exception {
    List<Path> fixtures = PLATFORMS.stream().map(Fixtures::dir).toList();
    importPaths(fixtures);
    Map<String, Long> first = countsOfEveryType();
    // every event of CONTENTS.md, but the ccs event delivered to two domains, which is archived once
    long events = 0;
    for (String platform : PLATFORMS) {
      for (Path f : Fixtures.files(platform)) {
        events += Fixtures.contents(platform, f.getFileName().toString()).values().stream().mapToInt(i -> i).sum();
      }
    }
    assertEquals(events - 1, first.get("callarchive-events"), first.toString());
    assertEquals(9 + 3, first.get("callarchive-security"), "9 AMI security events and 3 sofia registrations");
    ImportSummary again = importPaths(fixtures);
    assertEquals(first, countsOfEveryType());
    assertEquals(0, again.eventsRead(), "the job repository knows every file is imported: nothing is read");
    assertTrue(again.files().stream().allMatch(f -> f.status() == ImportSummary.Status.ALREADY_IMPORTED));

    // Without the job history (another job database), deterministic ids are the last line of defence.
    ImportSummary forgotten = importPaths(fixtures, tmp.resolve("other-home"));
    assertTrue(forgotten.writeCounters().get("summaries_merged") <= 1, "summaries found stored as they are: "
        + forgotten.writeCounters());
    assertEquals(first, countsOfEveryType());
    assertEquals(0, forgotten.indexed());
    // Every document of the first import (events, what the enrichers derived, dead letters) is found present; the
    // correlator's calls, queue stays and per-call quality are merged in place, not bulk-created, so not counted.
    long correlated = count("callarchive-calls") + count("callarchive-queue")
        + es.count(c -> c.index("callarchive-quality").query(q -> q.term(t -> t.field("quality.kind").value("call"))))
            .count();
    assertTrue(count("callarchive-calls") > 0, "the capture's calls are assembled");
    // The ccs event delivered to two domains is one document, found present for each copy.
    assertEquals(first.values().stream().mapToLong(Long::longValue).sum() - correlated + 1, forgotten.alreadyPresent());

    // The same bytes gzipped and under another name are still the same events.
    Path gz = tmp.resolve("renamed.log.gz");
    Path one = Fixtures.file("asterisk-ami", "call-answered-rtcp_crlf.txt");
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

  @Test
  void corruptedBlockGoesToDeadletterWithOffsetAndTheRestIsIndexed(@TempDir Path tmp) throws Exception {
    String good1 = "Event: Newchannel\r\nTimestamp: 1763805600.100000\r\nUniqueid: 1.1\r\nLinkedid: 1.1\r\n\r\n";
    byte[] bad = "Privilege: call,all\r\n\u0001\u0002garbage\u00ff\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    String good2 = "Event: Hangup\r\nTimestamp: 1763805660.200000\r\nUniqueid: 1.1\r\nLinkedid: 1.1\r\nCause: 16\r\n\r\n";
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(good1.getBytes(StandardCharsets.UTF_8));
    bytes.write(bad);
    bytes.write(good2.getBytes(StandardCharsets.UTF_8));
    Path file = tmp.resolve("corrupted-ami.log");
    Files.write(file, bytes.toByteArray());

    ImportSummary s = importPaths(List.of(file));
    assertEquals(2, s.eventsRead());
    assertEquals(1, s.malformed());
    assertEquals(2, count("callarchive-events"));
    var letters = es.search(q -> q.index("callarchive-deadletter"), JsonNode.class).hits().hits();
    assertEquals(1, letters.size());
    JsonNode dl = letters.get(0).source();
    assertEquals(good1.length(), dl.path("log").path("offset").asLong());
    assertEquals(file.toString(), dl.path("log").path("file").path("path").asText());
    assertTrue(dl.path("error").path("message").asText().contains("header"), dl.toString());
    assertTrue(dl.path("event").path("original").asText().contains("garbage"));
    assertTrue(dl.path("event").has("original_base64"), "invalid UTF-8 keeps the exact bytes too");

    // Exit code: 0 without --strict, 1 with it (each run with a job history of its own, so the file is read);
    // the second run adds nothing.
    String[] base = {"import", "--es-url", TestCluster.url(), "--home", tmp.resolve("h1").toString(), file.toString()};
    assertEquals(Main.OK, Main.run(base));
    String[] strict = {"import", "--es-url", TestCluster.url(), "--home", tmp.resolve("h2").toString(), "--strict", file.toString()};
    assertEquals(Main.DEAD_LETTERS, Main.run(strict));
    // With its history, the same run reads nothing and so has nothing dead-lettered to report.
    assertEquals(Main.OK, Main.run(strict));
    es.indices().refresh(r -> r.index("callarchive-*"));
    assertEquals(1, count("callarchive-deadletter"));
    assertEquals(2, count("callarchive-events"));
  }

  @Test
  void cliSetupAndImportExitCodes(@TempDir Path tmp) throws Exception {
    String home = tmp.resolve("home").toString();
    assertEquals(Main.OK, Main.run("setup", "--es-url", TestCluster.url()));
    assertEquals(Main.FAILURE, Main.run("import", "--es-url", TestCluster.url(), "--home", home, tmp.resolve("missing.log").toString()));
    assertEquals(Main.FAILURE, Main.run("import", "--es-url", TestCluster.url(), "--home", home, "--time-from", "yesterday", tmp.toString()));
  }
}
