package io.callarchive.correlate;

import static io.callarchive.correlate.Feed.T0;
import static io.callarchive.correlate.Feed.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.parse.kazoo.KazooFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hand-written Kazoo call scenarios as ecallmgr publishes them on {@code callevt} (event-sources §4.2, §4.3:
 * flat JSON, {@code Timestamp} in Gregorian seconds and {@code Msg-ID} in Unix µs, §4.4), read by the real format
 * and enriched by the standard enrichers. Alice (+4930111) calls extension 2001 (Bob); 2002 is Carol.
 */
class KazooCallsTest {
  private static final long GREGORIAN_UNIX_OFFSET = 62_167_219_200L; // §4.4
  /** When each leg was created, seconds after T0 (Channel-Created-Time is on every call event, §4.3). */
  private static final Map<String, Double> CREATED =
      Map.of("a-leg", 0.0, "b-leg", 1.0, "b2-leg", 20.0, "c-leg", 31.0, "c2-leg", 21.0);

  /** A call event of leg {@code leg} at {@code T0 + t} (whole or half seconds) with extra JSON members. */
  private static String ev(String name, double t, String leg, String other, String bridgeId, String extra) {
    long micros = T0.toEpochMilli() * 1000 + Math.round(t * 1_000_000);
    String parties = switch (leg) {
      case "a-leg" -> "\"Call-Direction\":\"inbound\",\"Caller-ID-Number\":\"+4930111\",\"Caller-ID-Name\":\"Alice\","
          + "\"Request\":\"2001@realm.example\",\"Channel-Name\":\"sofia/sipinterface_1/+4930111@carrier.example\"";
      case "b2-leg" -> "\"Call-Direction\":\"inbound\",\"Caller-ID-Number\":\"2001\",\"Caller-ID-Name\":\"Bob\","
          + "\"Request\":\"2002@realm.example\",\"Channel-Name\":\"sofia/sipinterface_1/2001@realm.example\"";
      case "b-leg" -> "\"Call-Direction\":\"outbound\",\"Caller-ID-Number\":\"+4930111\",\"Caller-ID-Name\":"
          + "\"Alice\",\"Callee-ID-Number\":\"2001\",\"Callee-ID-Name\":\"Bob\","
          + "\"Channel-Name\":\"sofia/sipinterface_1/2001@10.0.0.21\"";
      default -> "\"Call-Direction\":\"outbound\",\"Caller-ID-Number\":\""
          + (other.equals("b2-leg") ? "2001" : "+4930111")
          + "\",\"Callee-ID-Number\":\"2002\",\"Callee-ID-Name\":\"Carol\","
          + "\"Channel-Name\":\"sofia/sipinterface_1/2002@10.0.0.22\"";
    };
    return "{\"Event-Name\":\"" + name + "\",\"Event-Category\":\"call_event\",\"App-Name\":\"ecallmgr\","
        + "\"App-Version\":\"4.3.0\",\"Msg-ID\":\"" + micros + "\",\"Call-ID\":\"" + leg + "\","
        + "\"Channel-Created-Time\":" + (T0.toEpochMilli() * 1000 + Math.round(CREATED.get(leg) * 1_000_000)) + ","
        + (other == null ? "" : "\"Other-Leg-Call-ID\":\"" + other + "\",") + parties + ","
        + "\"Custom-Channel-Vars\":{\"Account-ID\":\"3f2a9c1e5b7d4e6f8a0b1c2d3e4f5a6b\",\"Bridge-ID\":\"" + bridgeId
        + "\"},\"Media-Server\":\"fs1.realm.example\"" + extra
        + ",\"Timestamp\":" + (T0.getEpochSecond() + (long) Math.floor(t) + GREGORIAN_UNIX_OFFSET) + "}\n";
  }

  private static String destroy(double t, String leg, String other, String bridgeId, String cause, String code) {
    return ev("CHANNEL_DESTROY", t, leg, other, bridgeId, ",\"Hangup-Cause\":\"" + cause + "\""
        + (code == null ? "" : ",\"Hangup-Code\":\"sip:" + code + "\""));
  }

  private static MemorySummaries correlate(MemorySummaries store, String text) {
    return Feed.correlate(store, new KazooFormat(), text, text.split("\n").length);
  }

  private static MemorySummaries correlate(String text) {
    return correlate(new MemorySummaries(), text);
  }


