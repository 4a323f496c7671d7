package io.callarchive.correlate;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.MsearchResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.msearch.MultiSearchResponseItem;
import co.elastic.clients.elasticsearch.core.msearch.RequestItem;
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
  private final Map<IndexType, LongAdder> writtenByType = new java.util.EnumMap<>(Map.of(
      IndexType.CALLS, new LongAdder(), IndexType.QUEUE, new LongAdder()));
  public final LongAdder unchanged = new LongAdder();
  public final LongAdder absorbed = new LongAdder();
  public final LongAdder conflicts = new LongAdder();

  public SummaryWriter(ElasticsearchClient client, HangupCauses causes, int batchSize) {
    this.client = client;
    this.summary = new CallSummary(causes);
    this.batchSize = batchSize;
  }

  public SummaryWriter(ElasticsearchClient client, HangupCauses causes) {
    this(client, causes, 5000);
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
      List<IndexDoc> todo = mergeAmong(batch);
      for (int attempt = 1; !todo.isEmpty(); attempt++) {
        if (attempt > MAX_ATTEMPTS) {
          throw new IllegalStateException(todo.size() + " summaries kept conflicting with other writers");
        }
        client.indices().refresh(r -> r.index(IndexType.CALLS.alias(), IndexType.QUEUE.alias()).ignoreUnavailable(true));
        List<IndexDoc> again = new ArrayList<>();
        for (int i = 0; i < todo.size(); i += SLICE) {
          again.addAll(writeSlice(todo.subList(i, Math.min(todo.size(), i + SLICE))));
        }
        if (!again.isEmpty()) {
          conflicts.add(again.size());
          log.debug("{} summaries changed under us (attempt {}), merging them again", again.size(), attempt);
        }
        todo = again;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing call summaries failed: " + e.getMessage(), e);
    }
  }

  /** Summaries of a type written (new or merged) so far. */
  public long written(IndexType type) {
    LongAdder a = writtenByType.get(type);
    return a == null ? 0 : a.sum();
  }

  /** Summaries per look-up and bulk request. */
  private static final int SLICE = 2000;

  /** One write of a merged summary: the main document, and what follows from it once it is written. */
  private record Plan(IndexDoc fresh, IndexDoc merged, Stored target, List<Stored> absorbed) {}

  /**
   * Reads what is stored for a slice of summaries with one multi-search, merges in Java, writes the summaries
   * with one bulk request under their concurrency checks, then (only for those written) deletes what they
   * absorbed and rewrites the per-call quality documents. Returns the summaries to merge again after a conflict.
   */
  private List<IndexDoc> writeSlice(List<IndexDoc> slice) throws IOException {
    List<List<Stored>> found = find(slice);
    List<Plan> plans = new ArrayList<>();
    List<BulkOperation> writes = new ArrayList<>();
    for (int i = 0; i < slice.size(); i++) {
      IndexDoc fresh = slice.get(i);
      List<Stored> stored = found.get(i);
      List<Doc> docs = new ArrayList<>();
      for (Stored st : stored) docs.add(st.doc());
      docs.add(fresh.doc());
      IndexDoc merged = stored.isEmpty() ? fresh : mergeDocs(fresh.type(), docs);
      String index = DocIds.indexName(merged.type(), merged.timestamp());
      Stored same = null;
      for (Stored st : stored) if (st.index().equals(index) && st.id().equals(merged.id())) same = st;
      if (same != null && stored.size() == 1 && sameContent(same.doc(), merged.doc())) {
        unchanged.increment();
        continue;
      }
      final Stored target = same;
      Map<String, Object> source = merged.doc().asMap();
      writes.add(target != null
          ? BulkOperation.of(o -> o.index(x -> x.index(index).id(merged.id()).document(source)
              .ifSeqNo(target.seqNo()).ifPrimaryTerm(target.primaryTerm())))
          : BulkOperation.of(o -> o.create(x -> x.index(index).id(merged.id()).document(source))));
      List<Stored> absorbedDocs = new ArrayList<>();
      for (Stored st : stored) if (st != target) absorbedDocs.add(st);
      plans.add(new Plan(fresh, merged, target, absorbedDocs));
    }
    List<IndexDoc> again = new ArrayList<>();
    if (plans.isEmpty()) return again;
    List<BulkResponseItem> items = client.bulk(b -> b.operations(writes)).items();
    List<BulkOperation> follow = new ArrayList<>();
    List<Plan> followPlans = new ArrayList<>();
    for (int i = 0; i < plans.size(); i++) {
      Plan plan = plans.get(i);
      BulkResponseItem item = items.get(i);
      if (item.status() == 409) {
        again.add(plan.fresh());
        continue;
      }
      if (item.error() != null) {
        throw new IllegalStateException("could not write " + plan.merged().type().typeName() + " summary "
            + plan.merged().id() + ": " + item.error().type() + ": " + item.error().reason());
      }
      written.increment();
      writtenByType.get(plan.merged().type()).increment();
      for (Stored st : plan.absorbed()) {
        follow.add(BulkOperation.of(o -> o.delete(d -> d.index(st.index()).id(st.id())
            .ifSeqNo(st.seqNo()).ifPrimaryTerm(st.primaryTerm()))));
        followPlans.add(plan);
        absorbed.increment();
        if (plan.merged().type() == IndexType.CALLS) {
          BulkOperation dq = deleteQuality(st.doc(), plan.merged());
          if (dq != null) {
            follow.add(dq);
            followPlans.add(null);
          }
        }
      }
      if (plan.merged().type() == IndexType.CALLS) {
        IndexDoc q = CallSummary.quality(plan.merged());
        if (q != null) {
          String qIndex = DocIds.indexName(IndexType.QUALITY, q.timestamp());
          follow.add(BulkOperation.of(o -> o.index(x -> x.index(qIndex).id(q.id()).document(q.doc().asMap()))));
          followPlans.add(null);
        }
      }
    }
    if (!follow.isEmpty()) {
      List<BulkResponseItem> done = client.bulk(b -> b.operations(follow)).items();
      for (int i = 0; i < done.size(); i++) {
        BulkResponseItem item = done.get(i);
        Plan plan = followPlans.get(i);
        if (item.status() == 409 && plan != null) {
          // an absorbed document changed meanwhile: merging again takes its new state in (idempotent)
          if (!again.contains(plan.fresh())) again.add(plan.fresh());
        } else if (item.error() != null && item.status() != 404) {
          throw new IllegalStateException("could not finish summary " + (plan != null ? plan.merged().id() : "")
              + ": " + item.error().type() + ": " + item.error().reason());
        }
      }
    }
    return again;
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

  /** Most stored documents one look-up for a whole slice brings back; more, and each summary is looked up alone. */
  private static final int LOOKUP_HITS = 10_000;

  /**
   * What is stored under each summary's keys (same observer). One search per index type asks for every key of
   * the slice at once: on a night of new calls it finds nothing, which is the common case, at the cost of one
   * request; the hits are then shared out by key. Too many hits fall back to one search per summary.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private List<List<Stored>> find(List<IndexDoc> slice) throws IOException {
    List<List<Stored>> out = new ArrayList<>();
    for (int i = 0; i < slice.size(); i++) out.add(new ArrayList<>());
    for (IndexType type : List.of(IndexType.CALLS, IndexType.QUEUE)) {
      java.util.Set<String> keys = new java.util.LinkedHashSet<>();
      for (IndexDoc d : slice) {
        if (d.type() == type && d.doc().get(keysField(type)) instanceof List<?> l) for (Object k : l) keys.add(k.toString());
      }
      if (keys.isEmpty()) continue;
      List<FieldValue> values = keys.stream().map(FieldValue::of).toList();
      SearchResponse<Map> r;
      try {
        r = client.search(s -> s.index(type.alias()).ignoreUnavailable(true).allowNoIndices(true)
            .seqNoPrimaryTerm(true).size(LOOKUP_HITS).trackTotalHits(t -> t.enabled(true))
            .query(q -> q.terms(t -> t.field(keysField(type)).terms(v -> v.value(values)))), Map.class);
      } catch (ElasticsearchException e) {
        if (e.status() == 404) continue;
        throw e;
      }
      if (r.hits().total() != null && r.hits().total().value() > LOOKUP_HITS) return findEach(slice);
      Map<String, List<Stored>> byKey = new HashMap<>();
      for (Hit<Map> h : r.hits().hits()) {
        Map<String, Object> src = new LinkedHashMap<String, Object>(h.source());
        Stored st = new Stored(h.index(), h.id(), h.seqNo(), h.primaryTerm(), new Doc(src));
        if (st.doc().get(keysField(type)) instanceof List<?> l) {
          for (Object k : l) byKey.computeIfAbsent(k.toString(), x -> new ArrayList<>()).add(st);
        }
      }
      if (byKey.isEmpty()) continue;
      for (int i = 0; i < slice.size(); i++) {
        IndexDoc d = slice.get(i);
        if (d.type() != type || !(d.doc().get(keysField(type)) instanceof List<?> l)) continue;
        String observer = d.doc().getString("observer.name");
        List<Stored> mine = out.get(i);
        for (Object k : l) {
          for (Stored st : byKey.getOrDefault(k.toString(), List.of())) {
            if (Objects.equals(observer, st.doc().getString("observer.name")) && !mine.contains(st)) mine.add(st);
          }
        }
      }
    }
    return out;
  }

  /** What is stored under each summary's keys (same observer), with one multi-search for the slice. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private List<List<Stored>> findEach(List<IndexDoc> slice) throws IOException {
    List<RequestItem> searches = new ArrayList<>();
    for (IndexDoc fresh : slice) {
      IndexType type = fresh.type();
      String observer = fresh.doc().getString("observer.name");
      List<FieldValue> values = new ArrayList<>();
      if (fresh.doc().get(keysField(type)) instanceof List<?> l) for (Object k : l) values.add(FieldValue.of(k.toString()));
      Query byKeys = Query.of(q -> q.terms(t -> t.field(keysField(type)).terms(v -> v.value(values))));
      Query byObserver =
          observer == null
              ? Query.of(q -> q.bool(b -> b.mustNot(m -> m.exists(x -> x.field("observer.name")))))
              : Query.of(q -> q.term(t -> t.field("observer.name").value(observer)));
      searches.add(RequestItem.of(r -> r
          .header(h -> h.index(type.alias()).ignoreUnavailable(true).allowNoIndices(true))
          .body(b -> b.seqNoPrimaryTerm(true).size(100).query(q -> q.bool(x -> x.filter(byKeys).filter(byObserver))))));
    }
    MsearchResponse<Map> resp = client.msearch(m -> m.searches(searches), Map.class);
    List<List<Stored>> out = new ArrayList<>();
    for (MultiSearchResponseItem<Map> item : resp.responses()) {
      List<Stored> stored = new ArrayList<>();
      if (item.isFailure()) {
        if (item.failure().status() != 404) {
          throw new IllegalStateException("searching stored summaries failed: " + item.failure().error().reason());
        }
      } else {
        for (Hit<Map> h : item.result().hits().hits()) {
          Map<String, Object> src = new LinkedHashMap<String, Object>(h.source());
          stored.add(new Stored(h.index(), h.id(), h.seqNo(), h.primaryTerm(), new Doc(src)));
        }
      }
      out.add(stored);
    }
    return out;
  }

  /** The deletion of an absorbed call's quality document, unless the merged call keeps the same one. */
  private static BulkOperation deleteQuality(Doc absorbedCall, IndexDoc merged) {
    String callId = absorbedCall.getString("call.id");
    String ts = absorbedCall.getString("@timestamp");
    if (callId == null || ts == null) return null;
    String id = CallSummary.qualityId(absorbedCall.getString("observer.name"), callId);
    String index = DocIds.indexName(IndexType.QUALITY, java.time.Instant.parse(ts));
    if (id.equals(CallSummary.qualityId(merged.doc().getString("observer.name"), merged.doc().getString("call.id")))
        && index.equals(DocIds.indexName(IndexType.QUALITY, merged.timestamp()))) {
      return null;
    }
    return BulkOperation.of(o -> o.delete(d -> d.index(index).id(id)));
  }

  private static boolean sameContent(Doc a, Doc b) {
    return JSON.valueToTree(a.asMap()).equals(JSON.valueToTree(b.asMap()));
  }
}
