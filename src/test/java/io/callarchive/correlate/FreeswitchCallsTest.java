package io.callarchive.correlate;

import static io.callarchive.correlate.Feed.T0;
import static io.callarchive.correlate.Feed.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.parse.freeswitch.FreeswitchFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hand-written FreeSWITCH call scenarios as {@code event plain} blocks (event-sources §3.3: URL-encoded values,
 * times in µs §3.5), read by the real format and enriched by the standard enrichers before correlation.
 * Numbering plan: the carrier caller +33612345678 (Alice) dials extension 2001 (Bob); 2002 is Carol.
 */
class FreeswitchCallsTest {
  private static final String A = "a1b2c3d4-0000-4000-8000-00000000000a";
  private static final String B = "a1b2c3d4-0000-4000-8000-00000000000b";
  private static final String C = "a1b2c3d4-0000-4000-8000-00000000000c";
  private static final String B2 = "a1b2c3d4-0000-4000-8000-0000000000b2";

  private static String us(double seconds) {
    return Long.toString(T0.toEpochMilli() * 1000 + Math.round(seconds * 1_000_000));
  }

  /** §3.3 percent-encoding: bytes outside 0x21..0x7E and the listed specials, uppercase hex. */
  private static String encode(String v) {
    StringBuilder b = new StringBuilder();
    for (byte x : v.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xFF;
      if (c < 0x21 || c > 0x7E || "#%&+:;<=>?@[\\]^{|}\"`".indexOf(c) >= 0) b.append(String.format("%%%02X", c));
      else b.append((char) c);
    }
    return b.toString();
  }

  /** One plain event block at {@code T0 + t}. */
  private static String event(double t, String name, String... kv) {
    StringBuilder b = new StringBuilder("Event-Name: ").append(name).append('\n');
    b.append("Core-UUID: 5e1f0000-0000-4000-8000-00000000c0re\n");
    b.append("FreeSWITCH-Hostname: fs1\n");
    b.append("Event-Date-Timestamp: ").append(us(t)).append('\n');
    for (int i = 0; i < kv.length; i += 2) b.append(kv[i]).append(": ").append(encode(kv[i + 1])).append('\n');
    return b.append('\n').toString();
  }

  /** The channel data of a leg (§3.4, §3.6) plus the extra headers. */
  private static String[] leg(String uid, double created, String... extra) {
    List<String> kv = new ArrayList<>();
    kv.addAll(List.of("Unique-ID", uid, "Caller-Unique-ID", uid));
    if (uid.equals(A)) {
      kv.addAll(List.of("Call-Direction", "inbound", "Channel-Name", "sofia/external/+33612345678@carrier.example",
          "Caller-Caller-ID-Number", "+33612345678", "Caller-Caller-ID-Name", "Alice",
          "Caller-Destination-Number", "2001", "Channel-Call-UUID", A));
    } else if (uid.equals(B)) {
      kv.addAll(List.of("Call-Direction", "outbound", "Channel-Name", "sofia/internal/2001@10.0.0.21",
          "Caller-Caller-ID-Number", "+33612345678", "Caller-Caller-ID-Name", "Alice",
          "Caller-Callee-ID-Number", "2001", "Caller-Callee-ID-Name", "Bob", "Caller-Destination-Number", "2001",
          "Other-Leg-Unique-ID", A, "variable_originating_leg_uuid", A, "Channel-Call-UUID", A));
    } else if (uid.equals(B2)) {
      // Bob's consultation call: a new inbound leg from his phone
      kv.addAll(List.of("Call-Direction", "inbound", "Channel-Name", "sofia/internal/2001@10.0.0.21",
          "Caller-Caller-ID-Number", "2001", "Caller-Caller-ID-Name", "Bob", "Caller-Destination-Number", "2002",
          "Channel-Call-UUID", B2));
    } else {
      kv.addAll(List.of("Call-Direction", "outbound", "Channel-Name", "sofia/internal/2002@10.0.0.22",
          "Caller-Callee-ID-Number", "2002", "Caller-Callee-ID-Name", "Carol", "Caller-Destination-Number", "2002"));
    }
    kv.addAll(List.of("Caller-Channel-Created-Time", us(created)));
    kv.addAll(List.of(extra));
    return kv.toArray(String[]::new);
  }

