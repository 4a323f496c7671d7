package io.callarchive.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import io.callarchive.imports.ImportOptions;
import io.callarchive.batch.BatchImport;
import io.callarchive.batch.JobDatabase;
import io.callarchive.it.TestCluster;
import io.callarchive.model.IndexType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls and queue stays in a real Elasticsearch: idempotent, order-independent merges, and search by users. */
class CallsIT {
  private static final Path TEMPLATES = Path.of(System.getProperty("callarchive.project"), "index-templates");
  private ElasticsearchClient es;
  @TempDir Path dir;
  private int imports;

  @BeforeEach
  void emptyArchive() throws Exception {
    es = TestCluster.client();
    TestCluster.wipe();
  }

  /** Three calls an hour apart (answered, busy, queue abandon), as AMI event blocks in time order. */
  private static List<String> blocks() {
    String all = AmiCallsTest.outboundCall(true, "ANSWER", "16", "16")
        + AmiCallsTest.outboundCall(false, "BUSY", "17", "16", 3600).replace("1000.", "2000.")
            .replace("0612345678", "0698765432")
        + Feed.ami("Newchannel", 7200, Feed.channel("PJSIP/t-3", "3000.1", "3000.1", "0", "0611223344", "Dana", "500"))
        + Feed.ami("QueueCallerJoin", 7201, Feed.channel("PJSIP/t-3", "3000.1", "3000.1", "6", "0611223344", "Dana",
            "500", "Queue", "support", "Position", "1", "Count", "1"))
        + Feed.ami("QueueCallerAbandon", 7231, Feed.channel("PJSIP/t-3", "3000.1", "3000.1", "6", "0611223344",
            "Dana", "500", "Queue", "support", "Position", "1", "OriginalPosition", "1", "HoldTime", "30"))
        + Feed.ami("Hangup", 7231, Feed.channel("PJSIP/t-3", "3000.1", "3000.1", "6", "0611223344", "Dana", "500",
            "Cause", "16"));
    List<String> out = new ArrayList<>();
    for (String b : all.split("(?<=\r\n\r\n)")) out.add(b);
    return out;
  }

