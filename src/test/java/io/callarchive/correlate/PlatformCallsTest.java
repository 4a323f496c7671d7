package io.callarchive.correlate;

import static io.callarchive.correlate.Feed.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.parse.ari.AriFormat;
import io.callarchive.parse.ccs.CcsFormat;
import io.callarchive.parse.kazoo.KazooFormat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Calls of FreeSWITCH, Kazoo, ARI and ccs, each built from events as the pipeline normalises them. */
class PlatformCallsTest {

  private static MemorySummaries correlate(List<IndexDoc> events) {
    MemorySummaries store = new MemorySummaries();
    Correlator c = new Correlator(CorrelatorSettings.defaults(), new BuiltinCauses(), store);
    events.forEach(c::accept);
    c.flush();
    return store;
  }

  private static String us(double seconds) {
    return Long.toString(T0.toEpochMilli() * 1000 + Math.round(seconds * 1_000_000));
  }

  private static IndexDoc fsLeg(double t, String name, String uid, String... extra) {
    List<String> kv = new ArrayList<>(List.of("Event-Name", name, "Unique-ID", uid));
    boolean a = uid.equals("a-uuid");
    kv.addAll(List.of(
        "Call-Direction", a ? "inbound" : "outbound",
        "Channel-Name", a ? "sofia/internal/1001@pbx" : "sofia/external/+33140000000@carrier",
        "Caller-Caller-ID-Number", a ? "1001" : "1001", "Caller-Caller-ID-Name", "Grace",
        "Caller-Destination-Number", "+33140000000", "Caller-Channel-Created-Time", us(a ? 0 : 1)));
    if (!a) kv.addAll(List.of("Other-Leg-Unique-ID", "a-uuid", "variable_originating_leg_uuid", "a-uuid"));
    kv.addAll(List.of(extra));
    return Feed.freeswitch(t, kv.toArray(String[]::new));
  }

  @Test
  void freeswitchAnsweredCallCarriesCodecsSrtpQualityAndCharge() {
    List<IndexDoc> events = List.of(
        fsLeg(0, "CHANNEL_CREATE", "a-uuid"),
        fsLeg(1, "CHANNEL_CREATE", "b-uuid"),
        Feed.with(fsLeg(4, "CHANNEL_ANSWER", "b-uuid"), "sdp.codecs", List.of("PCMA/8000"), "sdp.srtp", true),
        Feed.with(fsLeg(4, "CHANNEL_ANSWER", "a-uuid"), "sdp.codecs", List.of("opus/48000/2")),
        fsLeg(4.1, "CHANNEL_BRIDGE", "a-uuid", "Bridge-A-Unique-ID", "a-uuid", "Bridge-B-Unique-ID", "b-uuid"),
        Feed.with(fsLeg(10, "RECV_RTCP_MESSAGE", "a-uuid"), "rtcp.mos", 4.2, "rtcp.fraction_lost_pct", 0.5,
            "rtcp.jitter_ms", 3.0, "rtcp.rtt_ms", 40.0),
        Feed.with(fsLeg(20, "RECV_RTCP_MESSAGE", "a-uuid"), "rtcp.mos", 3.4, "rtcp.fraction_lost_pct", 2.5,
            "rtcp.jitter_ms", 12.0, "rtcp.rtt_ms", 35.0),
        Feed.with(fsLeg(30, "RECV_RTCP_MESSAGE", "b-uuid"), "rtcp.mos", 4.0, "rtcp.jitter_ms", 1.0),
        Feed.with(fsLeg(40, "CUSTOM", "b-uuid", "Event-Subclass", "aoc"), "charge.amount", 0.12,
            "charge.currency", "EUR", "charge.type", "AOC-D"),
        Feed.with(fsLeg(64, "CUSTOM", "b-uuid", "Event-Subclass", "aoc"), "charge.amount", 0.30,
            "charge.currency", "EUR", "charge.type", "AOC-E"),
        fsLeg(64, "CHANNEL_HANGUP_COMPLETE", "b-uuid", "Hangup-Cause", "NORMAL_CLEARING",
            "variable_hangup_cause_q850", "16", "variable_sip_term_status", "200",
            "Caller-Channel-Answered-Time", us(4), "Caller-Channel-Hangup-Time", us(64)),
        fsLeg(64.2, "CHANNEL_HANGUP_COMPLETE", "a-uuid", "Hangup-Cause", "NORMAL_CLEARING",
            "variable_hangup_cause_q850", "16", "Caller-Channel-Hangup-Time", us(64.2)));
    MemorySummaries store = correlate(events);
    Doc d = store.onlyCall();
    assertEquals("a-uuid", d.get("call.id"));
    assertEquals("fs1", d.get("observer.name"));
    assertEquals(2, d.get("call.legs"));
    assertEquals("outbound", d.get("call.direction"));
    assertEquals(true, d.get("call.answered"));
    assertEquals(T0.toString(), d.get("call.start"));
    assertEquals(4.0, d.get("call.ring_s"));
    assertEquals(64.2, d.get("call.duration_s"));
    assertEquals(60.2, d.get("call.billsec_s"));
    assertEquals("1001", d.get("caller.number"));
    assertEquals("Grace", d.get("caller.name"));
    assertEquals("+33140000000", d.get("callee.number"));
    assertEquals("NORMAL_CLEARING", d.get("hangup.cause.name"));
    assertEquals(16, d.get("hangup.cause.q850"));
    assertEquals("answered", d.get("hangup.cause.category"));
    assertEquals(200, d.get("hangup.sip_code"));
    assertEquals(List.of("PCMA/8000", "opus/48000/2"), d.get("sdp.codecs"));
    assertEquals(true, d.get("sdp.srtp"));
    assertEquals(3.4, d.get("quality.mos_min"));
    assertEquals(3.87, d.get("quality.mos_avg"));
    assertEquals(2.5, d.get("quality.loss_pct_max"));
    assertEquals(12.0, d.get("quality.jitter_ms_max"));
    assertEquals(40.0, d.get("quality.rtt_ms_max"));
    assertEquals(0.30, d.get("charge.amount"), "the final AOC-E, not the running AOC-D plus it");
    assertEquals("EUR", d.get("charge.currency"));
    IndexDoc q = CallSummary.quality(store.calls.values().iterator().next());
    assertEquals("call", q.doc().get("quality.kind"));
    assertEquals("a-uuid", q.doc().get("call.id"));
    assertEquals(3.4, q.doc().get("quality.mos_min"));
    assertEquals(T0, q.timestamp());
  }

