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

    OpenStay(String observer, String dataset, QueueStay stay) {
      this.observer = observer;
      this.dataset = dataset;
      this.stay = stay;
    }
  }

  /** Takes one normalised event (type EVENTS); null and other types are ignored. */
  public void accept(IndexDoc event) {
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
    }
    for (String[] link : o.links) find(observer, link[0]).last = LegState.max(find(observer, link[0]).last, t);
    for (QueueStay st : o.stays) {
      String key = observer + '\u0001' + st.key;
      OpenStay open = stays.computeIfAbsent(key, k -> new OpenStay(observer, dataset, new QueueStay(st.key)));
      open.stay.merge(st);
      open.last = LegState.max(open.last, t);
    }
    if (++sinceSweep >= SWEEP_EVERY || sessions.size() > settings.maxOpenCalls()) {
      sinceSweep = 0;
      sweep();
    }
  }

  /** Writes every open session and stay as it stands (incomplete where legs are open) and forgets them. */
  public void flush() {
    for (Session s : new ArrayList<>(sessions.keySet())) emit(s);
    for (String k : new ArrayList<>(stays.keySet())) emitStay(k);
    sink.flush();
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
      if ((s.ended() && !s.last.isAfter(graceLimit)) || !s.last.isAfter(idleLimit)) emit(s);
    }
    if (sessions.size() > settings.maxOpenCalls()) {
      List<Session> oldest = new ArrayList<>(sessions.keySet());
      oldest.sort(Comparator.comparing((Session s) -> s.last, Comparator.nullsFirst(Comparator.naturalOrder())));
      for (int i = 0; i < oldest.size() - settings.maxOpenCalls(); i++) emit(oldest.get(i));
    }
    for (String k : new ArrayList<>(stays.keySet())) {
      OpenStay st = stays.get(k);
      boolean done = st.stay.outcome() != null && (st.stay.leave != null || st.stay.complete != null);
      if ((done && !st.last.isAfter(graceLimit)) || !st.last.isAfter(idleLimit)) emitStay(k);
    }
  }

  private void emit(Session s) {
    sessions.remove(s);
    for (String k : s.keys) byKey.remove(s.observer + '\u0001' + k);
    IndexDoc doc = summary.call(s.observer, s.dataset, s.legs.values(), s.keys);
    if (doc != null) {
      sink.write(doc);
      callsWritten.increment();
    }
  }

  private void emitStay(String key) {
    OpenStay st = stays.remove(key);
    sink.write(CallSummary.queue(st.observer, st.dataset, st.stay));
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
    sessions.remove(b);
  }
}
