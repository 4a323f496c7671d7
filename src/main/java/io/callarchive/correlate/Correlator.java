package io.callarchive.correlate;

import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;

/**
 * Assembles normalised events into call sessions and queue stays (event-sources §6) and hands their summaries to
 * a {@link SummarySink}. Fed with every events document after enrichment; documents of other types are ignored.
 *
 * <p>Sessions are per observer: every identifier an event names (leg, peer leg, session key) maps to one open
 * session, and an event naming identifiers of two sessions merges them (union by size). State is bounded: a
 * session is written and forgotten once all its legs ended and {@link CorrelatorSettings#grace} passed in event
 * time, or after {@link CorrelatorSettings#idleTimeout} without events (incomplete), or when more than
 * {@link CorrelatorSettings#maxOpenCalls} are open. What arrives later for a forgotten session starts a new one
 * whose summary the sink merges with the stored document. {@link #flush} writes everything still open (at the end
 * of an import). Not thread-safe: one correlator per pipeline.
 */
public final class Correlator {
  private static final int SWEEP_EVERY = 1024;

  private final CorrelatorSettings settings;
  private final CallSummary summary;
  private final SummarySink sink;
  private final Map<String, Session> byKey = new HashMap<>();
  private final Map<Session, Boolean> sessions = new IdentityHashMap<>();
  private final Map<String, OpenStay> stays = new HashMap<>();
  private Instant clock;
  private int sinceSweep;

  public final LongAdder callsWritten = new LongAdder();
  public final LongAdder staysWritten = new LongAdder();

  public Correlator(CorrelatorSettings settings, HangupCauses causes, SummarySink sink) {
    this.settings = settings;
    this.summary = new CallSummary(causes);
    this.sink = sink;
  }

  private static final class Session {
    final String observer;
    final String dataset;
    final Map<String, LegState> legs = new LinkedHashMap<>();
    final TreeSet<String> keys = new TreeSet<>();
    Instant last;
    /** Per origin, the offset of the earliest piece this session was made from. */
    final Map<String, Long> holds = new HashMap<>(2);
    /** Some of its pieces were replayed after a restart: parts of it may be stored already. */
    boolean replayed;
    /** Changed since {@link #writeOpen} last wrote it. */
    boolean dirty;

    Session(String observer, String dataset) {
      this.observer = observer;
      this.dataset = dataset;
    }

    boolean ended() {
      return !legs.isEmpty() && legs.values().stream().allMatch(l -> l.end != null);
    }
  }

  private static final class OpenStay {
    final String observer;
    final String dataset;
    final QueueStay stay;
    Instant last;
    final Map<String, Long> holds = new HashMap<>(2);
    boolean replayed;

    OpenStay(String observer, String dataset, QueueStay stay) {
      this.observer = observer;
      this.dataset = dataset;
      this.stay = stay;
    }
  }

  /** Takes one normalised event (type EVENTS); null and other types are ignored. */
  public void accept(IndexDoc event) {
    accept(event, false);
  }

  /**
   * Takes one normalised event; {@code replayed} says it was read again after a restart to rebuild the sessions
   * open at the last checkpoint (its documents are indexed already, and parts of its session may be stored).
   */
  public void accept(IndexDoc event, boolean replayed) {
    if (event == null || event.type() != IndexType.EVENTS || event.timestamp() == null) return;
    String dataset = event.doc().getString("event.dataset");
    Observation o = new Observation(event);
    CallRules.forDataset(dataset).observe(o);
    String named = o.common("observer.name");
    final String observer = named == null ? "" : named;
    Instant t = event.timestamp();
    if (clock == null || t.isAfter(clock)) clock = t;
    for (String[] link : o.links) union(session(observer, dataset, link[0]), session(observer, dataset, link[1]));
    for (LegState fragment : o.legs.values()) {
      Session s = session(observer, dataset, fragment.id);
      s.legs.merge(fragment.id, fragment, (x, y) -> {
        x.mergeEvents(y);
        return x;
      });
      s.last = LegState.max(s.last, t);
      hold(s.holds, event);
      s.replayed |= replayed;
      s.dirty = true;
    }
    for (String[] link : o.links) find(observer, link[0]).last = LegState.max(find(observer, link[0]).last, t);
    for (QueueStay st : o.stays) {
      String key = observer + '\u0001' + st.key;
      OpenStay open = stays.computeIfAbsent(key, k -> new OpenStay(observer, dataset, new QueueStay(st.key)));
      open.stay.merge(st);
      open.last = LegState.max(open.last, t);
      hold(open.holds, event);
      open.replayed |= replayed;
    }
    if (++sinceSweep >= SWEEP_EVERY || sessions.size() > settings.maxOpenCalls()) {
      sinceSweep = 0;
      sweep();
    }
  }

