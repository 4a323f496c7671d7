package io.callarchive.correlate;

import static io.callarchive.correlate.Feed.T0;
import static io.callarchive.correlate.Feed.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.parse.ccs.CcsFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hand-written ccs scenarios in the canonical shape of event-sources §5.3 (a proposal: the real field names are
 * undocumented, §5.1), read by the real format and enriched by the standard enrichers. A call is a leg, a
 * connection a dialog, a seance the session with its transfer chain. Alice (+4930111) calls 8800 and is served by
 * Bob (2001); 2002 is Carol.
 */
class CcsCallsTest {
  private static int seq;

  private static String ev(String type, double t, String data) {
    String ts = T0.plusMillis(Math.round(t * 1000)).toString();
    return "{\"class\":\"ccsevents\",\"type\":\"" + type + "\",\"id\":\"ev-" + (++seq) + "\",\"ts\":\"" + ts
        + "\",\"domain\":\"sales.example.com\",\"data\":{" + data + "}}\n";
  }

  private static String call(String type, double t, String call, String seance, String extra) {
    return ev(type, t, "\"call_id\":\"" + call + "\"" + (seance == null ? "" : ",\"seance_id\":\"" + seance + "\"")
        + extra);
  }

  private static MemorySummaries correlate(MemorySummaries store, String text) {
    return Feed.correlate(store, new CcsFormat(), text, text.split("\n").length);
  }

  private static MemorySummaries correlate(String text) {
    return correlate(new MemorySummaries(), text);
  }


  /** Alice's call enters seance s-1 and the platform calls Bob over connection k-1. */
  private static String ringing() {
    return call("call_create", 0, "c-1", null,
            ",\"direction\":\"in\",\"number\":\"+4930111\",\"remote_number\":\"8800\",\"state\":\"created\"")
        + ev("seance_create", 0, "\"seance_id\":\"s-1\",\"state\":\"created\"")
        + call("call_attach_to_seance", 0, "c-1", "s-1", "")
        + ev("connection_create", 1, "\"connection_id\":\"k-1\",\"seance_id\":\"s-1\"")
        + call("call_create", 1, "c-2", "s-1",
            ",\"direction\":\"out\",\"number\":\"2001\",\"remote_number\":\"+4930111\",\"state\":\"created\"")
        + ev("connection_link_call", 1, "\"connection_id\":\"k-1\",\"call_id\":\"c-1\",\"seance_id\":\"s-1\"")
        + ev("connection_link_call", 1, "\"connection_id\":\"k-1\",\"call_id\":\"c-2\",\"seance_id\":\"s-1\"")
        + call("call_set_state", 2, "c-2", "s-1", ",\"state\":\"ringing\",\"prev_state\":\"created\"");
  }

  private static String answered() {
    return ringing()
        + call("call_set_state", 6, "c-2", "s-1", ",\"state\":\"connected\",\"prev_state\":\"ringing\"")
        + call("call_set_state", 6, "c-1", "s-1", ",\"state\":\"connected\",\"prev_state\":\"created\"");
  }

  /** The attempt to reach Bob fails with the given cause (§5.3 {@code failure}) and Alice's call ends. */
  private static String failed(double t, String reason, int sip, int q850) {
    String failure = ",\"failure\":{\"reason\":\"" + reason + "\",\"sip_code\":" + sip + ",\"q850\":" + q850 + "}";
    return ringing()
        + ev("connection_failure", t, "\"connection_id\":\"k-1\",\"call_id\":\"c-2\",\"seance_id\":\"s-1\"" + failure)
        + call("call_delete", t, "c-2", "s-1", ",\"state\":\"finished\"")
        + call("call_delete", t + 0.5, "c-1", "s-1", ",\"state\":\"finished\"")
        + ev("seance_delete", t + 0.5, "\"seance_id\":\"s-1\"");
  }

  private static void assertUnanswered(Doc d, double end, int q850, String name, String category, int sip) {
    Feed.assertUnansweredCall(d, end, name, q850, category);
    assertEquals("s-1", d.get("call.id"));
    assertEquals("ccs.events", d.get("event.dataset"));
    assertEquals(List.of("c-1", "c-2", "connection:k-1", "seance:s-1"), d.get("call.keys"));
    assertEquals("+4930111", d.get("caller.number"));
    assertEquals("8800", d.get("callee.number"));
    assertNull(d.get("callee.name"), "§5.3 has numbers only");
    assertEquals(sip, d.get("hangup.sip_code"));
  }

