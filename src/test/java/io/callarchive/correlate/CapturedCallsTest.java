package io.callarchive.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.callarchive.Fixtures;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.Formats;
import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Whole captures of every platform (the project's fixtures) through the real format, the standard enrichers and
 * the correlator: answered, busy, unanswered and transferred calls, and queue stays. Expected values are read off
 * the fixture files (their ids, numbers and timestamps), not off an earlier run.
 */
class CapturedCallsTest {

  /** The calls and queue stays of one fixture, keyed by call id and by queue key. */
  static MemorySummaries correlate(String folder, String file) throws Exception {
    byte[] bytes = Files.readAllBytes(Fixtures.file(folder, file));
    EventFormat format = Formats.standard().detect(bytes, Math.min(bytes.length, 8192)).orElseThrow();
    MemorySummaries store = new MemorySummaries();
    Correlator c = new Correlator(CorrelatorSettings.defaults(), new TableCauses(), store);
    for (IndexDoc e : Feed.enrichedBytes(format, bytes)) c.accept(e);
    c.flush();
    return store;
  }

  static Map<String, Doc> calls(MemorySummaries store) {
    Map<String, Doc> out = new TreeMap<>();
    store.calls.values().forEach(d -> out.put(d.doc().getString("call.id"), d.doc()));
    return out;
  }

  static void assertCall(Doc d, int legs, boolean answered, String start, double duration, String caller, String callee,
      String cause, Integer q850, String category) {
    assertEquals(legs, d.get("call.legs"), "legs");
    assertEquals(answered, d.get("call.answered"), "answered");
    assertEquals(true, d.get("call.complete"), "complete");
    assertEquals(start, d.get("call.start"), "start");
    assertEquals(duration, (Double) d.get("call.duration_s"), 1e-9, "duration");
    assertEquals(caller, d.get("caller.number"), "caller");
    assertEquals(callee, d.get("callee.number"), "callee");
    assertEquals(cause, d.get("hangup.cause.name"), "cause name");
    assertEquals(q850, d.get("hangup.cause.q850"), "Q.850");
    assertEquals(category, d.get("hangup.cause.category"), "category");
  }

  @Test
  void amiAnsweredCallWithRtcpIsOneCallOfTwoLegsWithItsQuality() throws Exception {
    Doc d = correlate("asterisk-ami", "call-answered-rtcp_crlf.txt").onlyCall();
    assertEquals("1764581400.20", d.get("call.id"), "the caller's Linkedid");
    // Newchannel 1764581400.100000 .. last Hangup 1764581465.060000
    assertCall(d, 2, true, "2025-12-01T09:30:00.100Z", 64.96, "2001", "2002", "NORMAL_CLEARING", 16, "answered");
    assertEquals("Claire Dubois", d.get("caller.name"));
    assertEquals("internal", d.get("call.direction"));
    assertEquals("2025-12-01T09:30:05.500Z", d.get("call.answer"), "the first Newstate Up of a leg (§1.6)");
    assertEquals(false, d.get("call.transferred"));
    assertNotNull(d.get("quality.mos_min"), "the RTCP reports of the call");
  }

  @Test
  void amiBusyUnansweredAndBlindTransferredCallsAreThreeCalls() throws Exception {
    Map<String, Doc> calls = calls(correlate("asterisk-ami", "busy-noanswer-transfer_lf.txt"));
    assertEquals(3, calls.size(), calls.keySet().toString());
    assertCall(calls.get("1764583200.30"), 2, false, "2025-12-01T10:00:00.100Z", 0.4, "+33155512345", "2004",
        "USER_BUSY", 17, "busy");
    assertEquals("inbound", calls.get("1764583200.30").get("call.direction"), "from the trunk context");
    assertCall(calls.get("1764583500.32"), 2, false, "2025-12-01T10:05:00.100Z", 30.2, "2003", "2005",
        "NO_ANSWER", 19, "no_answer");
    Doc t = calls.get("1764584100.34");
    assertCall(t, 3, true, "2025-12-01T10:15:00.100Z", 99.94, "2006", "2007", "NORMAL_CLEARING", 16, "answered");
    assertEquals(true, t.get("call.transferred"), "BlindTransfer to 2008");
  }

  @Test
  void amiQueueStaysAreOneServedAfterARingNoAnswerAndOneAbandoned() throws Exception {
    MemorySummaries store = correlate("asterisk-ami", "queue-served-abandoned_crlf.txt");
    assertEquals(2, store.queue.size());
    Map<String, Doc> stays = new TreeMap<>();
    store.queue.values().forEach(s -> stays.put(s.doc().getString("queue.outcome"), s.doc()));
    Doc served = stays.get("answered");
    assertEquals("support", served.get("queue.name"));
    assertEquals(20.0, served.get("queue.wait_s"), "AgentConnect HoldTime");
    assertEquals(90.0, served.get("queue.talk_s"), "AgentComplete TalkTime");
    assertEquals(1, served.get("queue.ring_no_answer"), "Anne did not answer");
    assertEquals("Bruno", served.get("agent.name"));
    assertEquals("+33240112233", served.get("caller.number"));
    Doc gone = stays.get("abandoned");
    assertEquals(45.0, gone.get("queue.wait_s"), "QueueCallerAbandon HoldTime");
    assertEquals("+33240998877", gone.get("caller.number"));
    assertEquals(2, calls(store).size(), "each caller's call");
  }

  @Test
  void ariAnsweredCallIsKeyedByTheCallerOfTheDial() throws Exception {
    Doc d = correlate("asterisk-ari", "answered-call.jsonl").onlyCall();
    assertEquals("1764592200.60", d.get("call.id"));
    // ChannelCreated 13:30:00.100+0100 .. ChannelDestroyed 13:31:05.050+0100
    assertCall(d, 2, true, "2025-12-01T12:30:00.100Z", 64.95, "4001", "4002", "NORMAL_CLEARING", 16, "answered");
  }

  @Test
  void ariBusyAndUnansweredCallsAreTwoCallsByLinkedid() throws Exception {
    Map<String, Doc> calls = calls(correlate("asterisk-ari", "busy-noanswer-playback_pretty.json"));
    assertEquals(2, calls.size(), calls.keySet().toString());
    Doc busy = calls.get("1764594000.70");
    assertEquals(2, busy.get("call.legs"));
    assertEquals(false, busy.get("call.answered"));
    assertEquals(17, busy.get("hangup.cause.q850"));
    assertEquals("busy", busy.get("hangup.cause.category"));
    assertEquals("+33155512345", busy.get("caller.number"));
    Doc unanswered = calls.get("1764594300.72");
    assertEquals(2, unanswered.get("call.legs"));
    assertEquals(false, unanswered.get("call.answered"));
    assertEquals("no_answer", unanswered.get("hangup.cause.category"));
    assertEquals("4005", unanswered.get("caller.number"));
    assertEquals("4004", unanswered.get("callee.number"));
  }

  @Test
  void freeswitchAnsweredBusyAndUnansweredCallsInPlainJsonAndXml() throws Exception {
    Doc answered = correlate("freeswitch-esl", "answered-call_plain-envelopes.txt").onlyCall();
    assertEquals("5b2e8c1a-7d3f-4e9b-a6c4-0f1e2d3c4b5a", answered.get("call.id"), "the B-leg's Channel-Call-UUID");
    assertCall(answered, 2, true, "2025-12-01T14:00:00.100Z", 64.92, "1000", "1001", "NORMAL_CLEARING", 16, "answered");
    assertEquals(200L, ((Number) answered.get("hangup.sip_code")).longValue(), "variable_sip_term_status");
    assertNotNull(answered.get("quality.mos_min"), "RTCP and end-of-call statistics");

    Doc busy = correlate("freeswitch-esl", "busy-call_event-json.txt").onlyCall();
    assertCall(busy, 2, false, "2025-12-01T16:00:00Z", 0.6, "1002", "1003", "USER_BUSY", 17, "busy");
    Doc none = correlate("freeswitch-esl", "no-answer-call_event-xml.txt").onlyCall();
    assertCall(none, 2, false, "2025-12-01T17:00:00Z", 30.3, "1004", "1005", "NO_ANSWER", 19, "no_answer");
  }

  @Test
  void freeswitchCallcenterStaysAreOneServedAfterABridgeFailureAndOneAbandoned() throws Exception {
    MemorySummaries store = correlate("freeswitch-esl", "callcenter-registrations_bare-blocks.txt");
    assertEquals(2, store.queue.size());
    Map<String, Doc> stays = new TreeMap<>();
    store.queue.values().forEach(s -> stays.put(s.doc().getString("queue.outcome"), s.doc()));
    Doc served = stays.get("answered");
    assertEquals("sales@default", served.get("queue.name"));
    assertEquals(25.0, served.get("queue.wait_s"), "CC-Agent-Answered-Time - CC-Member-Joined-Time");
    assertEquals(120.0, served.get("queue.talk_s"), "CC-Bridge-Terminated-Time - CC-Agent-Answered-Time");
    assertEquals(1, served.get("queue.ring_no_answer"), "the bridge-agent-fail of bertrand");
    assertEquals("chloe@default", served.get("agent.name"));
    Doc gone = stays.get("abandoned");
    assertEquals(38.0, gone.get("queue.wait_s"), "CC-Member-Leaving-Time - CC-Member-Joined-Time, CC-Cause Cancel");
    assertEquals("+33240445566", gone.get("caller.number"));
  }

  @Test
  void kazooAnsweredBusyUnansweredAndTransferredCalls() throws Exception {
    Doc answered = correlate("kazoo-amqp", "answered-call_amqp.jsonl").onlyCall();
    assertEquals("kz-7f3e9a1c@198.51.100.70", answered.get("call.id"), "Bridge-ID, the A-leg's Call-ID");
    assertCall(answered, 2, true, "2025-12-01T18:00:00.100Z", 47.92, "+33299001122", "5001", "NORMAL_CLEARING", 16,
        "answered");
    assertEquals("inbound", answered.get("call.direction"));

    Map<String, Doc> calls = calls(correlate("kazoo-amqp", "busy-noanswer-transfer_websocket-pretty.json"));
    assertEquals(3, calls.size(), calls.keySet().toString());
    assertCall(calls.get("kz-busy-31c7@198.51.100.71"), 2, false, "2025-12-01T19:00:00.100Z", 0.7, "+33155512345",
        "5002", "USER_BUSY", 17, "busy");
    assertEquals(486L, ((Number) calls.get("kz-busy-31c7@198.51.100.71").get("hangup.sip_code")).longValue());
    assertCall(calls.get("kz-noans-88e2@198.51.100.72"), 2, false, "2025-12-01T19:05:00.100Z", 30.3, "+33388776655",
        "5003", "NO_ANSWER", 19, "no_answer");
    Doc t = calls.get("kz-xfer-5d9a@198.51.100.73");
    assertCall(t, 3, true, "2025-12-01T19:10:00.100Z", 100.0, "+33467001122", "5004", "NORMAL_CLEARING", 16, "answered");
    assertEquals(true, t.get("call.transferred"), "CHANNEL_TRANSFEROR / CHANNEL_TRANSFEREE");
  }

  @Test
  void ccsSeanceIsOneAnsweredCallOfItsTwoCallsDespiteTheSecondDomainsCopy() throws Exception {
    Doc d = correlate("ccs", "answered-seance_concatenated.json").onlyCall();
    assertEquals("se-5a1b", d.get("call.id"));
    assertEquals(2, d.get("call.legs"));
    assertEquals(true, d.get("call.answered"), "call_set_state talking");
    assertEquals(true, d.get("call.complete"));
    assertEquals("2025-12-01T20:00:00.050Z", d.get("call.start"));
    assertEquals(64.05, (Double) d.get("call.duration_s"), 1e-9, "to the last call_delete");
    assertEquals("+33155500001", d.get("caller.number"));
    assertEquals("600", d.get("callee.number"));
  }
}
