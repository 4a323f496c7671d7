package io.callarchive.correlate;

import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.pipeline.DocIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the {@code calls}, per-call {@code quality} and {@code queue} documents from mergeable state, and merges
 * documents already indexed with new state. Everything here is a pure function of the state, so the same legs
 * give the same document whatever order they were learnt in. Thread-safe (stateless apart from the cause table).
 *
 * <p>Which leg's cause is the call's cause: the originating leg's (the earliest non-plumbing leg) when the call
 * was answered, or when that cause says more than "normal clearing". An unanswered call whose originating leg
 * ended with 16/31 (which is what Asterisk and FreeSWITCH dialplans report after a failed Dial) takes the first
 * informative cause of the dialled legs, where a Dial status (BUSY, NOANSWER, ...) counts as a cause: that is what
 * the caller heard. See docs/decisions/call-correlation.md.
 */
public final class CallSummary {
  private final HangupCauses causes;

  public CallSummary(HangupCauses causes) {
    this.causes = causes;
  }

  static final Comparator<LegState> BY_BEGIN =
      Comparator.comparing(LegState::begin, Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(l -> l.id);

  /** The {@code calls} document of a session, or null when no leg is known. */
  IndexDoc call(String observer, String dataset, Collection<LegState> legStates, Set<String> keys) {
    if (legStates.isEmpty()) return null;
    List<LegState> legs = new ArrayList<>(legStates);
    legs.sort(BY_BEGIN);
    List<LegState> real = legs.stream().filter(l -> !l.plumbing).toList();
    if (real.isEmpty()) real = legs;
    LegState a = real.get(0);
    String callId = a.callId.value() != null ? a.callId.value() : a.id;

    Instant start = null, answer = null, end = null;
    boolean complete = true, transferred = false, srtp = false;
    TreeSet<String> codecs = new TreeSet<>();
    LegState.Stamped queue = LegState.Stamped.NONE;
    Double mosMin = null, lossMax = null, jitterMax = null, rttMax = null, charge = null;
    String currency = null;
    double mosSum = 0;
    long mosCount = 0;
    TreeSet<String> channels = new TreeSet<>();
    for (LegState l : legs) {
      start = LegState.min(start, l.begin());
      answer = LegState.min(answer, l.answer);
      end = LegState.max(end, l.end);
      complete &= l.end != null;
      transferred |= l.transferred;
      srtp |= l.srtp;
      codecs.addAll(l.codecs);
      queue = queue.earliest(l.queue);
      if (l.name.value() != null) channels.add(l.name.value());
      if (l.mosMin != null) mosMin = mosMin == null ? l.mosMin : Math.min(mosMin, l.mosMin);
      lossMax = max(lossMax, l.lossMax);
      jitterMax = max(jitterMax, l.jitterMax);
      rttMax = max(rttMax, l.rttMax);
      mosSum += l.mosSum;
      mosCount += l.mosCount;
      if (l.chargeAmount != null) {
        charge = (charge == null ? 0 : charge) + l.chargeAmount;
        if (currency == null) currency = l.chargeCurrency;
      }
    }
    boolean answered = answer != null;
    Doc d = new Doc();
    d.put("@timestamp", start.toString());
    d.put("event.kind", "event");
    d.put("event.category", List.of("session"));
    d.put("event.type", List.of("info"));
    d.put("event.dataset", dataset);
    d.put("event.outcome", !complete ? "unknown" : answered ? "success" : "failure");
    d.put("observer.name", observer);
    d.put("call.id", callId);
    d.put("call.keys", new ArrayList<>(new TreeSet<>(keys)));
    d.put("call.channels", new ArrayList<>(channels));
    d.put("call.legs", real.size());
    d.put("call.direction", direction(a, real));
    d.put("call.answered", answered);
    d.put("call.start", start.toString());
    if (answered) {
      d.put("call.answer", answer.toString());
      d.put("call.ring_s", QueueStay.seconds(start, answer));
    }
    d.put("call.complete", complete);
    if (complete) {
      d.put("call.end", end.toString());
      d.put("call.duration_s", QueueStay.seconds(start, end));
      d.put("call.billsec_s", answered ? QueueStay.seconds(answer, end) : 0.0);
    }
    d.put("call.transferred", transferred);
    d.put("caller.number", a.callerNumber.value());
    d.put("caller.name", a.callerName.value());
    LegState b = real.size() > 1 ? real.get(1) : null;
    String calleeNumber = a.dialed.value() != null ? a.dialed.value() : a.calleeNumber.value();
    if (calleeNumber == null && b != null) calleeNumber = b.callerNumber.value();
    d.put("callee.number", calleeNumber);
    String calleeName = a.calleeName.value();
    if (calleeName == null && b != null && calleeNumber != null && calleeNumber.equals(b.callerNumber.value())) {
      calleeName = b.callerName.value();
    }
    if (calleeName == null && b != null && calleeNumber != null && calleeNumber.equals(b.calleeNumber.value())) {
      // FreeSWITCH, Kazoo and ARI name the reached party on the dialled leg's callee (Caller-Callee-ID-*,
      // Callee-ID-*, the Dial peer's caller id; event-sources §3.6, §4.3, §2.4), there while it rings, before any
      // answer
      calleeName = b.calleeName.value();
    }
    d.put("callee.name", calleeName);
    cause(d, a, real, answered);
    if (!codecs.isEmpty()) d.put("sdp.codecs", new ArrayList<>(codecs));
    if (!codecs.isEmpty() || srtp) d.put("sdp.srtp", srtp);
    d.put("quality.mos_min", mosMin);
    if (mosCount > 0) d.put("quality.mos_avg", round(mosSum / mosCount));
    d.put("quality.loss_pct_max", lossMax);
    d.put("quality.jitter_ms_max", jitterMax);
    d.put("quality.rtt_ms_max", rttMax);
    d.put("charge.amount", charge);
    d.put("charge.currency", currency);
    d.put("queue.name", queue.value());
    List<Object> detail = new ArrayList<>();
    for (LegState l : legs) detail.add(l.toMap());
    d.put("call.legs_detail", detail);
    Instant ts = start;
    return new IndexDoc(IndexType.CALLS, callId(observer, callId), ts, d, null, null);
  }

  /** The id of the calls document whose {@code call.id} is {@code callId}. */
  static String callId(String observer, String callId) {
    return DocIds.of("calls", observer, callId);
  }

  /** The id of the queue document of the stay {@code key}. */
  static String queueId(String observer, String key) {
    return DocIds.of("queue", observer, key);
  }

  /** The per-call quality summary ({@code quality.kind: call}) of a calls document, or null without reports. */
  public static IndexDoc quality(IndexDoc call) {
    Doc c = call.doc();
    if (c.get("quality.mos_min") == null && c.get("quality.loss_pct_max") == null
        && c.get("quality.jitter_ms_max") == null && c.get("quality.rtt_ms_max") == null) {
      return null;
    }
    Doc d = new Doc();
    d.put("@timestamp", c.getString("@timestamp"));
    d.put("event.kind", "metric");
    d.put("event.dataset", c.getString("event.dataset"));
    d.put("observer.name", c.getString("observer.name"));
    d.put("quality.kind", "call");
    d.put("call.id", c.getString("call.id"));
    for (String k : new String[] {"mos_min", "mos_avg", "loss_pct_max", "jitter_ms_max", "rtt_ms_max"}) {
      d.put("quality." + k, c.get("quality." + k));
    }
    d.put("caller.number", c.getString("caller.number"));
    d.put("callee.number", c.getString("callee.number"));
    d.put("call.legs", c.get("call.legs"));
    d.put("sdp.codecs", c.get("sdp.codecs"));
    return new IndexDoc(
        IndexType.QUALITY, qualityId(c.getString("observer.name"), c.getString("call.id")), call.timestamp(), d,
        null, null);
  }

  static String qualityId(String observer, String callId) {
    return DocIds.of("quality-call", observer, callId);
  }

  /** The {@code queue} document of a stay. */
  static IndexDoc queue(String observer, String dataset, QueueStay st) {
    Doc d = new Doc();
    Instant ts = st.begin();
    d.put("@timestamp", ts.toString());
    d.put("event.kind", "event");
    d.put("event.category", List.of("session"));
    d.put("event.dataset", dataset);
    d.put("observer.name", observer);
    st.summarise(d);
    d.put("queue.keys", List.of(st.key));
    d.put("queue.state", st.toMap());
    return new IndexDoc(IndexType.QUEUE, queueId(observer, st.key), ts, d, null, null);
  }

  // --- merging with what is indexed ---

  /** Merges calls documents (stored and new) of one session into one document. */
  public IndexDoc mergeCalls(List<Doc> docs) {
    Map<String, LegState> legs = new java.util.TreeMap<>();
    TreeSet<String> keys = new TreeSet<>();
    String observer = null, dataset = null;
    for (Doc d : docs) {
      if (observer == null) observer = d.getString("observer.name");
      if (dataset == null) dataset = d.getString("event.dataset");
      if (d.get("call.keys") instanceof List<?> ks) ks.forEach(k -> keys.add(String.valueOf(k)));
      if (d.get("call.legs_detail") instanceof List<?> ls) {
        for (Object o : ls) {
          if (!(o instanceof Map<?, ?> m)) continue;
          LegState l = LegState.fromMap(m);
          legs.merge(l.id, l, (x, y) -> {
            x.merge(y);
            return x;
          });
        }
      }
    }
    return call(observer, dataset, legs.values(), keys);
  }

  /** Merges queue documents (stored and new) of one stay. */
  public static IndexDoc mergeQueue(List<Doc> docs) {
    QueueStay st = null;
    String observer = null, dataset = null;
    for (Doc d : docs) {
      if (observer == null) observer = d.getString("observer.name");
      if (dataset == null) dataset = d.getString("event.dataset");
      if (!(d.get("queue.state") instanceof Map<?, ?> m)) continue;
      QueueStay s = QueueStay.fromMap(m);
      if (st == null) st = s;
      else st.merge(s);
    }
    return st == null ? null : queue(observer, dataset, st);
  }

  private void cause(Doc d, LegState a, List<LegState> legs, boolean answered) {
    HangupCauses.Cause chosen = legCause(a);
    if (!answered && !informative(chosen)) {
      for (LegState l : legs) {
        if (l == a) continue;
        HangupCauses.Cause c = legCause(l);
        if (informative(c)) {
          chosen = c;
          break;
        }
      }
    }
    if (chosen.q850() == null && chosen.name() == null) {
      // the originating leg has not ended (or its end is in a piece not seen yet): any leg's cause
      for (LegState l : legs) {
        HangupCauses.Cause c = legCause(l);
        if (c.q850() != null || c.name() != null) {
          chosen = c;
          break;
        }
      }
    }
    d.put("hangup.cause.q850", chosen.q850());
    d.put("hangup.cause.name", chosen.name());
    boolean ended = chosen.q850() != null || chosen.name() != null;
    if (ended || answered) d.put("hangup.cause.category", causes.category(chosen, answered));
    String sip = a.sipCode.value();
    if (sip == null) for (LegState l : legs) if (sip == null) sip = l.sipCode.value();
    Double sipCode = LegState.number(sip);
    if (sipCode != null) d.put("hangup.sip_code", sipCode.intValue());
  }

  private HangupCauses.Cause legCause(LegState l) {
    Double q = LegState.number(l.causeQ850.value());
    HangupCauses.Cause c = causes.resolve(q == null ? null : q.intValue(), l.causeName.value());
    if (!informative(c) && l.dialStatus.value() != null) {
      // §11.2 Dial statuses as the Q.850 causes Asterisk maps them from
      Integer fromDial =
          switch (l.dialStatus.value().toUpperCase(java.util.Locale.ROOT)) {
            case "BUSY" -> 17;
            case "NOANSWER" -> 19;
            case "CHANUNAVAIL" -> 20;
            case "CONGESTION" -> 34;
            default -> null;
          };
      if (fromDial != null) return causes.resolve(fromDial, null);
    }
    return c;
  }

  private static boolean informative(HangupCauses.Cause c) {
    if (c.q850() == null && c.name() == null) return false;
    if (c.q850() != null && (c.q850() == 16 || c.q850() == 31 || c.q850() == 0)) return false;
    return c.name() == null || !(c.name().equals("NORMAL_CLEARING") || c.name().equals("NORMAL_UNSPECIFIED"));
  }

  /**
   * Direction from the originating leg: the platform's own hint when it gives one (ccs), else from the numbers:
   * short all-digit numbers (up to 6 digits) are taken as internal extensions, longer ones as external.
   */
  private static String direction(LegState a, List<LegState> real) {
    if (a.direction.value() != null) return a.direction.value();
    String from = a.callerNumber.value();
    String to = a.dialed.value() != null ? a.dialed.value() : a.calleeNumber.value();
    if (to == null && real.size() > 1) to = real.get(1).callerNumber.value();
    if (from == null || to == null) return "unknown";
    boolean fromExt = extension(from), toExt = extension(to);
    if (fromExt && toExt) return "internal";
    if (fromExt) return "outbound";
    if (toExt) return "inbound";
    return "unknown";
  }

  private static boolean extension(String n) {
    return n.length() <= 6 && n.chars().allMatch(Character::isDigit);
  }

  private static Double max(Double a, Double b) {
    if (a == null) return b;
    if (b == null) return a;
    return Math.max(a, b); // no ternary: it would unbox a null
  }

  private static double round(double v) {
    return Math.round(v * 100.0) / 100.0;
  }
}