  @Test
  void answeredCallHasEveryFieldFromItsTwoCalls() {
    Doc d = correlate(answered()
        + call("call_delete", 66, "c-2", "s-1", ",\"state\":\"finished\"")
        + call("call_delete", 66.5, "c-1", "s-1", ",\"state\":\"finished\"")
        + ev("connection_delete", 66.5, "\"connection_id\":\"k-1\",\"seance_id\":\"s-1\"")
        + ev("seance_delete", 66.5, "\"seance_id\":\"s-1\""))
        .onlyCall();
    assertEquals("s-1", d.get("call.id"));
    assertEquals(2, d.get("call.legs"));
    assertEquals(List.of("c-1", "c-2", "connection:k-1", "seance:s-1"), d.get("call.keys"));
    assertEquals("inbound", d.get("call.direction"));
    assertEquals(true, d.get("call.answered"));
    assertEquals(T0.toString(), d.get("call.start"));
    assertEquals(at(6), d.get("call.answer"));
    assertEquals(at(66.5), d.get("call.end"));
    assertEquals(6.0, d.get("call.ring_s"));
    assertEquals(66.5, d.get("call.duration_s"));
    assertEquals(60.5, d.get("call.billsec_s"));
    assertEquals("+4930111", d.get("caller.number"));
    assertEquals("8800", d.get("callee.number"));
    assertNull(d.get("hangup.cause.q850"), "ccs reports causes of failures only (§5.3)");
    assertNull(d.get("hangup.cause.name"));
    assertEquals("answered", d.get("hangup.cause.category"));
    assertEquals(false, d.get("call.transferred"));
    assertEquals(true, d.get("call.complete"));
    assertEquals("success", d.get("event.outcome"));
    assertNull(d.get("queue.name"));
    assertNull(d.get("sdp.codecs"), "no SDP in these events");
    assertNull(d.get("quality.mos_min"), "no RTCP in these events");
    assertNull(d.get("charge.amount"), "no AOC in these events");
  }

  @Test
  void busyAttemptGivesTheCallBusy() {
    assertUnanswered(correlate(failed(3, "busy", 486, 17)).onlyCall(), 3.5, 17, "USER_BUSY", "busy", 486);
  }

  @Test
  void unansweredAttemptGivesTheCallNoAnswer() {
    assertUnanswered(correlate(failed(31, "no answer", 480, 19)).onlyCall(), 31.5, 19, "NO_ANSWER", "no_answer",
        480);
  }

  @Test
  void declinedAttemptIsRejected() {
    assertUnanswered(correlate(failed(4, "declined", 603, 21)).onlyCall(), 4.5, 21, "CALL_REJECTED", "rejected",
        603);
  }

  @Test
  void blindTransferKeepsTheNewCallInTheSeance() {
    // Bob hands Alice to 2002: the seance gets the next number and a new call to Carol (§5.1, §5.4)
    String text = answered()
        + ev("seance_set_next_number", 30, "\"seance_id\":\"s-1\",\"next_number\":\"2002\"")
        + call("call_delete", 30.5, "c-2", "s-1", ",\"state\":\"finished\"")
        + call("call_create", 31, "c-3", "s-1",
            ",\"direction\":\"out\",\"number\":\"2002\",\"remote_number\":\"+4930111\",\"state\":\"created\"")
        + call("call_set_state", 35, "c-3", "s-1", ",\"state\":\"connected\",\"prev_state\":\"ringing\"")
        + call("call_delete", 90, "c-3", "s-1", ",\"state\":\"finished\"")
        + call("call_delete", 90.5, "c-1", "s-1", ",\"state\":\"finished\"");
    Doc d = correlate(text).onlyCall();
    assertEquals("s-1", d.get("call.id"));
    assertEquals(3, d.get("call.legs"));
    assertEquals(List.of("c-1", "c-2", "c-3", "connection:k-1", "seance:s-1"), d.get("call.keys"));
    assertEquals(true, d.get("call.transferred"));
    assertEquals(true, d.get("call.answered"));
    assertEquals(true, d.get("call.complete"));
    assertEquals("inbound", d.get("call.direction"));
    assertEquals(at(6), d.get("call.answer"));
    assertEquals(at(90.5), d.get("call.end"));
    assertEquals(6.0, d.get("call.ring_s"));
    assertEquals(90.5, d.get("call.duration_s"));
    assertEquals(84.5, d.get("call.billsec_s"));
    assertEquals("+4930111", d.get("caller.number"));
    assertEquals("8800", d.get("callee.number"));
    assertEquals("answered", d.get("hangup.cause.category"));
  }