  private static void hold(Map<String, Long> holds, IndexDoc event) {
    if (event.provenance() == null) return;
    holds.merge(event.provenance().origin(), event.provenance().offset(), Math::min);
  }

  /** Writes every open session and stay as it stands (incomplete where legs are open) and forgets them. */
  public void flush() {
    for (Session s : new ArrayList<>(sessions.keySet())) emit(s, false);
    for (String k : new ArrayList<>(stays.keySet())) emitStay(k, false);
    sink.flush();
  }

  /**
   * A live pipeline's heartbeat: time passes even when no event comes, so calls that ended are written once their
   * grace has passed on the wall clock, and summaries already handed over make progress.
   */
  public void tick(Instant now) {
    if (now != null && (clock == null || now.isAfter(clock))) clock = now;
    sweep();
    sink.tick();
  }

  /**
   * The earliest offset of {@code origin} that an open session or stay, or a summary not yet acknowledged, was made
   * from (MAX_VALUE: none). Input before it can be released: everything made from it is in the index.
   */
  public long held(String origin) {
    long min = sink.held(origin);
    for (Session s : sessions.keySet()) {
      Long h = s.holds.get(origin);
      if (h != null && h < min) min = h;
    }
    for (OpenStay st : stays.values()) {
      Long h = st.holds.get(origin);
      if (h != null && h < min) min = h;
    }
    return min;
  }

  /**
   * Writes, as they stand, the sessions and stays that hold input of {@code origin} before {@code offset}, so that a
   * restart need not go back that far; a later part of them merges with what they wrote.
   */
  public void release(String origin, long offset) {
    for (Session s : new ArrayList<>(sessions.keySet())) {
      Long h = s.holds.get(origin);
      if (h != null && h < offset) emit(s, false);
    }
    for (String k : new ArrayList<>(stays.keySet())) {
      Long h = stays.get(k).holds.get(origin);
      if (h != null && h < offset) emitStay(k, false);
    }
  }

  /** How many sessions are held in memory now. */
  public int openSessions() {
    return sessions.size();
  }

  /** Writes and forgets what is finished (ended + grace) or idle; then trims to the open-session bound. */
  public void sweep() {
    if (clock == null) return;
    Instant graceLimit = clock.minus(settings.grace());
    Instant idleLimit = clock.minus(settings.idleTimeout());
    for (Session s : new ArrayList<>(sessions.keySet())) {
      if (s.last == null) continue;
      if (s.ended() && !s.last.isAfter(graceLimit)) emit(s, true);
      else if (!s.last.isAfter(idleLimit)) emit(s, false);
    }
    if (sessions.size() > settings.maxOpenCalls()) {
      List<Session> oldest = new ArrayList<>(sessions.keySet());
      oldest.sort(Comparator.comparing((Session s) -> s.last, Comparator.nullsFirst(Comparator.naturalOrder())));
      for (int i = 0; i < oldest.size() - settings.maxOpenCalls(); i++) emit(oldest.get(i), false);
    }
    for (String k : new ArrayList<>(stays.keySet())) {
      OpenStay st = stays.get(k);
      boolean done = st.stay.outcome() != null && (st.stay.leave != null || st.stay.complete != null);
      if (done && !st.last.isAfter(graceLimit)) emitStay(k, true);
      else if (!st.last.isAfter(idleLimit)) emitStay(k, false);
    }
  }

