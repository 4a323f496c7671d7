package io.callarchive.correlate;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.OpType;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.pipeline.DocIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges summaries into the index without scripts (the minimal Elasticsearch has no painless): read the stored
 * documents of the same session (a search on its keys through the read alias, so a call that moved month or
 * changed canonical id is found too), recompute the summary in Java from their mergeable state plus the new
 * state, and write it back with optimistic concurrency: {@code if_seq_no}/{@code if_primary_term} when it
 * replaces a stored document, {@code op_type=create} when it is new. A conflict (another writer got there first)
 * re-reads and retries. Stored documents the merge absorbed (other canonical id or month) are deleted under the
 * same concurrency check. A {@code calls} write also rewrites its per-call {@code quality} document, which is a
 * pure function of the merged call.
 *
 * <p>Summaries are buffered; {@link #flush} (also every {@code batchSize} summaries) first merges the buffered
 * ones among themselves, refreshes the read aliases once so the searches see earlier batches, then writes.
 * Not thread-safe; several writers on different machines are safe thanks to the concurrency checks.
 */
public final class SummaryWriter implements SummarySink {
  private static final Logger log = LoggerFactory.getLogger(SummaryWriter.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ATTEMPTS = 20;

  private final ElasticsearchClient client;
  private final CallSummary summary;
  private final int batchSize;
  private final List<IndexDoc> pending = new ArrayList<>();

  public final LongAdder written = new LongAdder();
  public final LongAdder unchanged = new LongAdder();
  public final LongAdder absorbed = new LongAdder();
  public final LongAdder conflicts = new LongAdder();

  public SummaryWriter(ElasticsearchClient client, HangupCauses causes, int batchSize) {
    this.client = client;
    this.summary = new CallSummary(causes);
    this.batchSize = batchSize;
  }

  public SummaryWriter(ElasticsearchClient client, HangupCauses causes) {
    this(client, causes, 1000);
  }

  @Override
  public void write(IndexDoc doc) {
    if (doc.type() != IndexType.CALLS && doc.type() != IndexType.QUEUE) {
      throw new IllegalArgumentException("only calls and queue summaries are merged, got " + doc.type());
    }
    pending.add(doc);
    if (pending.size() >= batchSize) flush();
  }

  @Override
  public void flush() {
    if (pending.isEmpty()) return;
    List<IndexDoc> batch = new ArrayList<>(pending);
    pending.clear();
    try {
      List<IndexDoc> merged = mergeAmong(batch);
      client.indices().refresh(r -> r.index(IndexType.CALLS.alias(), IndexType.QUEUE.alias()).ignoreUnavailable(true));
      for (IndexDoc d : merged) writeOne(d);
    } catch (IOException e) {
      throw new UncheckedIOException("writing call summaries failed: " + e.getMessage(), e);
    }
  }

  /** Groups buffered summaries that share a key (same observer) and merges each group. */
  private List<IndexDoc> mergeAmong(List<IndexDoc> batch) {
    List<List<Doc>> groups = new ArrayList<>();
    Map<String, List<Doc>> byKey = new HashMap<>();
    for (IndexDoc d : batch) {
      List<Doc> group = null;
      List<String> keys = keys(d.type(), d.doc());
      for (String k : keys) {
        List<Doc> g = byKey.get(k);
        if (g == null || g == group) continue;
        if (group == null) {
          group = g;
        } else {
          // two groups met through this summary: fold the second into the first
          group.addAll(g);
          for (Map.Entry<String, List<Doc>> e : byKey.entrySet()) if (e.getValue() == g) e.setValue(group);
          List<Doc> gone = g;
          groups.removeIf(x -> x == gone);
        }
      }
      if (group == null) {
        group = new ArrayList<>();
        groups.add(group);
      }
      group.add(d.doc());
      for (String k : keys) byKey.put(k, group);
    }
    List<IndexDoc> out = new ArrayList<>();
    for (List<Doc> g : groups) {
      IndexDoc m = mergeDocs(typeOf(g.get(0)), g);
      if (m != null) out.add(m);
    }
    return out;
  }

  private static IndexType typeOf(Doc d) {
    return d.get("call.legs_detail") != null ? IndexType.CALLS : IndexType.QUEUE;
  }

  private IndexDoc mergeDocs(IndexType type, List<Doc> docs) {
    return type == IndexType.CALLS ? summary.mergeCalls(docs) : CallSummary.mergeQueue(docs);
  }

  private static String keysField(IndexType type) {
    return type == IndexType.CALLS ? "call.keys" : "queue.keys";
  }

  private static List<String> keys(IndexType type, Doc d) {
    List<String> out = new ArrayList<>();
    String observer = Objects.toString(d.getString("observer.name"), "");
    if (d.get(keysField(type)) instanceof List<?> l) for (Object k : l) out.add(type + "\u0001" + observer + "\u0001" + k);
    return out;
  }

  private record Stored(String index, String id, long seqNo, long primaryTerm, Doc doc) {}

  private void writeOne(IndexDoc fresh) throws IOException {
    for (int attempt = 1; ; attempt++) {
      List<Stored> stored = find(fresh);
      List<Doc> docs = new ArrayList<>();
      for (Stored s : stored) docs.add(s.doc());
      docs.add(fresh.doc());
      IndexDoc merged = stored.isEmpty() ? fresh : mergeDocs(fresh.type(), docs);
      String index = DocIds.indexName(merged.type(), merged.timestamp());
      Stored same = null;
      for (Stored s : stored) if (s.index().equals(index) && s.id().equals(merged.id())) same = s;
      try {
        if (same != null && stored.size() == 1 && sameContent(same.doc(), merged.doc())) {
          unchanged.increment();
          return;
        }
        final Stored target = same;
        Map<String, Object> source = merged.doc().asMap();
        if (target != null) {
          client.index(i -> i.index(index).id(merged.id()).document(source)
              .ifSeqNo(target.seqNo()).ifPrimaryTerm(target.primaryTerm()));
        } else {
          client.index(i -> i.index(index).id(merged.id()).document(source).opType(OpType.Create));
        }
        for (Stored s : stored) {
          if (s == target) continue;
          client.delete(d -> d.index(s.index()).id(s.id()).ifSeqNo(s.seqNo()).ifPrimaryTerm(s.primaryTerm()));
          absorbed.increment();
          if (merged.type() == IndexType.CALLS) deleteQuality(s.doc(), merged);
        }
        if (merged.type() == IndexType.CALLS) writeQuality(merged);
        written.increment();
        return;
      } catch (ElasticsearchException e) {
        if (e.status() != 409 || attempt >= MAX_ATTEMPTS) throw e;
        // another writer changed the session since we read it: read it again and redo the merge
        conflicts.increment();
        log.debug("Conflict writing {} {} (attempt {}), merging again", merged.type().typeName(), merged.id(), attempt);
        client.indices().refresh(r -> r.index(merged.type().alias()).ignoreUnavailable(true));
      }
    }
  }

  private List<Stored> find(IndexDoc fresh) throws IOException {
    IndexType type = fresh.type();
    String observer = fresh.doc().getString("observer.name");
    List<FieldValue> values = new ArrayList<>();
    if (fresh.doc().get(keysField(type)) instanceof List<?> l) for (Object k : l) values.add(FieldValue.of(k.toString()));
    Query byKeys = Query.of(q -> q.terms(t -> t.field(keysField(type)).terms(v -> v.value(values))));
    Query byObserver =
        observer == null
            ? Query.of(q -> q.bool(b -> b.mustNot(m -> m.exists(x -> x.field("observer.name")))))
            : Query.of(q -> q.term(t -> t.field("observer.name").value(observer)));
    @SuppressWarnings("rawtypes")
    SearchResponse<Map> r;
    try {
      r = client.search(
          s -> s.index(type.alias()).ignoreUnavailable(true).allowNoIndices(true).seqNoPrimaryTerm(true).size(100)
              .query(q -> q.bool(b -> b.filter(byKeys).filter(byObserver))),
          Map.class);
    } catch (ElasticsearchException e) {
      if (e.status() == 404) return List.of();
      throw e;
    }
    List<Stored> out = new ArrayList<>();
    for (@SuppressWarnings("rawtypes") Hit<Map> h : r.hits().hits()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> src = new LinkedHashMap<String, Object>(h.source());
      out.add(new Stored(h.index(), h.id(), h.seqNo(), h.primaryTerm(), new Doc(src)));
    }
    return out;
  }

  private void writeQuality(IndexDoc call) throws IOException {
    IndexDoc q = CallSummary.quality(call);
    if (q == null) return;
    String index = DocIds.indexName(IndexType.QUALITY, q.timestamp());
    client.index(i -> i.index(index).id(q.id()).document(q.doc().asMap()));
  }

  private void deleteQuality(Doc absorbedCall, IndexDoc merged) throws IOException {
    String callId = absorbedCall.getString("call.id");
    String ts = absorbedCall.getString("@timestamp");
    if (callId == null || ts == null) return;
    String id = CallSummary.qualityId(absorbedCall.getString("observer.name"), callId);
    String index = DocIds.indexName(IndexType.QUALITY, java.time.Instant.parse(ts));
    if (id.equals(CallSummary.qualityId(merged.doc().getString("observer.name"), merged.doc().getString("call.id")))
        && index.equals(DocIds.indexName(IndexType.QUALITY, merged.timestamp()))) {
      return;
    }
    try {
      client.delete(d -> d.index(index).id(id));
    } catch (ElasticsearchException e) {
      if (e.status() != 404) throw e;
    }
  }

  private static boolean sameContent(Doc a, Doc b) {
    return JSON.valueToTree(a.asMap()).equals(JSON.valueToTree(b.asMap()));
  }
}