  private static String hangup(double t, String uid, double created, String cause, String q850, String... extra) {
    List<String> kv = new ArrayList<>(List.of(leg(uid, created)));
    kv.addAll(List.of("Hangup-Cause", cause, "variable_hangup_cause", cause, "variable_hangup_cause_q850", q850,
        "Caller-Channel-Hangup-Time", us(t)));
    kv.addAll(List.of(extra));
    return event(t, "CHANNEL_HANGUP_COMPLETE", kv.toArray(String[]::new));
  }

  private static MemorySummaries correlate(MemorySummaries store, String text) {
    return Feed.correlate(store, new FreeswitchFormat(), text, text.split("\n\n").length);
  }

  private static MemorySummaries correlate(String text) {
    return correlate(new MemorySummaries(), text);
  }


  /** Alice's leg and Bob's leg ringing. */
  private static String ringing() {
    return event(0, "CHANNEL_CREATE", leg(A, 0)) + event(1, "CHANNEL_CREATE", leg(B, 1))
        + event(1.2, "CHANNEL_PROGRESS", leg(B, 1));
  }

  /** Bob answers at 5 s and the two legs are bridged. */
  private static String answered() {
    return ringing()
        + event(5, "CHANNEL_ANSWER", leg(B, 1, "Caller-Channel-Answered-Time", us(5)))
        + event(5, "CHANNEL_ANSWER", leg(A, 0, "Caller-Channel-Answered-Time", us(5)))
        + event(5.1, "CHANNEL_BRIDGE", leg(A, 0, "Bridge-A-Unique-ID", A, "Bridge-B-Unique-ID", B));
  }

  private static void assertUnanswered(Doc d, double end, String cause, int q850, String category, Integer sip) {
    Feed.assertUnansweredCall(d, end, cause, q850, category);
    assertEquals(A, d.get("call.id"));
    assertEquals("+33612345678", d.get("caller.number"));
    assertEquals("Alice", d.get("caller.name"));
    assertEquals("2001", d.get("callee.number"));
    assertEquals("Bob", d.get("callee.name"), "the dialled leg names the party it rang");
    assertEquals(sip, d.get("hangup.sip_code"));
  }

  @Test
  void answeredCallHasEveryFieldFromItsTwoLegs() {
    Doc d = correlate(answered()
        + hangup(65, B, 1, "NORMAL_CLEARING", "16", "variable_sip_term_status", "200",
            "Caller-Channel-Answered-Time", us(5), "variable_sip_hangup_disposition", "recv_bye")
        + hangup(65.2, A, 0, "NORMAL_CLEARING", "16", "Caller-Channel-Answered-Time", us(5),
            "Caller-Callee-ID-Number", "2001", "Caller-Callee-ID-Name", "Bob"))
        .onlyCall();
    assertEquals(A, d.get("call.id"));
    assertEquals("freeswitch.esl", d.get("event.dataset"));
    Feed.assertAnsweredCall(d, 5, 65.2);
    assertEquals(List.of("sofia/external/+33612345678@carrier.example", "sofia/internal/2001@10.0.0.21"),
        d.get("call.channels"));
    assertEquals("+33612345678", d.get("caller.number"));
    assertEquals("Alice", d.get("caller.name"));
    assertEquals("2001", d.get("callee.number"));
    assertEquals("Bob", d.get("callee.name"));
    assertEquals(200, d.get("hangup.sip_code"));
    assertEquals(List.of(A, B), d.get("call.keys"));
  }

