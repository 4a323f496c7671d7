package io.callarchive.correlate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What is known about one leg, in a form that merges the same way whatever the order of the pieces: every field
 * is a minimum, a maximum, a set union, or a value chosen by (time, value) order. A single event makes a leg
 * fragment; the correlator merges fragments; the summary writer merges the fragments stored in indexed documents
 * ({@code call.legs_detail}). Because {@link #merge} is commutative, associative and idempotent, the same input
 * imported twice or split into pieces imported in any order ends in the same leg. Not thread-safe.
 */
final class LegState {
  final String id;
  /** Earliest time the leg was seen at all (its start when the creation event is in another piece). */
  Instant firstSeen;
  Instant start;
  Instant answer;
  /** The leg's first final event (Hangup, CHANNEL_HANGUP..., ChannelDestroyed, call_delete). */
  Instant end;
  boolean plumbing;
  boolean transferred;
  /**
   * This run read the leg's creation event (Newchannel, CHANNEL_CREATE, ChannelCreated, call_create). Not stored:
   * it only tells the correlator that no earlier input can hold a part of the leg.
   */
  boolean created;
  /** The cause, chosen as the one stamped latest (a final event beats an earlier request). */
  Stamped causeName = Stamped.NONE;
  Stamped causeQ850 = Stamped.NONE;
  Stamped sipCode = Stamped.NONE;
  Stamped dialStatus = Stamped.NONE;
  // Parties and labels as first seen: the earliest stamp wins, ties broken by value.
  Stamped callId = Stamped.NONE;
  Stamped name = Stamped.NONE;
  Stamped callerNumber = Stamped.NONE;
  Stamped callerName = Stamped.NONE;
  Stamped calleeNumber = Stamped.NONE;
  Stamped calleeName = Stamped.NONE;
  Stamped dialed = Stamped.NONE;
  Stamped direction = Stamped.NONE;
  Stamped queue = Stamped.NONE;
  final TreeSet<String> codecs = new TreeSet<>();
  boolean srtp;
  Double mosMin;
  Double lossMax;
  Double jitterMax;
  Double rttMax;
  /**
   * Sum and count of the leg's MOS values. Two copies of the same leg keep the one with more reports rather than
   * adding them, so re-imports do not count twice; a leg split across two pieces keeps the larger piece's mean.
   */
  double mosSum;
  long mosCount;
  /** Charge: an AOC-E (final) amount beats AOC-D (running total); among equals the latest wins. */
  Double chargeAmount;
  String chargeCurrency;
  boolean chargeFinal;
  Instant chargeAt;

  LegState(String id) {
    this.id = id;
  }

  /** A value with the time it was observed; ordering is (time, value), nulls last. */
  record Stamped(String value, Instant at) {
    static final Stamped NONE = new Stamped(null, null);

    static Stamped of(String value, Instant at) {
      return value == null || value.isEmpty() ? NONE : new Stamped(value, at);
    }

    int compareTo(Stamped o) {
      if (value == null || o.value == null) return value == null ? (o.value == null ? 0 : 1) : -1;
      int c = compareInstants(at, o.at);
      return c != 0 ? c : value.compareTo(o.value);
    }

    Stamped earliest(Stamped o) {
      return compareTo(o) <= 0 ? this : o;
    }

    Stamped latest(Stamped o) {
      if (value == null) return o;
      if (o.value == null) return this;
      return compareTo(o) >= 0 ? this : o;
    }
  }

  private static int compareInstants(Instant a, Instant b) {
    if (a == null || b == null) return a == null ? (b == null ? 0 : 1) : -1;
    return a.compareTo(b);
  }

  static Instant min(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
  }

  static Instant max(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
  }

  private static Double minD(Double a, Double b) {
    if (a == null) return b;
    if (b == null) return a;
    return Math.min(a, b); // no ternary: it would unbox a null
  }

  private static Double maxD(Double a, Double b) {
    if (a == null) return b;
    if (b == null) return a;
    return Math.max(a, b); // no ternary: it would unbox a null
  }

  /** The leg's start for ordering: its creation, else when it was first seen. */
  Instant begin() {
    return start != null ? start : firstSeen;
  }

  /** Merges a copy of this leg learnt from other input (another import or piece): idempotent. */
  void merge(LegState o) {
    merge(o, false);
  }

  /**
   * Merges state learnt from different events of the same input: the MOS reports add up. The correlator uses this
   * for the fragments of the events it reads, since each event is a distinct report.
   */
  void mergeEvents(LegState o) {
    merge(o, true);
  }

  private void merge(LegState o, boolean additive) {
    firstSeen = min(firstSeen, o.firstSeen);
    start = min(start, o.start);
    answer = min(answer, o.answer);
    end = min(end, o.end);
    plumbing |= o.plumbing;
    transferred |= o.transferred;
    created |= o.created;
    causeName = causeName.latest(o.causeName);
    causeQ850 = causeQ850.latest(o.causeQ850);
    sipCode = sipCode.latest(o.sipCode);
    dialStatus = dialStatus.latest(o.dialStatus);
    callId = callId.earliest(o.callId);
    name = name.earliest(o.name);
    callerNumber = callerNumber.earliest(o.callerNumber);
    callerName = callerName.earliest(o.callerName);
    calleeNumber = calleeNumber.earliest(o.calleeNumber);
    calleeName = calleeName.earliest(o.calleeName);
    dialed = dialed.earliest(o.dialed);
    direction = direction.earliest(o.direction);
    queue = queue.earliest(o.queue);
    codecs.addAll(o.codecs);
    srtp |= o.srtp;
    mosMin = minD(mosMin, o.mosMin);
    lossMax = maxD(lossMax, o.lossMax);
    jitterMax = maxD(jitterMax, o.jitterMax);
    rttMax = maxD(rttMax, o.rttMax);
    if (additive) {
      mosCount += o.mosCount;
      mosSum += o.mosSum;
    } else if (o.mosCount > mosCount || (o.mosCount == mosCount && o.mosSum > mosSum)) {
      mosCount = o.mosCount;
      mosSum = o.mosSum;
    }
    if (o.chargeAmount != null && betterCharge(o)) {
      chargeAmount = o.chargeAmount;
      chargeCurrency = o.chargeCurrency;
      chargeFinal = o.chargeFinal;
      chargeAt = o.chargeAt;
    }
  }

  private boolean betterCharge(LegState o) {
    if (chargeAmount == null) return true;
    if (o.chargeFinal != chargeFinal) return o.chargeFinal;
    // compareInstants orders nulls last, so a stamped charge beats an unstamped one
    int c = compareInstants(chargeAt, o.chargeAt);
    if (chargeAt != null && o.chargeAt != null) c = o.chargeAt.compareTo(chargeAt);
    else c = chargeAt == null && o.chargeAt != null ? 1 : chargeAt != null && o.chargeAt == null ? -1 : 0;
    return c != 0 ? c > 0 : o.chargeAmount > chargeAmount;
  }

  /** Adds one MOS report (a fragment holds one report, so merging keeps counts exact within one import). */
  void addMos(double mos) {
    mosMin = minD(mosMin, mos);
    mosSum += mos;
    mosCount++;
  }

  // --- stored form: call.legs_detail entries (mapped enabled:false, so only this code reads them) ---

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    putTime(m, "first_seen", firstSeen);
    putTime(m, "start", start);
    putTime(m, "answer", answer);
    putTime(m, "end", end);
    if (plumbing) m.put("plumbing", true);
    if (transferred) m.put("transferred", true);
    putStamped(m, "cause_name", causeName);
    putStamped(m, "cause_q850", causeQ850);
    putStamped(m, "sip_code", sipCode);
    putStamped(m, "dial_status", dialStatus);
    putStamped(m, "call_id", callId);
    putStamped(m, "name", name);
    putStamped(m, "caller_number", callerNumber);
    putStamped(m, "caller_name", callerName);
    putStamped(m, "callee_number", calleeNumber);
    putStamped(m, "callee_name", calleeName);
    putStamped(m, "dialed", dialed);
    putStamped(m, "direction", direction);
    putStamped(m, "queue", queue);
    if (!codecs.isEmpty()) m.put("codecs", new ArrayList<>(codecs));
    if (srtp) m.put("srtp", true);
    if (mosMin != null) m.put("mos_min", mosMin);
    if (mosCount > 0) {
      m.put("mos_sum", mosSum);
      m.put("mos_count", mosCount);
    }
    if (lossMax != null) m.put("loss_max", lossMax);
    if (jitterMax != null) m.put("jitter_max", jitterMax);
    if (rttMax != null) m.put("rtt_max", rttMax);
    if (chargeAmount != null) {
      m.put("charge_amount", chargeAmount);
      if (chargeCurrency != null) m.put("charge_currency", chargeCurrency);
      if (chargeFinal) m.put("charge_final", true);
      putTime(m, "charge_at", chargeAt);
    }
    return m;
  }

  static LegState fromMap(Map<?, ?> m) {
    LegState l = new LegState(String.valueOf(m.get("id")));
    l.firstSeen = time(m.get("first_seen"));
    l.start = time(m.get("start"));
    l.answer = time(m.get("answer"));
    l.end = time(m.get("end"));
    l.plumbing = Boolean.TRUE.equals(m.get("plumbing"));
    l.transferred = Boolean.TRUE.equals(m.get("transferred"));
    l.causeName = stamped(m, "cause_name");
    l.causeQ850 = stamped(m, "cause_q850");
    l.sipCode = stamped(m, "sip_code");
    l.dialStatus = stamped(m, "dial_status");
    l.callId = stamped(m, "call_id");
    l.name = stamped(m, "name");
    l.callerNumber = stamped(m, "caller_number");
    l.callerName = stamped(m, "caller_name");
    l.calleeNumber = stamped(m, "callee_number");
    l.calleeName = stamped(m, "callee_name");
    l.dialed = stamped(m, "dialed");
    l.direction = stamped(m, "direction");
    l.queue = stamped(m, "queue");
    if (m.get("codecs") instanceof List<?> cs) cs.forEach(c -> l.codecs.add(String.valueOf(c)));
    l.srtp = Boolean.TRUE.equals(m.get("srtp"));
    l.mosMin = number(m.get("mos_min"));
    Double sum = number(m.get("mos_sum"));
    Double count = number(m.get("mos_count"));
    if (sum != null && count != null) {
      l.mosSum = sum;
      l.mosCount = count.longValue();
    }
    l.lossMax = number(m.get("loss_max"));
    l.jitterMax = number(m.get("jitter_max"));
    l.rttMax = number(m.get("rtt_max"));
    l.chargeAmount = number(m.get("charge_amount"));
    Object cur = m.get("charge_currency");
    l.chargeCurrency = cur == null ? null : cur.toString();
    l.chargeFinal = Boolean.TRUE.equals(m.get("charge_final"));
    l.chargeAt = time(m.get("charge_at"));
    return l;
  }

  private static void putTime(Map<String, Object> m, String k, Instant t) {
    if (t != null) m.put(k, t.toString());
  }

  private static void putStamped(Map<String, Object> m, String k, Stamped s) {
    if (s.value() == null) return;
    m.put(k, s.value());
    if (s.at() != null) m.put(k + "_at", s.at().toString());
  }

  private static Stamped stamped(Map<?, ?> m, String k) {
    Object v = m.get(k);
    return v == null ? Stamped.NONE : Stamped.of(v.toString(), time(m.get(k + "_at")));
  }

  static Instant time(Object o) {
    if (o == null) return null;
    try {
      return Instant.parse(o.toString());
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  static Double number(Object o) {
    if (o instanceof Number n) return n.doubleValue();
    if (o == null) return null;
    try {
      return Double.parseDouble(o.toString().strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
