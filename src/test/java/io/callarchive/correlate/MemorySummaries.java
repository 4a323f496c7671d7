package io.callarchive.correlate;

import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Test stand-in for the index: the same read-merge-write as {@link SummaryWriter} (find stored summaries sharing a
 * key with the same observer, merge with {@link CallSummary}, replace them) on a map, so merge order questions can
 * be tested without a node. The ITs run the real writer.
 */
final class MemorySummaries implements SummarySink {
  final Map<String, IndexDoc> calls = new LinkedHashMap<>();
  final Map<String, IndexDoc> queue = new LinkedHashMap<>();
  private final CallSummary summary = new CallSummary(new BuiltinCauses());

  @Override
  public void write(IndexDoc fresh) {
    Map<String, IndexDoc> store = fresh.type() == IndexType.CALLS ? calls : queue;
    String field = fresh.type() == IndexType.CALLS ? "call.keys" : "queue.keys";
    List<Doc> docs = new ArrayList<>();
    List<String> hits = new ArrayList<>();
    for (Map.Entry<String, IndexDoc> e : store.entrySet()) {
      Doc d = e.getValue().doc();
      if (!Objects.equals(d.getString("observer.name"), fresh.doc().getString("observer.name"))) continue;
      if (overlap(d.get(field), fresh.doc().get(field))) {
        docs.add(d);
        hits.add(e.getKey());
      }
    }
    docs.add(fresh.doc());
    IndexDoc merged = fresh.type() == IndexType.CALLS ? summary.mergeCalls(docs) : CallSummary.mergeQueue(docs);
    hits.forEach(store::remove);
    store.put(merged.id(), merged);
  }

  @Override
  public void flush() {}

  private static boolean overlap(Object a, Object b) {
    if (!(a instanceof List<?> x) || !(b instanceof List<?> y)) return false;
    for (Object o : x) if (y.contains(o)) return true;
    return false;
  }

  /** The one call of the store; fails when there is not exactly one. */
  Doc onlyCall() {
    if (calls.size() != 1) throw new AssertionError("expected one call, got " + calls.size() + ": " + calls.keySet());
    return calls.values().iterator().next().doc();
  }

  Doc onlyStay() {
    if (queue.size() != 1) throw new AssertionError("expected one queue stay, got " + queue.size());
    return queue.values().iterator().next().doc();
  }

  /** Everything, with legs_detail, as comparable maps keyed by id. */
  Map<String, Map<String, Object>> snapshot() {
    Map<String, Map<String, Object>> out = new java.util.TreeMap<>();
    calls.forEach((k, v) -> out.put("calls/" + k, v.doc().asMap()));
    queue.forEach((k, v) -> out.put("queue/" + k, v.doc().asMap()));
    return out;
  }
}
