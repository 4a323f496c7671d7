package io.callarchive.correlate;

import static io.callarchive.correlate.CallRules.*;

import io.callarchive.correlate.LegState.Stamped;
import java.time.Instant;
import java.util.Map;

/** Queue stays from Asterisk app_queue events (event-sources §1.9) and FreeSWITCH mod_callcenter (§3.9). */
final class QueueRules {
  private QueueRules() {}

  static void ami(Observation o, Map<String, Object> f, String action, String callerLeg) {
    String queue = s(f, "Queue");
    if (queue == null || callerLeg == null) return;
    if (!action.startsWith("QueueCaller") && !action.startsWith("Agent")) return;
    if (action.equals("AgentLogin") || action.equals("AgentLogoff") || action.equals("Agents")) return;
    QueueStay st = stay(o, "ami|" + queue + "|" + callerLeg, queue, callerLeg);
    if (!action.startsWith("Agent")) {
      st.callerNumber = Stamped.of(Observation.party(o.common("caller.number")), o.time);
      st.callerName = Stamped.of(Observation.party(o.common("caller.name")), o.time);
    } else {
      st.callerNumber = Stamped.of(Observation.party(s(f, "CallerIDNum")), o.time);
      st.callerName = Stamped.of(Observation.party(s(f, "CallerIDName")), o.time);
    }
    switch (action) {
      case "QueueCallerJoin" -> {
        st.join = o.time;
        st.position = Stamped.of(s(f, "Position"), o.time);
      }
      case "QueueCallerLeave" -> {
        st.leave = o.time;
        st.outcome("other");
      }
      case "QueueCallerAbandon" -> {
        st.leave = o.time;
        st.outcome("abandoned");
        st.holdReported = Stamped.of(s(f, "HoldTime"), o.time); // seconds waited (§1.9)
        st.originalPosition = Stamped.of(s(f, "OriginalPosition"), o.time);
      }
      case "AgentRingNoAnswer" -> {
        String agent = s(f, "Interface") != null ? s(f, "Interface") : s(f, "MemberName");
        st.ringNoAnswer.add(agent + "@" + o.time);
      }
      case "AgentConnect" -> {
        st.connect = o.time;
        st.outcome("answered");
        st.holdReported = Stamped.of(s(f, "HoldTime"), o.time);
        st.agentName = Stamped.of(s(f, "MemberName"), o.time);
        st.agentInterface = Stamped.of(s(f, "Interface"), o.time);
      }
      case "AgentComplete" -> {
        st.complete = o.time;
        st.outcome("transfer".equalsIgnoreCase(s(f, "Reason")) ? "transferred" : "answered");
        st.holdReported = Stamped.of(s(f, "HoldTime"), o.time);
        st.talkReported = Stamped.of(s(f, "TalkTime"), o.time);
        st.agentName = Stamped.of(s(f, "MemberName"), o.time);
        st.agentInterface = Stamped.of(s(f, "Interface"), o.time);
      }
      default -> {}
    }
  }

  static void freeswitch(Observation o, Map<String, Object> f) {
    String action = s(f, "CC-Action");
    String queue = s(f, "CC-Queue");
    String member = s(f, "CC-Member-UUID");
    if (action == null || queue == null || member == null) return;
    String callerLeg = s(f, "CC-Member-Session-UUID");
    QueueStay st = stay(o, "fs|" + member, queue, callerLeg);
    st.callerNumber = Stamped.of(Observation.party(s(f, "CC-Member-CID-Number")), o.time);
    st.callerName = Stamped.of(Observation.party(s(f, "CC-Member-CID-Name")), o.time);
    Instant joined = epoch(s(f, "CC-Member-Joined-Time"), false); // CC-*-Time are Unix seconds (§3.9)
    st.join = LegState.min(st.join, joined);
    LegState caller = o.leg(callerLeg);
    if (caller != null) caller.queue = Stamped.of(queue, o.time);
    switch (action) {
      case "member-queue-start", "member-queue-resume" -> st.join = LegState.min(st.join, o.time);
      case "bridge-agent-start" -> {
        Instant answered = epoch(s(f, "CC-Agent-Answered-Time"), false);
        st.connect = answered != null ? answered : o.time;
        st.outcome("answered");
        st.agentName = Stamped.of(s(f, "CC-Agent"), o.time);
        st.agentInterface = Stamped.of(s(f, "CC-Agent-UUID"), o.time);
        o.link(callerLeg, s(f, "CC-Agent-UUID"));
      }
      case "bridge-agent-end" -> {
        Instant end = epoch(s(f, "CC-Bridge-Terminated-Time"), false);
        st.complete = end != null ? end : o.time;
        st.outcome("answered");
      }
      case "bridge-agent-fail" -> {
        // ORIGINATOR_CANCEL: the caller hung up while the agent rang (the abandon is counted on the stay), the
        // agent did not fail to answer; like Asterisk, which sends no AgentRingNoAnswer then (§1.9)
        if (!"ORIGINATOR_CANCEL".equals(s(f, "CC-Hangup-Cause"))) {
          Instant aborted = epoch(s(f, "CC-Agent-Aborted-Time"), false);
          st.ringNoAnswer.add(s(f, "CC-Agent") + "@" + (aborted != null ? aborted : o.time));
        }
      }
      case "member-queue-end" -> {
        Instant left = epoch(s(f, "CC-Member-Leaving-Time"), false);
        st.leave = left != null ? left : o.time;
        String cause = s(f, "CC-Cause");
        String reason = s(f, "CC-Cancel-Reason");
        if ("Terminated".equalsIgnoreCase(cause)) st.outcome("answered");
        else if (reason != null && reason.contains("TIMEOUT")) st.outcome("timeout");
        else if ("EXIT_WITH_KEY".equals(reason) || "BREAK_OUT".equals(reason)) st.outcome("exit_key");
        else if ("Cancel".equalsIgnoreCase(cause)) st.outcome("abandoned");
        else st.outcome("other");
      }
      default -> {}
    }
  }

  private static QueueStay stay(Observation o, String key, String queue, String callerLeg) {
    QueueStay st = new QueueStay(key);
    st.firstSeen = o.time;
    st.queue = Stamped.of(queue, o.time);
    st.callerLeg = Stamped.of(callerLeg, o.time);
    st.callId = Stamped.of(o.common("call.id"), o.time);
    o.stays.add(st);
    return st;
  }
}