  private static String ringing() {
    return ev("CHANNEL_CREATE", 0, "a-leg", null, "a-leg", "")
        + ev("CHANNEL_CREATE", 1, "b-leg", "a-leg", "a-leg", "");
  }

  private static String answered() {
    return ringing()
        + ev("CHANNEL_ANSWER", 5, "b-leg", "a-leg", "a-leg", "")
        + ev("CHANNEL_ANSWER", 5, "a-leg", null, "a-leg", "")
        + ev("CHANNEL_BRIDGE", 5, "a-leg", "b-leg", "a-leg",
            ",\"Bridge-B-Unique-ID\":\"b-leg\",\"Callee-ID-Number\":\"2001\",\"Callee-ID-Name\":\"Bob\"");
  }

  private static void assertUnanswered(Doc d, double end, String cause, int q850, String category, Integer sip) {
    Feed.assertUnansweredCall(d, end, cause, q850, category);
    assertEquals("a-leg", d.get("call.id"));
    assertEquals("kazoo.amqp", d.get("event.dataset"));
    assertEquals(List.of("a-leg", "b-leg"), d.get("call.keys"));
    assertEquals("+4930111", d.get("caller.number"));
    assertEquals("Alice", d.get("caller.name"));
    assertEquals("2001", d.get("callee.number"));
    assertEquals("Bob", d.get("callee.name"), "the dialled leg names the party it rang");
    assertEquals(sip, d.get("hangup.sip_code"));
  }

  @Test
  void answeredCallHasEveryFieldFromItsTwoLegs() {
    Doc d = correlate(answered()
        + destroy(65, "b-leg", "a-leg", "a-leg", "NORMAL_CLEARING", "200")
        + destroy(65.5, "a-leg", "b-leg", "a-leg", "NORMAL_CLEARING", null))
        .onlyCall();
    assertEquals("a-leg", d.get("call.id"));
    Feed.assertAnsweredCall(d, 5, 65.5);
    assertEquals(List.of("a-leg", "b-leg"), d.get("call.keys"));
    assertEquals(List.of("sofia/sipinterface_1/+4930111@carrier.example", "sofia/sipinterface_1/2001@10.0.0.21"),
        d.get("call.channels"));
    assertEquals("+4930111", d.get("caller.number"));
    assertEquals("Alice", d.get("caller.name"));
    assertEquals("2001", d.get("callee.number"));
    assertEquals("Bob", d.get("callee.name"));
    assertEquals(200, d.get("hangup.sip_code"));
  }

  @Test
  void busyCalleeGivesTheCallBusy() {
    Doc d = correlate(ringing()
        + destroy(3, "b-leg", "a-leg", "a-leg", "USER_BUSY", "486")
        + destroy(3.5, "a-leg", null, "a-leg", "NORMAL_CLEARING", null))
        .onlyCall();
    assertUnanswered(d, 3.5, "USER_BUSY", 17, "busy", 486);
  }

  @Test
  void unansweredCalleeGivesTheCallNoAnswer() {
    Doc d = correlate(ringing()
        + destroy(31, "b-leg", "a-leg", "a-leg", "NO_ANSWER", "480")
        + destroy(31.5, "a-leg", null, "a-leg", "NORMAL_CLEARING", null))
        .onlyCall();
    assertUnanswered(d, 31.5, "NO_ANSWER", 19, "no_answer", 480);
  }

  @Test
  void declinedCallIsRejected() {
    Doc d = correlate(ringing()
        + destroy(4, "b-leg", "a-leg", "a-leg", "CALL_REJECTED", "603")
        + destroy(4.5, "a-leg", null, "a-leg", "NORMAL_CLEARING", null))
        .onlyCall();
    assertUnanswered(d, 4.5, "CALL_REJECTED", 21, "rejected", 603);
  }

