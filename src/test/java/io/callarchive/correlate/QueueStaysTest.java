package io.callarchive.correlate;

import static io.callarchive.correlate.Feed.T0;
import static io.callarchive.correlate.Feed.ami;
import static io.callarchive.correlate.Feed.channel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.parse.ami.AmiFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueStaysTest {
  private static final String CALLER = "PJSIP/trunk-00000010";
  private static final String AGENT = "PJSIP/201-00000011";

  private static MemorySummaries correlate(List<IndexDoc> events) {
    MemorySummaries store = new MemorySummaries();
    Correlator c = new Correlator(CorrelatorSettings.defaults(), new BuiltinCauses(), store);
    events.forEach(c::accept);
    c.flush();
    return store;
  }

  private static String[] caller(String state, String... extra) {
    return channel(CALLER, "2000.1", "2000.1", state, "0611223344", "Dana", "500", extra);
  }

  private static String[] agentEvent(String... extra) {
    List<String> kv = new ArrayList<>(List.of(caller("4")));
    kv.addAll(List.of("DestChannel", AGENT, "DestUniqueid", "2000.2", "DestLinkedid", "2000.1", "Queue", "support"));
    kv.addAll(List.of(extra));
    return kv.toArray(String[]::new);
  }

  @Test
  void answeredQueueCallKeepsReportedHoldTimeTalkTimeAgentAndRingNoAnswers() {
    String s = ami("Newchannel", 0, caller("0"))
        + ami("QueueCallerJoin", 2, caller("6", "Queue", "support", "Position", "1", "Count", "1"))
        + ami("AgentCalled", 3, agentEvent("MemberName", "Eve", "Interface", "PJSIP/202"))
        + ami("AgentRingNoAnswer", 18, agentEvent("MemberName", "Eve", "Interface", "PJSIP/202", "RingTime", "15000"))
        + ami("AgentCalled", 19, agentEvent("MemberName", "Bob", "Interface", "PJSIP/201"))
        + ami("Newchannel", 19, channel(AGENT, "2000.2", "2000.1", "0", "201", "Bob", "s"))
        + ami("Newstate", 24, channel(AGENT, "2000.2", "2000.1", "6", "201", "Bob", "s"))
        + ami("AgentConnect", 24, agentEvent("MemberName", "Bob", "Interface", "PJSIP/201", "HoldTime", "21", "RingTime", "5"))
        + ami("QueueCallerLeave", 24, caller("6", "Queue", "support", "Position", "1", "Count", "0"))
        + ami("AgentComplete", 84, agentEvent("MemberName", "Bob", "Interface", "PJSIP/201", "HoldTime", "21",
            "TalkTime", "60", "Reason", "caller"))
        + ami("Hangup", 84, channel(AGENT, "2000.2", "2000.1", "6", "201", "Bob", "s", "Cause", "16"))
        + ami("Hangup", 84, caller("6", "Cause", "16"));
    MemorySummaries store = correlate(Feed.events(new AmiFormat(), s));
    Doc q = store.onlyStay();
    assertEquals("support", q.get("queue.name"));
    assertEquals(T0.plusSeconds(2).toString(), q.get("@timestamp"));
    assertEquals(T0.plusSeconds(2).toString(), q.get("queue.join"));
    assertEquals(T0.plusSeconds(24).toString(), q.get("queue.leave"));
    assertEquals(1, q.get("queue.position"));
    assertEquals(1, q.get("queue.original_position"));
    assertEquals(21.0, q.get("queue.wait_s"), "the platform's HoldTime, not the 22 s between the timestamps");
    assertEquals("answered", q.get("queue.outcome"));
    assertEquals(60.0, q.get("queue.talk_s"));
    assertEquals("Bob", q.get("agent.name"));
    assertEquals("PJSIP/201", q.get("agent.interface"));
    assertEquals(1, q.get("queue.ring_no_answer"));
    assertEquals("0611223344", q.get("caller.number"));
    assertEquals("2000.1", q.get("call.id"));
    Doc call = store.onlyCall();
    assertEquals("support", call.get("queue.name"));
    assertEquals(2, call.get("call.legs"));
    assertEquals("inbound", call.get("call.direction"));
    assertEquals(T0.plusSeconds(2).toString(), call.get("call.answer"), "the queue answered the caller leg: its first Up snapshot");
  }

  @Test
  void abandonedQueueCallKeepsHoldTimeAsWait() {
    String s = ami("Newchannel", 0, caller("0"))
        + ami("QueueCallerJoin", 1, caller("6", "Queue", "support", "Position", "2", "Count", "2"))
        + ami("AgentCalled", 3, agentEvent("MemberName", "Bob", "Interface", "PJSIP/201"))
        + ami("QueueCallerAbandon", 31, caller("6", "Queue", "support", "Position", "1", "OriginalPosition", "2",
            "HoldTime", "30"))
        + ami("Hangup", 31, caller("6", "Cause", "16"));
    Doc q = correlate(Feed.events(new AmiFormat(), s)).onlyStay();
    assertEquals("abandoned", q.get("queue.outcome"));
    assertEquals(30.0, q.get("queue.wait_s"));
    assertEquals(2, q.get("queue.position"));
    assertEquals(2, q.get("queue.original_position"));
    assertNull(q.get("queue.talk_s"));
    assertNull(q.get("agent.name"));
    assertEquals(0, q.get("queue.ring_no_answer"));
    assertEquals(T0.plusSeconds(31).toString(), q.get("queue.leave"));
  }

  @Test
  void transferByTheAgentIsTheOutcomeWhateverTheOrderOfPieces() {
    List<IndexDoc> events = Feed.events(new AmiFormat(),
        ami("QueueCallerJoin", 1, caller("6", "Queue", "support", "Position", "1"))
            + ami("AgentConnect", 5, agentEvent("MemberName", "Bob", "Interface", "PJSIP/201", "HoldTime", "4"))
            + ami("QueueCallerLeave", 5, caller("6", "Queue", "support", "Position", "1"))
            + ami("AgentComplete", 50, agentEvent("MemberName", "Bob", "Interface", "PJSIP/201", "HoldTime", "4",
                "TalkTime", "45", "Reason", "transfer")));
    Map<String, Map<String, Object>> whole = correlate(events).snapshot();
    List<IndexDoc> reversed = new ArrayList<>(events);
    Collections.reverse(reversed);
    MemorySummaries store = new MemorySummaries();
    for (IndexDoc e : reversed) {
      Correlator c = new Correlator(CorrelatorSettings.defaults(), new BuiltinCauses(), store);
      c.accept(e);
      c.flush();
    }
    assertEquals(whole, store.snapshot());
    assertEquals("transferred", store.onlyStay().get("queue.outcome"));
    assertEquals(45.0, store.onlyStay().get("queue.talk_s"));
  }

  private static IndexDoc cc(double t, String action, String... kv) {
    List<String> all = new ArrayList<>(List.of("Event-Name", "CUSTOM", "Event-Subclass", "callcenter::info",
        "CC-Action", action, "CC-Queue", "sales@default", "CC-Member-UUID", "m-1", "CC-Member-Session-UUID", "leg-a",
        "CC-Member-CID-Number", "+33612345678", "CC-Member-CID-Name", "Frank"));
    all.addAll(List.of(kv));
    return Feed.freeswitch(t, all.toArray(String[]::new));
  }

  private static String epoch(double seconds) {
    return Long.toString(T0.getEpochSecond() + (long) seconds);
  }

  @Test
  void freeswitchCallcenterAnsweredMemberWaitsFromJoinedToAnswered() {
    List<IndexDoc> events = List.of(
        cc(0, "member-queue-start"),
        cc(2, "agent-offering", "CC-Agent", "1001@default"),
        cc(12, "bridge-agent-fail", "CC-Agent", "1001@default", "CC-Agent-Aborted-Time", epoch(12)),
        cc(20, "bridge-agent-start", "CC-Agent", "1002@default", "CC-Agent-UUID", "leg-b",
            "CC-Member-Joined-Time", epoch(0), "CC-Agent-Answered-Time", epoch(20)),
        cc(80, "bridge-agent-end", "CC-Agent", "1002@default", "CC-Bridge-Terminated-Time", epoch(80)),
        cc(80, "member-queue-end", "CC-Cause", "Terminated", "CC-Cancel-Reason", "NONE",
            "CC-Member-Joined-Time", epoch(0), "CC-Member-Leaving-Time", epoch(80)));
    Doc q = correlate(events).onlyStay();
    assertEquals("sales@default", q.get("queue.name"));
    assertEquals("answered", q.get("queue.outcome"));
    assertEquals(20.0, q.get("queue.wait_s"));
    assertEquals(60.0, q.get("queue.talk_s"));
    assertEquals("1002@default", q.get("agent.name"));
    assertEquals(1, q.get("queue.ring_no_answer"));
    assertEquals("+33612345678", q.get("caller.number"));
    assertEquals("fs1", q.get("observer.name"));
  }

  @Test
  void freeswitchCallcenterTimeoutIsNotAnAbandon() {
    Doc q = correlate(List.of(
        cc(0, "member-queue-start"),
        cc(300, "member-queue-end", "CC-Cause", "Cancel", "CC-Cancel-Reason", "TIMEOUT",
            "CC-Member-Joined-Time", epoch(0), "CC-Member-Leaving-Time", epoch(300))))
        .onlyStay();
    assertEquals("timeout", q.get("queue.outcome"));
    assertEquals(300.0, q.get("queue.wait_s"));
    assertNull(q.get("queue.talk_s"));
  }

  @Test
  void freeswitchCallerHangingUpInQueueIsAbandoned() {
    Doc q = correlate(List.of(
        cc(0, "member-queue-start"),
        cc(40, "member-queue-end", "CC-Cause", "Cancel", "CC-Cancel-Reason", "NONE",
            "CC-Member-Joined-Time", epoch(0), "CC-Member-Leaving-Time", epoch(40))))
        .onlyStay();
    assertEquals("abandoned", q.get("queue.outcome"));
    assertEquals(40.0, q.get("queue.wait_s"));
  }
}