  @Test
  void freeswitchBusyBLegGivesTheCallItsCause() {
    Doc d = correlate(List.of(
        fsLeg(0, "CHANNEL_CREATE", "a-uuid"),
        fsLeg(1, "CHANNEL_CREATE", "b-uuid"),
        fsLeg(3, "CHANNEL_HANGUP_COMPLETE", "b-uuid", "Hangup-Cause", "USER_BUSY", "variable_sip_term_status", "486"),
        fsLeg(3.5, "CHANNEL_HANGUP_COMPLETE", "a-uuid", "Hangup-Cause", "NORMAL_CLEARING")))
        .onlyCall();
    assertEquals(false, d.get("call.answered"));
    assertEquals("USER_BUSY", d.get("hangup.cause.name"));
    assertEquals(17, d.get("hangup.cause.q850"));
    assertEquals("busy", d.get("hangup.cause.category"));
    assertEquals(486, d.get("hangup.sip_code"));
    assertNull(d.get("quality.mos_min"));
    assertNull(CallSummary.quality(new IndexDoc(io.callarchive.model.IndexType.CALLS, "x", T0, d, null, null)));
  }

  @Test
  void freeswitchLegStartsFromItsCreatedTimeWhenTheCreateEventIsInAnotherFile() {
    Doc d = correlate(List.of(fsLeg(70, "CHANNEL_HANGUP_COMPLETE", "a-uuid", "Hangup-Cause", "NO_ANSWER")))
        .onlyCall();
    assertEquals(T0.toString(), d.get("call.start"));
    assertEquals("no_answer", d.get("hangup.cause.category"));
    assertEquals(1, d.get("call.legs"));
  }

  private static String kazoo(String name, String leg, String other, int second, String extra) {
    return "{\"Event-Name\":\"" + name + "\",\"Event-Category\":\"call_event\",\"Call-ID\":\"" + leg + "\","
        + (other == null ? "" : "\"Other-Leg-Call-ID\":\"" + other + "\",")
        + "\"Caller-ID-Number\":\"+4930111\",\"Caller-ID-Name\":\"Alice\",\"Callee-ID-Number\":\"2001\","
        + "\"Custom-Channel-Vars\":{\"Bridge-ID\":\"a-leg\"},\"Media-Server\":\"fs1\"" + extra
        + ",\"Timestamp\":" + (63911234567L + second) + "}\n";
  }

  @Test
  void kazooNoAnswerCallFromBothLegs() {
    String in = kazoo("CHANNEL_CREATE", "a-leg", null, 0, "")
        + kazoo("CHANNEL_CREATE", "b-leg", "a-leg", 1, "")
        + kazoo("CHANNEL_DESTROY", "b-leg", "a-leg", 31, ",\"Hangup-Cause\":\"NO_ANSWER\",\"Hangup-Code\":\"sip:480\"")
        + kazoo("CHANNEL_DESTROY", "a-leg", null, 32, ",\"Hangup-Cause\":\"NORMAL_CLEARING\"");
    Doc d = correlate(Feed.events(new KazooFormat(), in)).onlyCall();
    assertEquals("a-leg", d.get("call.id"));
    assertEquals(2, d.get("call.legs"));
    assertEquals(false, d.get("call.answered"));
    assertEquals(32.0, d.get("call.duration_s"));
    assertEquals("NO_ANSWER", d.get("hangup.cause.name"));
    assertEquals(19, d.get("hangup.cause.q850"));
    assertEquals("no_answer", d.get("hangup.cause.category"));
    assertEquals(480, d.get("hangup.sip_code"));
    assertEquals("+4930111", d.get("caller.number"));
    assertEquals("2001", d.get("callee.number"));
    assertEquals("inbound", d.get("call.direction"));
  }