  @Test
  void busyCalleeGivesTheCallBusyAlthoughTheCallersLegSaysNormalClearing() {
    Doc d = correlate(ringing()
        + hangup(3, B, 1, "USER_BUSY", "17", "variable_sip_term_status", "486")
        + hangup(3.5, A, 0, "NORMAL_CLEARING", "16", "variable_originate_disposition", "USER_BUSY"))
        .onlyCall();
    assertUnanswered(d, 3.5, "USER_BUSY", 17, "busy", 486);
  }

  @Test
  void unansweredCalleeGivesTheCallNoAnswer() {
    Doc d = correlate(ringing()
        + hangup(31, B, 1, "NO_ANSWER", "19", "variable_sip_invite_failure_status", "487")
        + hangup(31.5, A, 0, "NORMAL_CLEARING", "16", "variable_originate_disposition", "NO_ANSWER"))
        .onlyCall();
    // no final response was received (the INVITE was cancelled): the cause enricher maps 19 to 480 (§10.2), and
    // schema.md's hangup.sip_code is "known or mapped"
    assertUnanswered(d, 31.5, "NO_ANSWER", 19, "no_answer", 480);
  }

  @Test
  void declinedCallIsRejected() {
    Doc d = correlate(ringing()
        + hangup(4, B, 1, "CALL_REJECTED", "21", "variable_sip_term_status", "603")
        + hangup(4.2, A, 0, "NORMAL_CLEARING", "16", "variable_originate_disposition", "CALL_REJECTED"))
        .onlyCall();
    assertUnanswered(d, 4.2, "CALL_REJECTED", 21, "rejected", 603);
  }

  @Test
  void blindTransferJoinsTheNewLegAndMarksTheCallTransferred() {
    // Bob REFERs Alice to 2002 (no Replaces): sofia fires sofia::transferor on his leg, Alice's leg runs the
    // dialplan again and originates Carol's leg with originating_leg_uuid = Alice's leg (§3.6)
    String text = answered()
        + event(30, "CUSTOM", leg(B, 1, "Event-Subclass", "sofia::transferor", "Caller-Channel-Answered-Time", us(5)))
        + hangup(30.2, B, 1, "BLIND_TRANSFER", "16", "variable_sip_term_status", "200",
            "Caller-Channel-Answered-Time", us(5))
        + event(31, "CHANNEL_CREATE", leg(C, 31, "Other-Leg-Unique-ID", A, "variable_originating_leg_uuid", A,
            "Channel-Call-UUID", A))
        + event(35, "CHANNEL_ANSWER", leg(C, 31, "Other-Leg-Unique-ID", A, "Channel-Call-UUID", A,
            "Caller-Channel-Answered-Time", us(35)))
        + hangup(90, C, 31, "NORMAL_CLEARING", "16", "Other-Leg-Unique-ID", A, "Channel-Call-UUID", A,
            "Caller-Channel-Answered-Time", us(35))
        + hangup(90.1, A, 0, "NORMAL_CLEARING", "16", "Caller-Channel-Answered-Time", us(5),
            "variable_transfer_history", "1763632830:" + B + ":bl_xfer:2002/default/XML");
    Doc d = correlate(text).onlyCall();
    assertEquals(A, d.get("call.id"));
    assertEquals(3, d.get("call.legs"));
    assertEquals(List.of(A, B, C), d.get("call.keys"));
    assertEquals(true, d.get("call.transferred"));
    assertEquals(true, d.get("call.answered"));
    assertEquals(true, d.get("call.complete"));
    assertEquals("inbound", d.get("call.direction"));
    assertEquals(at(5), d.get("call.answer"));
    assertEquals(at(90.1), d.get("call.end"));
    assertEquals(5.0, d.get("call.ring_s"));
    assertEquals(90.1, d.get("call.duration_s"));
    assertEquals(85.1, d.get("call.billsec_s"));
    assertEquals("+33612345678", d.get("caller.number"));
    assertEquals("2001", d.get("callee.number"), "the number Alice dialled, not where she was transferred");
    assertEquals("NORMAL_CLEARING", d.get("hangup.cause.name"));
    assertEquals(16, d.get("hangup.cause.q850"));
    assertEquals("answered", d.get("hangup.cause.category"));
  }

