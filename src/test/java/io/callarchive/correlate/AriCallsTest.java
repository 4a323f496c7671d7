package io.callarchive.correlate;

import static io.callarchive.correlate.Feed.T0;
import static io.callarchive.correlate.Feed.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.parse.ari.AriFormat;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hand-written ARI call scenarios as a {@code subscribeAll} application receives them while the dialplan runs
 * {@code Dial} (event-sources §2.2 envelope, §2.3 channel and bridge models, §2.4 catalogue, §2.5 timestamps),
 * without {@code CHANNEL(linkedid)} in channelvars, so sessions come from Dial, bridges and transfers (§2.6).
 * Alice (+33612345678, trunk) dials 2001 (Bob); 2002 is Carol.
 */
class AriCallsTest {
  private static final DateTimeFormatter ARI_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC); // §2.5: +0000, no colon

  private static String time(double t) {
    return ARI_TIME.format(T0.plusMillis(Math.round(t * 1000)));
  }

  private record Chan(String id, String name, String number, String cidName, String exten, double created) {}

  private static final Chan ALICE =
      new Chan("1763632800.1", "PJSIP/trunk-00000001", "+33612345678", "Alice", "2001", 0);
  private static final Chan BOB = new Chan("1763632801.2", "PJSIP/2001-00000002", "2001", "Bob", "s", 1);
  private static final Chan CAROL = new Chan("1763632831.3", "PJSIP/2002-00000003", "2002", "Carol", "s", 31);
  private static final Chan BOB2 = new Chan("1763632820.4", "PJSIP/2001-00000004", "2001", "Bob", "2002", 20);
  private static final Chan CAROL2 = new Chan("1763632821.5", "PJSIP/2002-00000005", "2002", "Carol", "s", 21);

  /** The channel model of §2.3 in the given state, connected to {@code peer} when not null. */
  private static String chan(Chan c, String state, Chan peer) {
    return "{\"id\":\"" + c.id + "\",\"name\":\"" + c.name + "\",\"state\":\"" + state + "\",\"caller\":{\"name\":\""
        + c.cidName + "\",\"number\":\"" + c.number + "\"},\"connected\":{\"name\":\""
        + (peer == null ? "" : peer.cidName) + "\",\"number\":\"" + (peer == null ? "" : peer.number) + "\"},"
        + "\"accountcode\":\"\",\"dialplan\":{\"context\":\"default\",\"exten\":\"" + c.exten + "\",\"priority\":1,"
        + "\"app_name\":\"\",\"app_data\":\"\"},\"creationtime\":\"" + time(c.created) + "\",\"language\":\"en\"}";
  }

  private static String ev(String type, double t, String body) {
    return "{\"type\":\"" + type + "\",\"timestamp\":\"" + time(t) + "\",\"asterisk_id\":\"08:00:27:ab:cd:ef\","
        + "\"application\":\"archiver\"," + body + "}\n";
  }

  private static String created(Chan c) {
    // the channel calling in rings the PBX; the channels the PBX dials start Down (§11.1)
    String state = c == BOB || c == CAROL || c == CAROL2 ? "Down" : "Ring";
    return ev("ChannelCreated", c.created, "\"channel\":" + chan(c, state, null));
  }

  private static String state(double t, Chan c, String state, Chan peer) {
    return ev("ChannelStateChange", t, "\"channel\":" + chan(c, state, peer));
  }

  private static String dial(double t, Chan caller, Chan peer, String peerState, String status) {
    return ev("Dial", t, "\"caller\":" + chan(caller, "Ring", null) + ",\"peer\":" + chan(peer, peerState, caller)
        + (status.isEmpty() ? ",\"dialstring\":\"" + peer.number + "\"" : "") + ",\"dialstatus\":\"" + status + "\"");
  }

  private static String bridge(String id, String... channels) {
    return "{\"id\":\"" + id + "\",\"technology\":\"simple_bridge\",\"bridge_type\":\"mixing\",\"bridge_class\":"
        + "\"basic\",\"creator\":\"\",\"name\":\"\",\"channels\":[" + String.join(",", channels.length == 0
            ? List.of() : java.util.Arrays.stream(channels).map(x -> "\"" + x + "\"").toList())
        + "],\"creationtime\":\"" + time(0) + "\",\"video_mode\":\"talker\"}";
  }

  private static String entered(double t, String bridgeId, Chan c, String state, Chan peer) {
    return ev("ChannelEnteredBridge", t,
        "\"bridge\":" + bridge(bridgeId, c.id) + ",\"channel\":" + chan(c, state, peer));
  }

  private static String destroyed(double t, Chan c, String state, Chan peer, int cause, String text) {
    return ev("ChannelDestroyed", t, "\"cause\":" + cause + ",\"cause_txt\":\"" + text + "\",\"channel\":"
        + chan(c, state, peer));
  }

  private static MemorySummaries correlate(MemorySummaries store, String text) {
    return Feed.correlate(store, new AriFormat(), text, text.split("\n").length);
  }

  private static MemorySummaries correlate(String text) {
    return correlate(new MemorySummaries(), text);
  }


  private static String ringing() {
    return created(ALICE) + created(BOB) + dial(1, ALICE, BOB, "Down", "") + state(2, BOB, "Ringing", ALICE);
  }

  private static String answered() {
    return ringing()
        + state(5, BOB, "Up", ALICE)
        + dial(5, ALICE, BOB, "Up", "ANSWER")
        + state(5, ALICE, "Up", BOB)
        + entered(5.1, "b-1", ALICE, "Up", BOB)
        + entered(5.1, "b-1", BOB, "Up", ALICE);
  }

  private static void assertUnanswered(Doc d, double end, String cause, int q850, String category) {
    Feed.assertUnansweredCall(d, end, cause, q850, category);
    assertEquals(ALICE.id, d.get("call.id"));
    assertEquals("asterisk.ari", d.get("event.dataset"));
    assertEquals(List.of(ALICE.id, BOB.id), d.get("call.keys"));
    assertEquals(List.of(BOB.name, ALICE.name), d.get("call.channels"));
    assertEquals("+33612345678", d.get("caller.number"));
    assertEquals("Alice", d.get("caller.name"));
    assertEquals("2001", d.get("callee.number"));
    assertEquals("Bob", d.get("callee.name"), "the dialled leg names the party it rang");
  }

  @Test
  void answeredCallHasEveryFieldFromItsTwoLegs() {
    Doc d = correlate(answered()
        + ev("ChannelHangupRequest", 65, "\"cause\":16,\"channel\":" + chan(BOB, "Up", ALICE))
        + destroyed(65, BOB, "Up", ALICE, 16, "Normal Clearing")
        + destroyed(65.5, ALICE, "Up", BOB, 16, "Normal Clearing"))
        .onlyCall();
    assertEquals(ALICE.id, d.get("call.id"));
    Feed.assertAnsweredCall(d, 5, 65.5);
    assertEquals(List.of(ALICE.id, BOB.id, "bridge:b-1"), d.get("call.keys"));
    assertEquals("+33612345678", d.get("caller.number"));
    assertEquals("Alice", d.get("caller.name"));
    assertEquals("2001", d.get("callee.number"));
    assertEquals("Bob", d.get("callee.name"));
  }

  @Test
  void busyCalleeGivesTheCallBusy() {
    Doc d = correlate(ringing()
        + dial(3, ALICE, BOB, "Down", "BUSY")
        + destroyed(3, BOB, "Down", ALICE, 17, "User busy")
        + destroyed(3.5, ALICE, "Ring", null, 16, "Normal Clearing"))
        .onlyCall();
    assertUnanswered(d, 3.5, "USER_BUSY", 17, "busy");
  }

  @Test
  void dialTimeoutGivesTheCallNoAnswerFromTheDialStatus() {
    // app_dial hangs the ringing peer up itself when its timeout expires, so both legs say 16; the reason is the
    // final dialstatus NOANSWER (§11.2)
    Doc d = correlate(ringing()
        + dial(31, ALICE, BOB, "Ringing", "NOANSWER")
        + destroyed(31, BOB, "Ringing", ALICE, 16, "Normal Clearing")
        + destroyed(31.5, ALICE, "Ring", null, 16, "Normal Clearing"))
        .onlyCall();
    assertUnanswered(d, 31.5, "NO_ANSWER", 19, "no_answer");
  }

  @Test
  void declinedCallIsRejected() {
    Doc d = correlate(ringing()
        + dial(4, ALICE, BOB, "Ringing", "CHANUNAVAIL")
        + destroyed(4, BOB, "Ringing", ALICE, 21, "Call Rejected")
        + destroyed(4.5, ALICE, "Ring", null, 16, "Normal Clearing"))
        .onlyCall();
    assertUnanswered(d, 4.5, "CALL_REJECTED", 21, "rejected");
  }

  @Test
  void blindTransferJoinsTheNewLegAndMarksTheCallTransferred() {
    String text = answered()
        + ev("BridgeBlindTransfer", 30, "\"channel\":" + chan(BOB, "Up", ALICE) + ",\"transferee\":"
            + chan(ALICE, "Up", BOB) + ",\"bridge\":" + bridge("b-1", ALICE.id, BOB.id) + ",\"exten\":\"2002\","
            + "\"context\":\"default\",\"result\":\"Success\",\"is_external\":false")
        + destroyed(30.5, BOB, "Up", ALICE, 16, "Normal Clearing")
        + created(CAROL)
        + dial(31, ALICE, CAROL, "Down", "")
        + state(35, CAROL, "Up", ALICE)
        + dial(35, ALICE, CAROL, "Up", "ANSWER")
        + entered(35.1, "b-2", ALICE, "Up", CAROL)
        + entered(35.1, "b-2", CAROL, "Up", ALICE)
        + destroyed(90, CAROL, "Up", ALICE, 16, "Normal Clearing")
        + destroyed(90.5, ALICE, "Up", CAROL, 16, "Normal Clearing");
    Doc d = correlate(text).onlyCall();
    assertEquals(ALICE.id, d.get("call.id"));
    assertEquals(3, d.get("call.legs"));
    assertEquals(List.of(ALICE.id, BOB.id, CAROL.id, "bridge:b-1", "bridge:b-2"), d.get("call.keys"));
    assertEquals(true, d.get("call.transferred"));
    assertEquals(true, d.get("call.answered"));
    assertEquals(true, d.get("call.complete"));
    assertEquals("inbound", d.get("call.direction"));
    assertEquals(at(5), d.get("call.answer"));
    assertEquals(at(90.5), d.get("call.end"));
    assertEquals(5.0, d.get("call.ring_s"));
    assertEquals(90.5, d.get("call.duration_s"));
    assertEquals(85.5, d.get("call.billsec_s"));
    assertEquals("+33612345678", d.get("caller.number"));
    assertEquals("2001", d.get("callee.number"), "the extension Alice dialled");
    assertEquals("Bob", d.get("callee.name"), "the first party Alice was connected to");
    assertEquals("NORMAL_CLEARING", d.get("hangup.cause.name"));
    assertEquals(16, d.get("hangup.cause.q850"));
    assertEquals("answered", d.get("hangup.cause.category"));
  }

  @Test
  void attendedTransferMergesTheConsultationCallIntoTheFirstCall() {
    String text = answered()
        + ev("ChannelHold", 19, "\"channel\":" + chan(ALICE, "Up", BOB) + ",\"musicclass\":\"default\"")
        + created(BOB2) + created(CAROL2)
        + dial(21, BOB2, CAROL2, "Down", "")
        + state(25, CAROL2, "Up", BOB2)
        + dial(25, BOB2, CAROL2, "Up", "ANSWER")
        + state(25, BOB2, "Up", CAROL2)
        + entered(25.1, "b-2", BOB2, "Up", CAROL2)
        + entered(25.1, "b-2", CAROL2, "Up", BOB2)
        + ev("BridgeAttendedTransfer", 40, "\"transferer_first_leg\":" + chan(BOB, "Up", ALICE)
            + ",\"transferer_second_leg\":" + chan(BOB2, "Up", CAROL2) + ",\"transferee\":" + chan(ALICE, "Up", BOB)
            + ",\"transfer_target\":" + chan(CAROL2, "Up", BOB2) + ",\"transferer_first_leg_bridge\":"
            + bridge("b-1", ALICE.id, BOB.id) + ",\"transferer_second_leg_bridge\":"
            + bridge("b-2", BOB2.id, CAROL2.id) + ",\"result\":\"Success\",\"is_external\":false,"
            + "\"destination_type\":\"bridge\",\"destination_bridge\":\"b-1\"")
        + entered(40.1, "b-1", CAROL2, "Up", ALICE)
        + destroyed(40.2, BOB, "Up", ALICE, 16, "Normal Clearing")
        + destroyed(40.2, BOB2, "Up", CAROL2, 16, "Normal Clearing")
        + destroyed(100, CAROL2, "Up", ALICE, 16, "Normal Clearing")
        + destroyed(100.5, ALICE, "Up", CAROL2, 16, "Normal Clearing");
    Doc d = correlate(text).onlyCall();
    assertEquals(ALICE.id, d.get("call.id"));
    assertEquals(4, d.get("call.legs"));
    assertEquals(List.of(ALICE.id, BOB.id, BOB2.id, CAROL2.id, "bridge:b-1", "bridge:b-2"), d.get("call.keys"));
    assertEquals(true, d.get("call.transferred"));
    assertEquals(true, d.get("call.answered"));
    assertEquals(true, d.get("call.complete"));
    assertEquals("inbound", d.get("call.direction"));
    assertEquals(T0.toString(), d.get("call.start"));
    assertEquals(at(5), d.get("call.answer"));
    assertEquals(at(100.5), d.get("call.end"));
    assertEquals(100.5, d.get("call.duration_s"));
    assertEquals(95.5, d.get("call.billsec_s"));
    assertEquals("+33612345678", d.get("caller.number"));
    assertEquals("Alice", d.get("caller.name"));
    assertEquals("2001", d.get("callee.number"));
    assertEquals("answered", d.get("hangup.cause.category"));
    assertEquals(16, d.get("hangup.cause.q850"));
  }

  @Test
  void callSpanningTwoFilesGivesTheSameDocumentInEitherImportOrder() {
    String first = answered();
    String second = destroyed(65, BOB, "Up", ALICE, 16, "Normal Clearing")
        + destroyed(65.5, ALICE, "Up", BOB, 16, "Normal Clearing");
    Map<String, Map<String, Object>> whole = correlate(first + second).snapshot();
    MemorySummaries forward = correlate(new MemorySummaries(), first);
    Doc open = forward.onlyCall();
    assertEquals(false, open.get("call.complete"));
    assertEquals("unknown", open.get("event.outcome"));
    assertNull(open.get("call.end"));
    correlate(forward, second);
    assertEquals(whole, forward.snapshot());
    MemorySummaries backward = correlate(new MemorySummaries(), second);
    // the later file alone names no Dial or bridge, so its two legs cannot be joined yet (§2.6) ...
    assertEquals(2, backward.calls.size());
    for (IndexDoc alone : backward.calls.values()) {
      // ... but each starts at its channel's creationtime (§2.3), not at its first event in the file
      Doc leg = alone.doc();
      assertEquals(leg.get("call.id").equals(ALICE.id) ? at(0) : at(1), leg.get("call.start"));
    }
    correlate(backward, first);
    assertEquals(whole, backward.snapshot());
    Doc d = backward.onlyCall();
    assertEquals(true, d.get("call.complete"));
    assertEquals(2, d.get("call.legs"));
    assertEquals(T0.toString(), d.get("call.start"));
    assertEquals(65.5, d.get("call.duration_s"));
    assertEquals(60.5, d.get("call.billsec_s"));
  }
}