  private Path write(String name, List<String> blocks) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, String.join("", blocks), StandardCharsets.UTF_8);
    return p;
  }

  private io.callarchive.imports.ImportSummary importFiles(List<Path> files) throws Exception {
    // a fresh job history each time, so a repeated file is really read again (the batch would skip known content)
    io.callarchive.imports.ImportSummary summary;
    try (JobDatabase db = JobDatabase.embedded(dir.resolve("jobs-" + imports++))) {
      summary = BatchImport.run(es, db, files, new ImportOptions("ami", "pbx1", Map.of(), "now"), TEMPLATES,
          BatchImport.Settings.defaults());
    }
    es.indices().refresh(r -> r.index("callarchive-*"));
    return summary;
  }

  /** Every document of an alias: index/id → source. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private Map<String, Map<String, Object>> snapshot(IndexType type) throws Exception {
    SearchResponse<Map> r = es.search(s -> s.index(type.alias()).size(1000), Map.class);
    Map<String, Map<String, Object>> out = new TreeMap<>();
    for (Hit<Map> h : r.hits().hits()) out.put(h.index() + "/" + h.id(), h.source());
    return out;
  }

  @Test
  void sameInputImportedTwiceGivesIdenticalCallAndQueueDocuments() throws Exception {
    Path file = write("day.ami", blocks());
    var first = importFiles(List.of(file));
    Map<String, Map<String, Object>> calls = snapshot(IndexType.CALLS);
    Map<String, Map<String, Object>> queue = snapshot(IndexType.QUEUE);
    assertEquals(3, calls.size());
    assertEquals(1, queue.size());
    assertEquals(3L, first.summariesWritten().get(IndexType.CALLS), "the summary says what was written");
    assertEquals(1L, first.summariesWritten().get(IndexType.QUEUE));
    var second = importFiles(List.of(file));
    assertEquals(0L, second.summariesWritten().get(IndexType.CALLS), "nothing changed, nothing rewritten");
    assertEquals(calls, snapshot(IndexType.CALLS));
    assertEquals(queue, snapshot(IndexType.QUEUE));
  }

  @Test
  void shuffledPiecesImportedSeparatelyGiveTheSameDocumentsAsTheWhole() throws Exception {
    List<String> blocks = blocks();
    importFiles(List.of(write("whole.ami", blocks)));
    Map<String, Map<String, Object>> calls = snapshot(IndexType.CALLS);
    Map<String, Map<String, Object>> queue = snapshot(IndexType.QUEUE);
    Random random = new Random(7);
    for (int round = 0; round < 2; round++) {
      TestCluster.wipe();
      List<List<String>> pieces = new ArrayList<>();
      for (int i = 0; i < 4; i++) pieces.add(new ArrayList<>());
      for (String b : blocks) pieces.get(random.nextInt(4)).add(b);
      Collections.shuffle(pieces, random);
      for (int i = 0; i < pieces.size(); i++) {
        if (!pieces.get(i).isEmpty()) importFiles(List.of(write("piece-" + round + "-" + i + ".ami", pieces.get(i))));
      }
      assertEquals(calls, snapshot(IndexType.CALLS), "round " + round);
      assertEquals(queue, snapshot(IndexType.QUEUE), "round " + round);
    }
  }

  private List<String> callIds(Query q) throws Exception {
    @SuppressWarnings("rawtypes")
    SearchResponse<Map> r = es.search(s -> s.index("callarchive-calls").query(q).size(100), Map.class);
    List<String> ids = new ArrayList<>();
    for (@SuppressWarnings("rawtypes") Hit<Map> h : r.hits().hits()) ids.add(String.valueOf(h.source().get("call") instanceof Map<?, ?> c ? c.get("id") : null));
    Collections.sort(ids);
    return ids;
  }

  @Test
  void usersFindCallsByCallerCalleeCauseCategoryAndTimeRange() throws Exception {
    importFiles(List.of(write("day.ami", blocks())));
    assertEquals(List.of("1000.1", "2000.1"), callIds(Query.of(q -> q.term(t -> t.field("caller.number").value("100")))));
    assertEquals(List.of("2000.1"), callIds(Query.of(q -> q.term(t -> t.field("callee.number").value("0698765432")))));
    assertEquals(List.of("2000.1"), callIds(Query.of(q -> q.term(t -> t.field("hangup.cause.category").value("busy")))));
    // the queue call counts as answered: the queue application answered it before it waited
    assertEquals(List.of("1000.1", "3000.1"),
        callIds(Query.of(q -> q.term(t -> t.field("hangup.cause.category").value("answered")))));
    String from = Feed.T0.plusSeconds(3000).toString();
    String to = Feed.T0.plusSeconds(4000).toString();
    assertEquals(List.of("2000.1"), callIds(Query.of(q -> q.range(r -> r.date(d -> d.field("@timestamp").gte(from).lt(to))))));
    assertEquals(List.of("3000.1"), callIds(Query.of(q -> q.term(t -> t.field("queue.name").value("support")))));
    assertEquals(List.of("1000.1", "2000.1", "3000.1"),
        callIds(Query.of(q -> q.term(t -> t.field("call.complete").value(true)))));
  }

  @Test
  void consultationCallIndexedFirstIsAbsorbedWhenTheTransferArrivesInALaterImport() throws Exception {
    String call1 = AmiCallsTest.outboundCall(true, "ANSWER", "16", "16");
    String consult = Feed.ami("Newchannel", 20, Feed.channel("SIP/101-3", "1000.3", "1000.3", "0", "101", "Bob", "200"))
        + Feed.ami("Newchannel", 21, Feed.channel("SIP/200-4", "1000.4", "1000.3", "0", "200", "Carol", "s"))
        + Feed.ami("Hangup", 50, Feed.channel("SIP/101-3", "1000.3", "1000.3", "6", "101", "Bob", "s", "Cause", "16"))
        + Feed.ami("Hangup", 90, Feed.channel("SIP/200-4", "1000.4", "1000.1", "6", "200", "Carol", "s", "Cause", "16"));
    String transfer = Feed.ami("AttendedTransfer", 40, "Result", "Success", "OrigTransfererUniqueid", "1000.2",
        "OrigTransfererLinkedid", "1000.1", "SecondTransfererUniqueid", "1000.3", "SecondTransfererLinkedid", "1000.3",
        "TransfereeUniqueid", "1000.1", "TransfereeLinkedid", "1000.1", "TransferTargetUniqueid", "1000.4",
        "TransferTargetLinkedid", "1000.3", "DestType", "Bridge");
    importFiles(List.of(write("b.ami", List.of(consult))));
    assertEquals(1, snapshot(IndexType.CALLS).size());
    importFiles(List.of(write("a.ami", List.of(call1, transfer))));
    Map<String, Map<String, Object>> calls = snapshot(IndexType.CALLS);
    assertEquals(1, calls.size(), "the consultation call's own document was merged and deleted: " + calls.keySet());
    Map<?, ?> call = (Map<?, ?>) calls.values().iterator().next().get("call");
    assertEquals("1000.1", call.get("id"));
    assertEquals(4, call.get("legs"));
    assertEquals(true, call.get("transferred"));
    assertEquals(true, call.get("complete"));
    // the same documents as one import of everything
    TestCluster.wipe();
    importFiles(List.of(write("all.ami", List.of(call1, consult, transfer))));
    assertEquals(calls, snapshot(IndexType.CALLS));
  }
}