  @Test
  void attendedTransferMergesTheConsultationCallIntoTheFirstCall() {
    // Bob holds Alice, calls Carol (a new session B2 -> C), then REFERs with Replaces: sofia::replaced on his
    // consultation leg names the leg that replaced it (att_xfer_replaced_by, §3.6), and Alice ends up with Carol
    String text = answered()
        + event(20, "CHANNEL_CREATE", leg(B2, 20))
        + event(21, "CHANNEL_CREATE", leg(C, 21, "Other-Leg-Unique-ID", B2, "variable_originating_leg_uuid", B2,
            "Channel-Call-UUID", B2))
        + event(25, "CHANNEL_ANSWER", leg(C, 21, "Other-Leg-Unique-ID", B2, "Caller-Channel-Answered-Time", us(25)))
        + event(25, "CHANNEL_ANSWER", leg(B2, 20, "Caller-Channel-Answered-Time", us(25)))
        + event(40, "CUSTOM", leg(B2, 20, "Event-Subclass", "sofia::replaced", "att_xfer_replaced_by", A))
        + event(40.1, "CHANNEL_BRIDGE", leg(A, 0, "Bridge-A-Unique-ID", A, "Bridge-B-Unique-ID", C))
        + hangup(40.2, B2, 20, "ATTENDED_TRANSFER", "16", "Caller-Channel-Answered-Time", us(25))
        + hangup(40.3, B, 1, "ATTENDED_TRANSFER", "16", "Caller-Channel-Answered-Time", us(5))
        + hangup(100, C, 21, "NORMAL_CLEARING", "16", "Caller-Channel-Answered-Time", us(25))
        + hangup(100.1, A, 0, "NORMAL_CLEARING", "16", "Caller-Channel-Answered-Time", us(5));
    MemorySummaries store = correlate(text);
    Doc d = store.onlyCall();
    assertEquals(A, d.get("call.id"));
    assertEquals(4, d.get("call.legs"));
    assertEquals(List.of(A, B, C, B2), d.get("call.keys"), "sorted as text");
    assertEquals(true, d.get("call.transferred"));
    assertEquals(true, d.get("call.answered"));
    assertEquals(true, d.get("call.complete"));
    assertEquals("inbound", d.get("call.direction"));
    assertEquals(T0.toString(), d.get("call.start"));
    assertEquals(at(5), d.get("call.answer"));
    assertEquals(at(100.1), d.get("call.end"));
    assertEquals(100.1, d.get("call.duration_s"));
    assertEquals(95.1, d.get("call.billsec_s"));
    assertEquals("+33612345678", d.get("caller.number"));
    assertEquals("Alice", d.get("caller.name"));
    assertEquals("2001", d.get("callee.number"));
    assertEquals("answered", d.get("hangup.cause.category"));
    assertEquals(16, d.get("hangup.cause.q850"));
  }