  @Test
  void blindTransferJoinsTheNewLegAndMarksTheCallTransferred() {
    // Bob blind-transfers Alice to 2002: TRANSFEROR on his leg, TRANSFEREE on hers, then the leg to Carol is
    // bridged to Alice's and carries her Bridge-ID (§4.3, §4.5)
    String text = answered()
        + ev("CHANNEL_TRANSFEROR", 30, "b-leg", "a-leg", "a-leg",
            ",\"Transfer-Type\":\"blind\",\"Transfer-To\":\"2002\"")
        + ev("CHANNEL_TRANSFEREE", 30, "a-leg", "b-leg", "a-leg", ",\"Transfer-Source\":\"b-leg\"")
        + destroy(30.5, "b-leg", "a-leg", "a-leg", "BLIND_TRANSFER", null)
        + ev("CHANNEL_CREATE", 31, "c-leg", "a-leg", "a-leg", "")
        + ev("CHANNEL_ANSWER", 35, "c-leg", "a-leg", "a-leg", "")
        + destroy(90, "c-leg", "a-leg", "a-leg", "NORMAL_CLEARING", "200")
        + destroy(90.5, "a-leg", "c-leg", "a-leg", "NORMAL_CLEARING", null);
    Doc d = correlate(text).onlyCall();
    assertEquals("a-leg", d.get("call.id"));
    assertEquals(3, d.get("call.legs"));
    assertEquals(List.of("a-leg", "b-leg", "c-leg"), d.get("call.keys"));
    assertEquals(true, d.get("call.transferred"));
    assertEquals(true, d.get("call.answered"));
    assertEquals(true, d.get("call.complete"));
    assertEquals("inbound", d.get("call.direction"));
    assertEquals(at(5), d.get("call.answer"));
    assertEquals(at(90.5), d.get("call.end"));
    assertEquals(5.0, d.get("call.ring_s"));
    assertEquals(90.5, d.get("call.duration_s"));
    assertEquals(85.5, d.get("call.billsec_s"));
    assertEquals("+4930111", d.get("caller.number"));
    assertEquals("2001", d.get("callee.number"), "the number Alice dialled");
    assertEquals("NORMAL_CLEARING", d.get("hangup.cause.name"));
    assertEquals(16, d.get("hangup.cause.q850"));
    assertEquals("answered", d.get("hangup.cause.category"));
  }

  @Test
  void attendedTransferMergesTheConsultationCallIntoTheFirstCall() {
    // Bob's consultation call is its own session (Bridge-ID b2-leg) until the REFER with Replaces: CHANNEL_REPLACED
    // on his consultation leg names the leg that replaced it (Replaced-By, §4.3) and Alice is bridged to Carol
    String text = answered()
        + ev("CHANNEL_CREATE", 20, "b2-leg", null, "b2-leg", "")
        + ev("CHANNEL_CREATE", 21, "c2-leg", "b2-leg", "b2-leg", "")
        + ev("CHANNEL_ANSWER", 25, "c2-leg", "b2-leg", "b2-leg", "")
        + ev("CHANNEL_ANSWER", 25, "b2-leg", "c2-leg", "b2-leg", "")
        + ev("CHANNEL_TRANSFEROR", 40, "b-leg", "a-leg", "a-leg",
            ",\"Transfer-Type\":\"attended\",\"Transfer-To\":\"2002\"")
        + ev("CHANNEL_REPLACED", 40, "b2-leg", "c2-leg", "b2-leg", ",\"Replaced-By\":\"a-leg\"")
        + ev("CHANNEL_BRIDGE", 40, "a-leg", "c2-leg", "a-leg", ",\"Bridge-B-Unique-ID\":\"c2-leg\"")
        + destroy(40.5, "b2-leg", null, "b2-leg", "ATTENDED_TRANSFER", null)
        + destroy(40.5, "b-leg", null, "a-leg", "ATTENDED_TRANSFER", null)
        + destroy(100, "c2-leg", "a-leg", "b2-leg", "NORMAL_CLEARING", "200")
        + destroy(100.5, "a-leg", "c2-leg", "a-leg", "NORMAL_CLEARING", null);
    Doc d = correlate(text).onlyCall();
    assertEquals("a-leg", d.get("call.id"));
    assertEquals(4, d.get("call.legs"));
    assertEquals(List.of("a-leg", "b-leg", "b2-leg", "c2-leg"), d.get("call.keys"));
    assertEquals(true, d.get("call.transferred"));
    assertEquals(true, d.get("call.answered"));
    assertEquals(true, d.get("call.complete"));
    assertEquals("inbound", d.get("call.direction"));
    assertEquals(T0.toString(), d.get("call.start"));
    assertEquals(at(5), d.get("call.answer"));
    assertEquals(at(100.5), d.get("call.end"));
    assertEquals(100.5, d.get("call.duration_s"));
    assertEquals(95.5, d.get("call.billsec_s"));
    assertEquals("+4930111", d.get("caller.number"));
    assertEquals("Alice", d.get("caller.name"));
    assertEquals("2001", d.get("callee.number"));
    assertEquals("answered", d.get("hangup.cause.category"));
    assertEquals(16, d.get("hangup.cause.q850"));
  }