  /** @param settled written because it ended and its grace passed, not because of a bound or the end of input */
  private void emit(Session s, boolean settled) {
    sessions.remove(s);
    for (String k : s.keys) byKey.remove(s.observer + '\u0001' + k);
    IndexDoc doc = summary.call(s.observer, s.dataset, s.legs.values(), s.keys);
    if (doc != null) {
      sink.write(doc, settled && whole(s), Map.copyOf(s.holds));
      callsWritten.increment();
    }
  }

  /**
   * True when no other input can hold a part of the session: nothing of it was replayed, every leg was created and
   * ended in what this run read, and every key is one of those legs or a session key of this run's own legs
   * (a key naming a leg the run never saw, such as a transfer's other call, points to a part stored elsewhere).
   */
  private static boolean whole(Session s) {
    if (s.replayed || s.legs.isEmpty()) return false;
    for (LegState l : s.legs.values()) if (!l.created || l.end == null) return false;
    for (String k : s.keys) if (!s.legs.containsKey(k) && !sessionKey(k)) return false;
    return true;
  }

  /** Keys the rules make for sessions, never for legs (event-sources §6; CcsRules, KazooRules, AriRules). */
  private static boolean sessionKey(String k) {
    return k.startsWith("seance:") || k.startsWith("connection:") || k.startsWith("interaction:")
        || k.startsWith("bridge:");
  }

  private void emitStay(String key, boolean settled) {
    OpenStay st = stays.remove(key);
    boolean whole = settled && !st.replayed && st.stay.join != null;
    sink.write(CallSummary.queue(st.observer, st.dataset, st.stay), whole, Map.copyOf(st.holds));
    staysWritten.increment();
  }

  private Session find(String observer, String key) {
    return byKey.get(observer + '\u0001' + key);
  }

  private Session session(String observer, String dataset, String key) {
    Session s = find(observer, key);
    if (s == null) {
      s = new Session(observer, dataset);
      s.keys.add(key);
      byKey.put(observer + '\u0001' + key, s);
      sessions.put(s, Boolean.TRUE);
    }
    return s;
  }

  /** Merges the smaller session into the larger (so each key moves O(log n) times). */
  private void union(Session a, Session b) {
    if (a == b) return;
    if (a.keys.size() < b.keys.size()) {
      Session t = a;
      a = b;
      b = t;
    }
    for (String k : b.keys) byKey.put(b.observer + '\u0001' + k, a);
    a.keys.addAll(b.keys);
    for (LegState l : b.legs.values()) {
      a.legs.merge(l.id, l, (x, y) -> {
        x.mergeEvents(y);
        return x;
      });
    }
    a.last = LegState.max(a.last, b.last);
    for (Map.Entry<String, Long> h : b.holds.entrySet()) a.holds.merge(h.getKey(), h.getValue(), Math::min);
    a.replayed |= b.replayed;
    a.dirty |= b.dirty;
    sessions.remove(b);
  }

  // --- live streaming: running calls are shown, and a source's gap ends its open calls ---

  /**
   * Writes the summary of every session that changed since the last call, as it stands ({@code call.complete:
   * false} while legs are open), and keeps it open: the sink merges the later, fuller summary with it.
   */
  public void writeOpen() {
    for (Session s : sessions.keySet()) {
      if (!s.dirty) continue;
      s.dirty = false;
      IndexDoc doc = summary.call(s.observer, s.dataset, s.legs.values(), s.keys);
      if (doc != null) sink.write(doc, false, Map.copyOf(s.holds));
    }
  }

  /**
   * Writes and forgets every session and stay of {@code observer} as it stands: its source had a gap, so open
   * calls end incomplete; what arrives for them later starts a session the sink merges with what was written.
   */
  public void closeObserver(String observer) {
    String o = observer == null ? "" : observer;
    for (Session s : new ArrayList<>(sessions.keySet())) if (s.observer.equals(o)) emit(s, false);
    for (String k : new ArrayList<>(stays.keySet())) if (stays.get(k).observer.equals(o)) emitStay(k, false);
  }
}