  @Test
  void callSpanningTwoFilesGivesTheSameDocumentInEitherImportOrder() {
    String first = answered();
    String second = hangup(65, B, 1, "NORMAL_CLEARING", "16", "variable_sip_term_status", "200",
            "Caller-Channel-Answered-Time", us(5))
        + hangup(65.2, A, 0, "NORMAL_CLEARING", "16", "Caller-Channel-Answered-Time", us(5));
    Map<String, Map<String, Object>> whole = correlate(first + second).snapshot();
    MemorySummaries forward = correlate(new MemorySummaries(), first);
    Doc open = forward.onlyCall();
    assertEquals(false, open.get("call.complete"));
    assertEquals("unknown", open.get("event.outcome"));
    assertNull(open.get("call.end"));
    assertNull(open.get("call.duration_s"));
    assertNull(open.get("hangup.cause.name"), "no leg has ended yet");
    assertEquals("answered", open.get("hangup.cause.category"), "answered comes from the answer (§10.1)");
    correlate(forward, second);
    assertEquals(whole, forward.snapshot());
    MemorySummaries backward = correlate(new MemorySummaries(), second);
    Doc tail = backward.onlyCall();
    assertEquals(T0.toString(), tail.get("call.start"), "Caller-Channel-Created-Time of the later file");
    assertEquals(at(5), tail.get("call.answer"));
    correlate(backward, first);
    assertEquals(whole, backward.snapshot());
    Doc d = backward.onlyCall();
    assertEquals(true, d.get("call.complete"));
    assertEquals(65.2, d.get("call.duration_s"));
    assertEquals(60.2, d.get("call.billsec_s"));
    assertEquals(2, d.get("call.legs"));
  }

  private static String cc(double t, String action, String... kv) {
    List<String> all = new ArrayList<>(List.of(leg(A, 0)));
    all.addAll(List.of("Event-Subclass", "callcenter::info", "CC-Action", action, "CC-Queue", "support@default",
        "CC-Member-UUID", "0f0e0d0c-1111-4222-8333-444455556666", "CC-Member-Session-UUID", A,
        "CC-Member-CID-Name", "Alice", "CC-Member-CID-Number", "+33612345678"));
    all.addAll(List.of(kv));
    return event(t, "CUSTOM", all.toArray(String[]::new));
  }

  private static String sec(double t) {
    return Long.toString(T0.getEpochSecond() + Math.round(t)); // CC-*-Time are Unix seconds (§3.9)
  }

  @Test
  void callcenterAnsweredStayAndItsCall() {
    String text = event(0, "CHANNEL_CREATE", leg(A, 0))
        + event(1, "CHANNEL_ANSWER", leg(A, 0, "Caller-Channel-Answered-Time", us(1)))
        + cc(2, "member-queue-start", "CC-Member-Joined-Time", sec(2))
        + cc(3, "agent-offering", "CC-Agent", "1000@default", "CC-Agent-Type", "callback")
        + cc(18, "bridge-agent-fail", "CC-Agent", "1000@default", "CC-Hangup-Cause", "NO_ANSWER",
            "CC-Agent-Called-Time", sec(3), "CC-Agent-Aborted-Time", sec(18), "CC-Member-Joined-Time", sec(2))
        + event(19, "CHANNEL_CREATE", leg(C, 19, "Other-Leg-Unique-ID", A, "Channel-Call-UUID", A))
        + event(24, "CHANNEL_ANSWER", leg(C, 19, "Other-Leg-Unique-ID", A, "Caller-Channel-Answered-Time", us(24)))
        + cc(24, "bridge-agent-start", "CC-Agent", "1001@default", "CC-Agent-UUID", C,
            "CC-Agent-Called-Time", sec(19), "CC-Agent-Answered-Time", sec(24), "CC-Member-Joined-Time", sec(2))
        + cc(84, "bridge-agent-end", "CC-Agent", "1001@default", "CC-Agent-UUID", C, "CC-Hangup-Cause",
            "NORMAL_CLEARING", "CC-Agent-Bridged", "true", "CC-Agent-Called-Time", sec(19),
            "CC-Agent-Answered-Time", sec(24), "CC-Bridge-Terminated-Time", sec(84), "CC-Member-Joined-Time", sec(2))
        + cc(84, "member-queue-end", "CC-Cause", "Terminated", "CC-Cancel-Reason", "NONE",
            "CC-Hangup-Cause", "NORMAL_CLEARING", "CC-Agent", "1001@default", "CC-Member-Joined-Time", sec(2),
            "CC-Member-Leaving-Time", sec(84))
        + hangup(84, C, 19, "NORMAL_CLEARING", "16", "Caller-Channel-Answered-Time", us(24))
        + hangup(84.1, A, 0, "NORMAL_CLEARING", "16", "Caller-Channel-Answered-Time", us(1));
    MemorySummaries store = correlate(text);
    Doc q = store.onlyStay();
    assertEquals("support@default", q.get("queue.name"));
    assertEquals(at(2), q.get("queue.join"));
    assertEquals(at(84), q.get("queue.leave"));
    assertEquals("answered", q.get("queue.outcome"));
    assertEquals(22.0, q.get("queue.wait_s"), "Answered - Joined (§3.9)");
    assertEquals(60.0, q.get("queue.talk_s"));
    assertEquals("1001@default", q.get("agent.name"));
    assertEquals(1, q.get("queue.ring_no_answer"));
    assertEquals("+33612345678", q.get("caller.number"));
    assertEquals("Alice", q.get("caller.name"));
    Doc d = store.onlyCall();
    assertEquals("support@default", d.get("queue.name"));
    assertEquals(2, d.get("call.legs"));
    assertEquals(List.of(A, C), d.get("call.keys"));
    assertEquals(true, d.get("call.answered"));
    assertEquals(at(1), d.get("call.answer"), "the queue application answers the caller before any agent");
    assertEquals(1.0, d.get("call.ring_s"));
    assertEquals(84.1, d.get("call.duration_s"));
    assertEquals(83.1, d.get("call.billsec_s"));
    assertEquals("inbound", d.get("call.direction"));
    assertEquals("answered", d.get("hangup.cause.category"));
    assertEquals(true, d.get("call.complete"));
  }

