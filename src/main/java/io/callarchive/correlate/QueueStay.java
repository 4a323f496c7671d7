package io.callarchive.correlate;

import io.callarchive.correlate.LegState.Stamped;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A caller's stay in one queue, as mergeable state (same rules as {@link LegState}: min, max, union, (time,
 * value) order), stored in {@code queue.state}. The stay key is the queue plus the caller's leg (Asterisk: the
 * Uniqueid of the un-prefixed snapshot, event-sources §1.9) or mod_callcenter's per-entry {@code CC-Member-UUID}
 * (§3.9). Not thread-safe.
 */
final class QueueStay {
  /** Outcomes by precedence: a later, more specific fact wins whatever order the pieces arrive in. */
  static final List<String> OUTCOMES = List.of("other", "exit_key", "timeout", "abandoned", "answered", "transferred");

  final String key;
  Stamped queue = Stamped.NONE;
  Stamped callerLeg = Stamped.NONE;
  Stamped callId = Stamped.NONE;
  Stamped callerNumber = Stamped.NONE;
  Stamped callerName = Stamped.NONE;
  Stamped agentName = Stamped.NONE;
  Stamped agentInterface = Stamped.NONE;
  Stamped position = Stamped.NONE;
  Stamped originalPosition = Stamped.NONE;
  /** HoldTime as the platform reported it (seconds); the latest report wins. */
  Stamped holdReported = Stamped.NONE;
  Stamped talkReported = Stamped.NONE;
  Instant firstSeen;
  Instant join;
  Instant connect;
  Instant leave;
  Instant complete;
  int outcome = -1;
  /** Agents that rang without answering, as "interface@time" so re-reading the same event does not count twice. */
  final TreeSet<String> ringNoAnswer = new TreeSet<>();

  QueueStay(String key) {
    this.key = key;
  }

  void outcome(String o) {
    outcome = Math.max(outcome, OUTCOMES.indexOf(o));
  }

  String outcome() {
    return outcome < 0 ? null : OUTCOMES.get(outcome);
  }

  Instant begin() {
    return join != null ? join : firstSeen;
  }

  void merge(QueueStay o) {
    queue = queue.earliest(o.queue);
    callerLeg = callerLeg.earliest(o.callerLeg);
    callId = callId.earliest(o.callId);
    callerNumber = callerNumber.earliest(o.callerNumber);
    callerName = callerName.earliest(o.callerName);
    agentName = agentName.earliest(o.agentName);
    agentInterface = agentInterface.earliest(o.agentInterface);
    position = position.earliest(o.position);
    originalPosition = originalPosition.earliest(o.originalPosition);
    holdReported = holdReported.latest(o.holdReported);
    talkReported = talkReported.latest(o.talkReported);
    firstSeen = LegState.min(firstSeen, o.firstSeen);
    join = LegState.min(join, o.join);
    connect = LegState.min(connect, o.connect);
    leave = LegState.min(leave, o.leave);
    complete = LegState.min(complete, o.complete);
    outcome = Math.max(outcome, o.outcome);
    ringNoAnswer.addAll(o.ringNoAnswer);
  }

  /** The searchable fields of schema.md (queue) computed from the state. */
  void summarise(io.callarchive.model.Doc d) {
    d.put("queue.name", queue.value());
    d.put("queue.join", str(join));
    d.put("queue.leave", str(leave != null ? leave : complete));
    d.put("queue.position", integer(position));
    d.put("queue.original_position", integer(originalPosition != Stamped.NONE ? originalPosition : position));
    String out = outcome();
    d.put("queue.outcome", out);
    Double hold = LegState.number(holdReported.value());
    Double wait = null;
    if (hold != null && out != null && !out.equals("other")) wait = hold;
    else if (join != null && connect != null) wait = seconds(join, connect);
    else if (join != null && leave != null) wait = seconds(join, leave);
    d.put("queue.wait_s", wait);
    if (connect != null || "answered".equals(out) || "transferred".equals(out)) {
      Double talk = LegState.number(talkReported.value());
      if (talk == null && connect != null && complete != null) talk = seconds(connect, complete);
      d.put("queue.talk_s", talk);
    }
    d.put("agent.name", agentName.value());
    d.put("agent.interface", agentInterface.value());
    d.put("queue.ring_no_answer", ringNoAnswer.size());
    d.put("queue.complete", out != null);
    d.put("caller.number", callerNumber.value());
    d.put("caller.name", callerName.value());
    d.put("call.id", callId.value());
    d.put("channel.id", callerLeg.value());
  }

  static Double seconds(Instant a, Instant b) {
    return Duration.between(a, b).toMillis() / 1000.0;
  }

  private static Integer integer(Stamped s) {
    Double d = LegState.number(s.value());
    return d == null ? null : d.intValue();
  }

  private static String str(Instant t) {
    return t == null ? null : t.toString();
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", key);
    put(m, "queue", queue);
    put(m, "caller_leg", callerLeg);
    put(m, "call_id", callId);
    put(m, "caller_number", callerNumber);
    put(m, "caller_name", callerName);
    put(m, "agent_name", agentName);
    put(m, "agent_interface", agentInterface);
    put(m, "position", position);
    put(m, "original_position", originalPosition);
    put(m, "hold", holdReported);
    put(m, "talk", talkReported);
    if (firstSeen != null) m.put("first_seen", firstSeen.toString());
    if (join != null) m.put("join", join.toString());
    if (connect != null) m.put("connect", connect.toString());
    if (leave != null) m.put("leave", leave.toString());
    if (complete != null) m.put("complete", complete.toString());
    if (outcome >= 0) m.put("outcome", OUTCOMES.get(outcome));
    if (!ringNoAnswer.isEmpty()) m.put("ring_no_answer", List.copyOf(ringNoAnswer));
    return m;
  }

  static QueueStay fromMap(Map<?, ?> m) {
    QueueStay s = new QueueStay(String.valueOf(m.get("key")));
    s.queue = get(m, "queue");
    s.callerLeg = get(m, "caller_leg");
    s.callId = get(m, "call_id");
    s.callerNumber = get(m, "caller_number");
    s.callerName = get(m, "caller_name");
    s.agentName = get(m, "agent_name");
    s.agentInterface = get(m, "agent_interface");
    s.position = get(m, "position");
    s.originalPosition = get(m, "original_position");
    s.holdReported = get(m, "hold");
    s.talkReported = get(m, "talk");
    s.firstSeen = LegState.time(m.get("first_seen"));
    s.join = LegState.time(m.get("join"));
    s.connect = LegState.time(m.get("connect"));
    s.leave = LegState.time(m.get("leave"));
    s.complete = LegState.time(m.get("complete"));
    if (m.get("outcome") != null) s.outcome(m.get("outcome").toString());
    if (m.get("ring_no_answer") instanceof List<?> l) l.forEach(x -> s.ringNoAnswer.add(String.valueOf(x)));
    return s;
  }

  private static void put(Map<String, Object> m, String k, Stamped s) {
    if (s.value() == null) return;
    m.put(k, s.value());
    if (s.at() != null) m.put(k + "_at", s.at().toString());
  }

  private static Stamped get(Map<?, ?> m, String k) {
    Object v = m.get(k);
    return v == null ? Stamped.NONE : Stamped.of(v.toString(), LegState.time(m.get(k + "_at")));
  }
}
