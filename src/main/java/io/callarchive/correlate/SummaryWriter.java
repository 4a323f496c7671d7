package io.callarchive.correlate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.index.BulkIndexer;
import io.callarchive.index.BulkIndexer.Outcome;
import io.callarchive.index.SummaryStore;
import io.callarchive.index.SummaryStore.Ref;
import io.callarchive.index.SummaryStore.Stored;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.pipeline.DocIds;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges summaries into the index without scripts (the minimal Elasticsearch has no painless). The merge itself is
 * pure ({@link CallSummary}); the reads go through {@link SummaryStore} and every write through the
 * {@link BulkIndexer}, so summaries get the same failure sorting, backoff, dead letters and counters as events.
 *
 * <p>Two paths. A <em>whole</em> summary (the import saw every leg of the session from its creation to its end,
 * see {@link SummarySink#write(IndexDoc, boolean, Map)}) is written once with {@code op_type=create} and no
 * look-up; should its id be taken after all (the same content imported before), it takes the other path. Any
 * other summary looks up what may be stored of its session by id with one real-time multi-get per batch: the ids
 * its keys give ({@code call.id} is always one of a session's keys) in the months around its start, and the ids
 * this writer wrote recently under the same keys. It merges in Java, then writes under
 * {@code if_seq_no}/{@code if_primary_term} (or {@code create} when new); a conflict (another writer got there
 * first) reads and merges again. Stored documents the merge absorbed (another canonical id or month) are deleted
 * under the same check; a {@code calls} write also rewrites its per-call {@code quality} document, a pure function
 * of the merged call. No refresh is ever needed: a multi-get sees every acknowledged write.
 *
 * <p>Not thread-safe: called from the pipeline's thread; the indexer's callbacks only queue work for that thread.
 */
public final class SummaryWriter implements SummarySink {
  private static final Logger log = LoggerFactory.getLogger(SummaryWriter.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ATTEMPTS = 20;
  /** Keys of summaries written lately, so that a later part of the same session in this run finds them by id. */
  private static final int RECENT_KEYS = 200_000;

  private final BulkIndexer indexer;
  private final SummaryStore store;
  private final CallSummary summary;
  private final int batchSize;

  /** A summary on its way: the document, whether it is whole, the offsets it holds, how often it was merged. */
  private static final class Entry {
    IndexDoc doc;
    boolean whole;
    Map<String, Long> holds;
    int attempts;
    /** Writes of this entry not yet acknowledged. */
    int ops;
    boolean again;
    final Set<Ref> writing = new HashSet<>();

    Entry(IndexDoc doc, boolean whole, Map<String, Long> holds) {
      this.doc = doc;
      this.whole = whole;
      this.holds = holds;
    }
  }

  private List<Entry> pending = new ArrayList<>();
  private final List<Entry> inFlight = new ArrayList<>();
  private final List<Entry> again = new ArrayList<>();
  private final ConcurrentLinkedQueue<Runnable> completions = new ConcurrentLinkedQueue<>();
  /** Where each recently written key's summary is (observer-qualified key). */
  private final LinkedHashMap<String, Ref> recent = new LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Ref> eldest) {
      return size() > RECENT_KEYS;
    }
  };
  /** Documents being written now: a look-up must wait for them, or it could miss them. */
  private final Map<Ref, Integer> writing = new HashMap<>();

  public final LongAdder written = new LongAdder();
  private final Map<IndexType, LongAdder> writtenByType = new java.util.EnumMap<>(Map.of(
      IndexType.CALLS, new LongAdder(), IndexType.QUEUE, new LongAdder()));
  public final LongAdder unchanged = new LongAdder();
  public final LongAdder absorbed = new LongAdder();
  public final LongAdder conflicts = new LongAdder();
  public final LongAdder wholeWrites = new LongAdder();
  public final LongAdder mergedWrites = new LongAdder();

  public SummaryWriter(BulkIndexer indexer, SummaryStore store, HangupCauses causes, int batchSize) {
    this.indexer = indexer;
    this.store = store;
    this.summary = new CallSummary(causes);
    this.batchSize = batchSize;
  }

  public SummaryWriter(BulkIndexer indexer, SummaryStore store, HangupCauses causes) {
    this(indexer, store, causes, 2000);
  }

  @Override
  public void write(IndexDoc doc) {
    write(doc, false, Map.of());
  }

  @Override
  public void write(IndexDoc doc, boolean whole, Map<String, Long> holds) {
    if (doc.type() != IndexType.CALLS && doc.type() != IndexType.QUEUE) {
      throw new IllegalArgumentException("only calls and queue summaries are merged, got " + doc.type());
    }
    pending.add(new Entry(doc, whole, holds));
    if (pending.size() >= batchSize) process();
  }

  @Override
  public void tick() {
    process();
  }

  @Override
  public void flush() {
    process();
    while (!pending.isEmpty() || !inFlight.isEmpty() || !again.isEmpty()) {
      // every callback has run once the indexer has nothing outstanding
      indexer.flush();
      process();
    }
  }

  @Override
  public long held(String origin) {
    long min = Long.MAX_VALUE;
    for (List<Entry> l : List.of(pending, inFlight, again)) {
      for (Entry e : l) {
        Long h = e.holds.get(origin);
        if (h != null && h < min) min = h;
      }
    }
    return min;
  }

  /** Summaries of a type written (new or merged) so far. */
  public long written(IndexType type) {
    LongAdder a = writtenByType.get(type);
    return a == null ? 0 : a.sum();
  }

  /** Runs what the indexer reported, then writes what is pending and what must be merged again. */
  private void process() {
    for (Runnable r; (r = completions.poll()) != null; ) r.run();
    List<Entry> lookups = new ArrayList<>();
    if (!pending.isEmpty()) {
      List<Entry> batch = mergeAmong(pending);
      pending = new ArrayList<>();
      for (Entry e : batch) {
        if (e.whole && !anyRecent(e)) writeWhole(e);
        else lookups.add(e);
      }
    }
    // a look-up waits until no write of a document it could find is in flight
    for (var it = again.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.ops == 0 && !busy(e)) {
        it.remove();
        lookups.add(e);
      }
    }
    List<Entry> ready = new ArrayList<>();
    for (Entry e : lookups) {
      if (busy(e)) again.add(e);
      else ready.add(e);
    }
    if (!ready.isEmpty()) lookUpAndWrite(ready);
  }

  private boolean anyRecent(Entry e) {
    for (String k : qualifiedKeys(e.doc)) if (recent.containsKey(k)) return true;
    return false;
  }

  private boolean busy(Entry e) {
    if (writing.isEmpty()) return false;
    for (Ref r : candidates(e.doc)) if (writing.containsKey(r)) return true;
    return false;
  }

  private void writeWhole(Entry e) {
    wholeWrites.increment();
    inFlight.add(e);
    remember(e.doc);
    Ref ref = ref(e.doc);
    start(e, ref);
    indexer.create(e.doc, null, outcome -> completions.add(() -> {
      finish(e, ref);
      switch (outcome) {
        case WRITTEN -> {
          counted(e.doc);
          writeQuality(e, e.doc);
        }
        // the id is taken: the same session was imported before, so merge with it
        case EXISTS, CONFLICT -> retry(e);
        default -> {}
      }
      settle(e);
    }));
  }

  /** One multi-get for the batch, then a merge and a write per summary. */
  private void lookUpAndWrite(List<Entry> batch) {
    List<Ref> refs = new ArrayList<>();
    for (Entry e : batch) refs.addAll(candidates(e.doc));
    List<Stored> found = store.get(refs);
    Map<String, List<Stored>> byKey = new HashMap<>();
    for (Stored st : found) {
      IndexType type = st.index().startsWith(IndexType.CALLS.alias()) ? IndexType.CALLS : IndexType.QUEUE;
      for (String k : qualifiedKeys(type, st.doc())) byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(st);
    }
    for (Entry e : batch) {
      List<Stored> stored = new ArrayList<>();
      for (String k : qualifiedKeys(e.doc)) {
        for (Stored st : byKey.getOrDefault(k, List.of())) if (!stored.contains(st)) stored.add(st);
      }
      mergeAndWrite(e, stored);
    }
  }

  private void mergeAndWrite(Entry e, List<Stored> stored) {
    IndexDoc fresh = e.doc;
    List<Doc> docs = new ArrayList<>();
    for (Stored st : stored) docs.add(st.doc());
    docs.add(fresh.doc());
    IndexDoc merged = stored.isEmpty() ? fresh : mergeDocs(fresh.type(), docs);
    String index = DocIds.indexName(merged.type(), merged.timestamp());
    Stored target = null;
    for (Stored st : stored) if (st.index().equals(index) && st.id().equals(merged.id())) target = st;
    if (target != null && stored.size() == 1 && sameContent(target.doc(), merged.doc())) {
      unchanged.increment();
      return;
    }
    mergedWrites.increment();
    inFlight.add(e);
    remember(merged);
    List<Stored> absorbedDocs = new ArrayList<>();
    for (Stored st : stored) if (st != target) absorbedDocs.add(st);
    Ref ref = new Ref(index, merged.id());
    start(e, ref);
    BulkIndexer.Callback after = outcome -> completions.add(() -> {
      finish(e, ref);
      switch (outcome) {
        case WRITTEN -> {
          counted(merged);
          for (Stored st : absorbedDocs) deleteAbsorbed(e, st, merged);
          writeQuality(e, merged);
        }
        case EXISTS, CONFLICT -> retry(e);
        default -> {}
      }
      settle(e);
    });
    if (target != null) indexer.replace(merged, target.seqNo(), target.primaryTerm(), null, after);
    else indexer.create(merged, null, after);
  }

  private void deleteAbsorbed(Entry e, Stored st, IndexDoc merged) {
    absorbed.increment();
    IndexType type = merged.type();
    Ref ref = new Ref(st.index(), st.id());
    start(e, ref);
    indexer.delete(type, st.index(), st.id(), st.seqNo(), st.primaryTerm(), null, outcome -> completions.add(() -> {
      finish(e, ref);
      // an absorbed document that changed meanwhile: merging again takes its new state in (idempotent)
      if (outcome == Outcome.CONFLICT) retry(e);
      settle(e);
    }));
    if (type == IndexType.CALLS) {
      Ref q = absorbedQuality(st.doc(), merged);
      if (q != null) {
        start(e, q);
        indexer.delete(IndexType.QUALITY, q.index(), q.id(), -1, -1, null, outcome -> completions.add(() -> {
          finish(e, q);
          settle(e);
        }));
      }
    }
  }

  private void writeQuality(Entry e, IndexDoc call) {
    if (call.type() != IndexType.CALLS) return;
    IndexDoc q = CallSummary.quality(call);
    if (q == null) return;
    Ref ref = ref(q);
    start(e, ref);
    indexer.overwrite(q, null, outcome -> completions.add(() -> {
      finish(e, ref);
      settle(e);
    }));
  }

  private void start(Entry e, Ref ref) {
    e.ops++;
    e.writing.add(ref);
    writing.merge(ref, 1, Integer::sum);
  }

  private void finish(Entry e, Ref ref) {
    e.ops--;
    writing.computeIfPresent(ref, (k, n) -> n == 1 ? null : n - 1);
  }

  /** Merge the entry again (from what is stored now) once its writes in flight are done. */
  private void retry(Entry e) {
    e.again = true;
  }

  private void settle(Entry e) {
    if (e.ops > 0) return;
    inFlight.remove(e);
    e.writing.clear();
    if (!e.again) return;
    e.again = false;
    conflicts.increment();
    if (++e.attempts > MAX_ATTEMPTS) {
      throw new IllegalStateException(
          "the " + e.doc.type().typeName() + " summary " + e.doc.id() + " kept conflicting with other writers");
    }
    log.debug("summary {} changed under us (attempt {}), merging it again", e.doc.id(), e.attempts);
    e.whole = false;
    again.add(e);
  }

  private void counted(IndexDoc doc) {
    written.increment();
    writtenByType.get(doc.type()).increment();
  }

  private void remember(IndexDoc doc) {
    Ref ref = ref(doc);
    for (String k : qualifiedKeys(doc)) recent.put(k, ref);
  }

  private static Ref ref(IndexDoc doc) {
    return new Ref(DocIds.indexName(doc.type(), doc.timestamp()), doc.id());
  }

  /**
   * Where stored parts of a summary's session can be: the id of each of its keys (a stored part's canonical id is
   * one of its keys, which it shares with this part) in the month of the summary's start and the months beside it
   * (a part that saw another first leg starts at another time), and where this run wrote its keys lately.
   */
  private List<Ref> candidates(IndexDoc d) {
    List<Ref> out = new ArrayList<>();
    String observer = Objects.toString(d.doc().getString("observer.name"), "");
    YearMonth month = YearMonth.from(d.timestamp().atOffset(ZoneOffset.UTC));
    List<String> indices = new ArrayList<>(3);
    for (int delta = -1; delta <= 1; delta++) {
      Instant t = month.plusMonths(delta).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
      indices.add(DocIds.indexName(d.type(), t));
    }
    List<String> keys = rawKeys(d.type(), d.doc());
    for (String k : keys) {
      String id = d.type() == IndexType.CALLS ? CallSummary.callId(observer, k) : CallSummary.queueId(observer, k);
      for (String index : indices) out.add(new Ref(index, id));
    }
    for (String k : qualifiedKeys(d)) {
      Ref r = recent.get(k);
      if (r != null) out.add(r);
    }
    return out;
  }

  /** Groups pending summaries that share a key (same observer) and merges each group. */
  private List<Entry> mergeAmong(List<Entry> batch) {
    List<List<Entry>> groups = new ArrayList<>();
    Map<String, List<Entry>> byKey = new HashMap<>();
    for (Entry d : batch) {
      List<Entry> group = null;
      List<String> keys = qualifiedKeys(d.doc);
      for (String k : keys) {
        List<Entry> g = byKey.get(k);
        if (g == null || g == group) continue;
        if (group == null) {
          group = g;
        } else {
          // two groups met through this summary: fold the second into the first
          group.addAll(g);
          for (Map.Entry<String, List<Entry>> e : byKey.entrySet()) if (e.getValue() == g) e.setValue(group);
          List<Entry> gone = g;
          groups.removeIf(x -> x == gone);
        }
      }
      if (group == null) {
        group = new ArrayList<>();
        groups.add(group);
      }
      group.add(d);
      for (String k : keys) byKey.put(k, group);
    }
    List<Entry> out = new ArrayList<>();
    for (List<Entry> g : groups) {
      if (g.size() == 1) {
        out.add(g.get(0));
        continue;
      }
      List<Doc> docs = new ArrayList<>();
      Map<String, Long> holds = new HashMap<>();
      for (Entry e : g) {
        docs.add(e.doc.doc());
        e.holds.forEach((o, off) -> holds.merge(o, off, Math::min));
      }
      IndexDoc m = mergeDocs(g.get(0).doc.type(), docs);
      // a session handed over in several parts is not whole: an earlier part may be stored already
      if (m != null) out.add(new Entry(m, false, holds));
    }
    return out;
  }

  private IndexDoc mergeDocs(IndexType type, List<Doc> docs) {
    return type == IndexType.CALLS ? summary.mergeCalls(docs) : CallSummary.mergeQueue(docs);
  }

  private static String keysField(IndexType type) {
    return type == IndexType.CALLS ? "call.keys" : "queue.keys";
  }

  private static List<String> rawKeys(IndexType type, Doc d) {
    List<String> out = new ArrayList<>();
    if (d.get(keysField(type)) instanceof List<?> l) for (Object k : l) out.add(String.valueOf(k));
    return out;
  }

  private static List<String> qualifiedKeys(IndexDoc d) {
    return qualifiedKeys(d.type(), d.doc());
  }

  private static List<String> qualifiedKeys(IndexType type, Doc d) {
    List<String> out = new ArrayList<>();
    String observer = Objects.toString(d.getString("observer.name"), "");
    for (String k : rawKeys(type, d)) out.add(type + "\u0001" + observer + "\u0001" + k);
    return out;
  }

  /** Where the per-call quality document of an absorbed call was, unless the merged call keeps the same one. */
  private static Ref absorbedQuality(Doc absorbedCall, IndexDoc merged) {
    String callId = absorbedCall.getString("call.id");
    String ts = absorbedCall.getString("@timestamp");
    if (callId == null || ts == null) return null;
    String id = CallSummary.qualityId(absorbedCall.getString("observer.name"), callId);
    String index = DocIds.indexName(IndexType.QUALITY, Instant.parse(ts));
    if (id.equals(CallSummary.qualityId(merged.doc().getString("observer.name"), merged.doc().getString("call.id")))
        && index.equals(DocIds.indexName(IndexType.QUALITY, merged.timestamp()))) {
      return null;
    }
    return new Ref(index, id);
  }

  private static boolean sameContent(Doc a, Doc b) {
    return JSON.valueToTree(a.asMap()).equals(JSON.valueToTree(b.asMap()));
  }
}