  @Test
  void callcenterAbandonedStayAndItsCall() {
    String text = event(0, "CHANNEL_CREATE", leg(A, 0))
        + event(1, "CHANNEL_ANSWER", leg(A, 0, "Caller-Channel-Answered-Time", us(1)))
        + cc(2, "member-queue-start", "CC-Member-Joined-Time", sec(2))
        + cc(3, "agent-offering", "CC-Agent", "1000@default", "CC-Agent-Type", "callback")
        + cc(18, "bridge-agent-fail", "CC-Agent", "1000@default", "CC-Hangup-Cause", "ORIGINATOR_CANCEL",
            "CC-Agent-Called-Time", sec(3), "CC-Agent-Aborted-Time", sec(18), "CC-Member-Joined-Time", sec(2))
        + cc(18, "member-queue-end", "CC-Cause", "Cancel", "CC-Cancel-Reason", "NONE",
            "CC-Hangup-Cause", "NORMAL_CLEARING", "CC-Member-Joined-Time", sec(2), "CC-Member-Leaving-Time", sec(18))
        + hangup(18, A, 0, "NORMAL_CLEARING", "16", "Caller-Channel-Answered-Time", us(1),
            "variable_sip_hangup_disposition", "recv_bye");
    MemorySummaries store = correlate(text);
    Doc q = store.onlyStay();
    assertEquals("support@default", q.get("queue.name"));
    assertEquals(at(2), q.get("queue.join"));
    assertEquals(at(18), q.get("queue.leave"));
    assertEquals("abandoned", q.get("queue.outcome"));
    assertEquals(16.0, q.get("queue.wait_s"), "Leaving - Joined (§3.9)");
    assertNull(q.get("queue.talk_s"));
    assertNull(q.get("agent.name"));
    assertEquals(0, q.get("queue.ring_no_answer"), "the agent was still ringing when Alice hung up");
    Doc d = store.onlyCall();
    assertEquals("support@default", d.get("queue.name"));
    assertEquals(1, d.get("call.legs"));
    assertEquals(true, d.get("call.answered"), "the queue answered the caller; no agent ever did");
    assertEquals(18.0, d.get("call.duration_s"));
    assertEquals(17.0, d.get("call.billsec_s"));
    assertEquals("answered", d.get("hangup.cause.category"));
    assertEquals("2001", d.get("callee.number"));
    assertEquals(true, d.get("call.complete"));
  }
}
