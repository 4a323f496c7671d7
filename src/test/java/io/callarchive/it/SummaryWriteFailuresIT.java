package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import io.callarchive.batch.BatchImport;
import io.callarchive.batch.JobDatabase;
import io.callarchive.imports.ImportOptions;
import io.callarchive.imports.ImportSummary;
import io.callarchive.index.EsConnection;
import io.callarchive.model.IndexType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Summaries take the one write path (issue 9): when the node refuses the bulk requests that carry call summaries
 * with 429, they are retried with backoff; a call the index cannot map is dead-lettered with the reason and the
 * document; the import completes, and its counts say so.
 */
class SummaryWriteFailuresIT {
  @Test
  void rejectedSummaryWritesAreRetriedAndAnUnmappableCallIsDeadLettered(@TempDir Path tmp) throws Exception {
    ElasticsearchClient node = TestCluster.client();
    TestCluster.wipe();
    int calls = 50;
    List<Traffic.Timed> events = Traffic.ami(calls, 2.0);
    Path file = Traffic.write(events, null, Files.createDirectories(tmp.resolve("in")), "ami.log", 1).get(0);
    // The calls with an Advice of Charge carry charge.currency; an index made by hand maps it as a number, so
    // those calls cannot be indexed, as a mapping changed under the archive would refuse them.
    long charged = events.stream().filter(e -> e.text().startsWith("Event: AOC-D")).count();
    assertTrue(charged > 0 && charged < calls, "some calls are charged: " + charged);
    String month = "callarchive-calls-2025.11";
    node.indices().create(c -> c.index(month).mappings(m -> m.properties("charge",
        p -> p.object(o -> o.properties("currency", x -> x.long_(l -> l))))));

    ImportSummary s;
    try (RejectingProxy proxy = new RejectingProxy(TestCluster.url(), month, 3);
        ElasticsearchClient client = EsConnection.plain(proxy.url()).client();
        JobDatabase db = JobDatabase.embedded(tmp.resolve("jobs"))) {
      s = BatchImport.run(client, db, List.of(file), new ImportOptions(null, "pbx-failures", Map.of(), "mtime"), null,
          BatchImport.Settings.defaults());
      assertEquals(3, proxy.rejected.get(), "the first three summary requests were refused");
    }
    assertEquals(ImportSummary.Status.IMPORTED, s.files().get(0).status(), String.valueOf(s.files().get(0).error()));
    assertEquals(events.size(), s.eventsRead());
    assertTrue(s.writeCounters().get("bulk_retries") >= 3, "retried: " + s.writeCounters());
    assertEquals(charged, s.deadLettered(), "one dead letter per call the index refused");
    assertEquals(0L, s.writeCounters().get("dead_letters_lost"));

    node.indices().refresh(r -> r.index("callarchive-*"));
    assertEquals(events.size(), node.count(c -> c.index("callarchive-events")).count(), "every event once");
    assertEquals(calls - charged, node.count(c -> c.index(IndexType.CALLS.alias())).count(), "the other calls");
    assertEquals(calls - charged, s.summariesWritten().get(IndexType.CALLS));
    @SuppressWarnings("rawtypes")
    SearchResponse<Map> letters = node.search(r -> r.index(IndexType.DEADLETTER.alias()).size(100), Map.class);
    assertEquals(charged, letters.hits().total().value());
    for (@SuppressWarnings("rawtypes") Hit<Map> h : letters.hits().hits()) {
      Map<?, ?> src = h.source();
      Map<?, ?> error = (Map<?, ?>) src.get("error");
      assertTrue(String.valueOf(error.get("type")).startsWith("index:"), String.valueOf(error));
      assertTrue(String.valueOf(error.get("message")).contains("could not index into calls"), String.valueOf(error));
      Map<?, ?> event = (Map<?, ?>) src.get("event");
      assertTrue(String.valueOf(event.get("original")).contains("\"currency\":\"EUR\""), "the refused call is kept");
    }
  }
}