  private static String ari(String type, int second, String body) {
    return "{\"type\":\"" + type + "\",\"timestamp\":\"2026-11-20T10:00:" + String.format("%02d", second)
        + ".000+0000\",\"asterisk_id\":\"ast1\",\"application\":\"app\"," + body + "}\n";
  }

  private static String chan(String id, String name, String state, String number) {
    return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"state\":\"" + state + "\",\"caller\":{\"name\":\"\","
        + "\"number\":\"" + number + "\"},\"connected\":{\"name\":\"\",\"number\":\"\"},\"accountcode\":\"\","
        + "\"dialplan\":{\"context\":\"default\",\"exten\":\"" + (id.equals("c1") ? "7000" : "s")
        + "\",\"priority\":1},\"creationtime\":\"2026-11-20T10:00:00.000+0000\",\"language\":\"en\"}";
  }

  @Test
  void ariRejectedCallJoinsCallerAndPeerThroughDial() {
    String in = ari("ChannelCreated", 0, "\"channel\":" + chan("c1", "PJSIP/100-1", "Ring", "100"))
        + ari("ChannelCreated", 1, "\"channel\":" + chan("c2", "PJSIP/7000-2", "Down", "7000"))
        + ari("Dial", 1, "\"caller\":" + chan("c1", "PJSIP/100-1", "Ring", "100") + ",\"peer\":"
            + chan("c2", "PJSIP/7000-2", "Down", "7000") + ",\"dialstring\":\"7000\",\"dialstatus\":\"\"")
        + ari("Dial", 3, "\"caller\":" + chan("c1", "PJSIP/100-1", "Ring", "100") + ",\"peer\":"
            + chan("c2", "PJSIP/7000-2", "Down", "7000") + ",\"dialstatus\":\"CHANUNAVAIL\"")
        + ari("ChannelDestroyed", 3, "\"cause\":21,\"cause_txt\":\"Call Rejected\",\"channel\":"
            + chan("c2", "PJSIP/7000-2", "Down", "7000"))
        + ari("ChannelDestroyed", 4, "\"cause\":16,\"cause_txt\":\"Normal Clearing\",\"channel\":"
            + chan("c1", "PJSIP/100-1", "Ring", "100"));
    Doc d = correlate(Feed.events(new AriFormat(), in)).onlyCall();
    assertEquals("c1", d.get("call.id"));
    assertEquals(2, d.get("call.legs"));
    assertEquals("rejected", d.get("hangup.cause.category"));
    assertEquals(21, d.get("hangup.cause.q850"));
    assertEquals("100", d.get("caller.number"));
    assertEquals("7000", d.get("callee.number"));
    assertEquals("internal", d.get("call.direction"));
    assertEquals(true, d.get("call.complete"));
    assertEquals(4.0, d.get("call.duration_s"));
  }

  private static String ccs(String type, int second, String data) {
    return "{\"class\":\"ccsevents\",\"type\":\"" + type + "\",\"id\":\"ev-" + type + second + "\",\"ts\":"
        + "\"2026-11-20T10:00:" + String.format("%02d", second) + ".000Z\",\"domain\":\"d\",\"data\":{" + data + "}}\n";
  }

  @Test
  void ccsSeanceGathersItsCallsIntoOneAnsweredCall() {
    String in = ccs("call_create", 0, "\"call_id\":\"c-1\",\"direction\":\"in\",\"number\":\"+4930111\","
            + "\"remote_number\":\"8800\",\"state\":\"created\"")
        + ccs("call_attach_to_seance", 0, "\"call_id\":\"c-1\",\"seance_id\":\"s-1\"")
        + ccs("call_create", 1, "\"call_id\":\"c-2\",\"seance_id\":\"s-1\",\"direction\":\"out\",\"state\":\"created\"")
        + ccs("call_set_state", 6, "\"call_id\":\"c-2\",\"seance_id\":\"s-1\",\"state\":\"connected\"")
        + ccs("call_set_state", 6, "\"call_id\":\"c-1\",\"seance_id\":\"s-1\",\"state\":\"connected\"")
        + ccs("call_delete", 40, "\"call_id\":\"c-2\",\"seance_id\":\"s-1\",\"state\":\"finished\"")
        + ccs("call_delete", 41, "\"call_id\":\"c-1\",\"seance_id\":\"s-1\",\"state\":\"finished\"");
    Doc d = correlate(Feed.events(new CcsFormat(), in)).onlyCall();
    assertEquals("s-1", d.get("call.id"));
    assertEquals(2, d.get("call.legs"));
    assertEquals("inbound", d.get("call.direction"));
    assertEquals(true, d.get("call.answered"));
    assertEquals(6.0, d.get("call.ring_s"));
    assertEquals(41.0, d.get("call.duration_s"));
    assertEquals(35.0, d.get("call.billsec_s"));
    assertEquals(true, d.get("call.complete"));
    assertEquals(List.of("c-1", "c-2", "seance:s-1"), d.get("call.keys"));
  }
}