  @Test
  void callSpanningTwoFilesGivesTheSameDocumentInEitherImportOrder() {
    String first = answered();
    String second = destroy(65, "b-leg", "a-leg", "a-leg", "NORMAL_CLEARING", "200")
        + destroy(65.5, "a-leg", "b-leg", "a-leg", "NORMAL_CLEARING", null);
    Map<String, Map<String, Object>> whole = correlate(first + second).snapshot();
    MemorySummaries forward = correlate(new MemorySummaries(), first);
    Doc open = forward.onlyCall();
    assertEquals(false, open.get("call.complete"));
    assertEquals("unknown", open.get("event.outcome"));
    assertNull(open.get("call.end"));
    assertNull(open.get("call.duration_s"));
    correlate(forward, second);
    assertEquals(whole, forward.snapshot());
    MemorySummaries backward = correlate(new MemorySummaries(), second);
    assertEquals(T0.toString(), backward.onlyCall().get("call.start"), "Channel-Created-Time of the later file");
    correlate(backward, first);
    assertEquals(whole, backward.snapshot());
    Doc d = backward.onlyCall();
    assertEquals(true, d.get("call.complete"));
    assertEquals(T0.toString(), d.get("call.start"));
    assertEquals(65.5, d.get("call.duration_s"));
    assertEquals(60.5, d.get("call.billsec_s"));
    assertEquals(2, d.get("call.legs"));
  }

  /**
   * A crossbar webhook delivery (snake_case keys, the event name in {@code hook_event}, {@code timestamp} as quoted
   * Gregorian seconds), the shape of Kazoo's webhook samples: no Bridge-ID and no Channel-Created-Time.
   */
  private static String hook(String event, int t, String leg, String other, String parties, String extra) {
    return "{\"account_id\":\"3f2a9c1e5b7d4e6f8a0b1c2d3e4f5a6b\",\"hook_event\":\"" + event + "\",\"call_id\":\""
        + leg + "\",\"other_leg_call_id\":\"" + other + "\"," + parties
        + ",\"custom_channel_vars\":{},\"is_internal_leg\":false" + extra
        + ",\"timestamp\":\"" + (T0.getEpochSecond() + t + GREGORIAN_UNIX_OFFSET) + "\"}\n";
  }

  @Test
  void webhookDeliveriesOfBothLegsMakeOneAnsweredCall() {
    String a = "\"call_direction\":\"inbound\",\"caller_id_number\":\"+4930111\",\"caller_id_name\":\"Alice\","
        + "\"request\":\"2001@realm.example\"";
    String b = "\"call_direction\":\"outbound\",\"caller_id_number\":\"+4930111\",\"caller_id_name\":\"Alice\","
        + "\"callee_id_number\":\"2001\",\"callee_id_name\":\"Bob\"";
    String bye = ",\"hangup_cause\":\"NORMAL_CLEARING\",\"hangup_code\":\"sip:200\"";
    Doc d = correlate(hook("channel_create", 0, "a-leg", "b-leg", a, "")
        + hook("channel_create", 1, "b-leg", "a-leg", b, "")
        + hook("channel_answer", 5, "b-leg", "a-leg", b, "")
        + hook("channel_answer", 5, "a-leg", "b-leg", a, "")
        + hook("channel_bridge", 5, "a-leg", "b-leg", a, ",\"other_leg_destination_number\":\"2001\"")
        + hook("channel_destroy", 65, "b-leg", "a-leg", b, bye)
        + hook("channel_destroy", 65, "a-leg", "b-leg", a, bye))
        .onlyCall();
    Feed.assertAnsweredCall(d, 5, 65);
    assertEquals(List.of("a-leg", "b-leg"), d.get("call.keys"));
    assertEquals("+4930111", d.get("caller.number"));
    assertEquals("Alice", d.get("caller.name"));
    assertEquals("2001", d.get("callee.number"));
    assertEquals("Bob", d.get("callee.name"));
    assertEquals(200, d.get("hangup.sip_code"));
  }
}