  @Test
  void attendedTransferAttachesTheConsultationCallsToTheFirstSeance() {
    // Bob's consultation is its own seance s-2 until the transfer attaches its calls and connection to s-1
    String text = answered()
        + call("call_create", 20, "c-4", null,
            ",\"direction\":\"in\",\"number\":\"2001\",\"remote_number\":\"2002\",\"state\":\"created\"")
        + call("call_attach_to_seance", 20, "c-4", "s-2", "")
        + call("call_create", 21, "c-5", "s-2",
            ",\"direction\":\"out\",\"number\":\"2002\",\"remote_number\":\"2001\",\"state\":\"created\"")
        + call("call_set_state", 25, "c-5", "s-2", ",\"state\":\"connected\"")
        + call("call_set_state", 25, "c-4", "s-2", ",\"state\":\"connected\"")
        + ev("seance_set_next_number", 40, "\"seance_id\":\"s-1\",\"next_number\":\"2002\"")
        + call("call_attach_to_seance", 40, "c-5", "s-1", "")
        + call("call_delete", 40.2, "c-4", "s-2", ",\"state\":\"finished\"")
        + call("call_delete", 40.2, "c-2", "s-1", ",\"state\":\"finished\"")
        + call("call_delete", 100, "c-5", "s-1", ",\"state\":\"finished\"")
        + call("call_delete", 100.5, "c-1", "s-1", ",\"state\":\"finished\"");
    Doc d = correlate(text).onlyCall();
    assertEquals("s-1", d.get("call.id"));
    assertEquals(4, d.get("call.legs"));
    assertEquals(List.of("c-1", "c-2", "c-4", "c-5", "connection:k-1", "seance:s-1", "seance:s-2"),
        d.get("call.keys"));
    assertEquals(true, d.get("call.transferred"));
    assertEquals(true, d.get("call.answered"));
    assertEquals(true, d.get("call.complete"));
    assertEquals("inbound", d.get("call.direction"));
    assertEquals(T0.toString(), d.get("call.start"));
    assertEquals(at(6), d.get("call.answer"));
    assertEquals(at(100.5), d.get("call.end"));
    assertEquals(100.5, d.get("call.duration_s"));
    assertEquals(94.5, d.get("call.billsec_s"));
    assertEquals("+4930111", d.get("caller.number"));
    assertEquals("8800", d.get("callee.number"));
    assertEquals("answered", d.get("hangup.cause.category"));
  }

  @Test
  void callSpanningTwoFilesGivesTheSameDocumentInEitherImportOrder() {
    String first = answered();
    String second = call("call_delete", 66, "c-2", "s-1", ",\"state\":\"finished\"")
        + call("call_delete", 66.5, "c-1", "s-1", ",\"state\":\"finished\"");
    Map<String, Map<String, Object>> whole = correlate(first + second).snapshot();
    MemorySummaries forward = correlate(new MemorySummaries(), first);
    Doc open = forward.onlyCall();
    assertEquals(false, open.get("call.complete"));
    assertEquals("unknown", open.get("event.outcome"));
    assertNull(open.get("call.end"));
    correlate(forward, second);
    assertEquals(whole, forward.snapshot());
    MemorySummaries backward = correlate(new MemorySummaries(), second);
    correlate(backward, first);
    assertEquals(whole, backward.snapshot());
    Doc d = backward.onlyCall();
    assertEquals(true, d.get("call.complete"));
    assertEquals(2, d.get("call.legs"));
    assertEquals(T0.toString(), d.get("call.start"));
    assertEquals(66.5, d.get("call.duration_s"));
    assertEquals(60.5, d.get("call.billsec_s"));
  }
}
