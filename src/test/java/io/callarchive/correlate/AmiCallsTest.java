package io.callarchive.correlate;

import static io.callarchive.correlate.Feed.T0;
import static io.callarchive.correlate.Feed.ami;
import static io.callarchive.correlate.Feed.channel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.parse.ami.AmiFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AmiCallsTest {
  private static final String A = "SIP/100-00000001";
  private static final String B = "PJSIP/trunk-00000002";

  private static MemorySummaries correlate(List<IndexDoc> events) {
    MemorySummaries store = new MemorySummaries();
    correlate(events, store);
    return store;
  }

  private static void correlate(List<IndexDoc> events, MemorySummaries store) {
    Correlator c = new Correlator(CorrelatorSettings.defaults(), new BuiltinCauses(), store);
    events.forEach(c::accept);
    c.flush();
  }

  /** A calls 0612345678 on a trunk; the trunk leg ends with {@code bCause}, the dial with {@code dialStatus}. */
  static String outboundCall(boolean answered, String dialStatus, String bCause, String aCause) {
    return outboundCall(answered, dialStatus, bCause, aCause, 0);
  }

  /** The same call {@code off} seconds later. */
  static String outboundCall(boolean answered, String dialStatus, String bCause, String aCause, double off) {
    StringBuilder s = new StringBuilder();
    s.append(ami("Newchannel", off + 0, channel(A, "1000.1", "1000.1", "0", "100", "Alice", "0612345678")));
    s.append(ami("Newchannel", off + 1, channel(B, "1000.2", "1000.1", "0", "<unknown>", "<unknown>", "s")));
    s.append(ami("DialBegin", off + 1, channel(A, "1000.1", "1000.1", "4", "100", "Alice", "0612345678",
        "DestChannel", B, "DestUniqueid", "1000.2", "DestLinkedid", "1000.1", "DestCallerIDNum", "0612345678")));
    s.append(ami("Newstate", off + 2, channel(B, "1000.2", "1000.1", "5", "0612345678", "Bob", "s")));
    double end = 20;
    if (answered) {
      s.append(ami("Newstate", off + 5, channel(B, "1000.2", "1000.1", "6", "0612345678", "Bob", "s")));
      s.append(ami("Newstate", off + 5, channel(A, "1000.1", "1000.1", "6", "100", "Alice", "0612345678")));
      end = 65;
    }
    s.append(ami("DialEnd", off + (answered ? 5 : end), channel(A, "1000.1", "1000.1", answered ? "6" : "4", "100", "Alice",
        "0612345678", "DestUniqueid", "1000.2", "DestLinkedid", "1000.1", "DialStatus", dialStatus)));
    s.append(ami("Hangup", off + end, channel(B, "1000.2", "1000.1", answered ? "6" : "5", "0612345678", "Bob", "s",
        "Cause", bCause, "Cause-txt", "x")));
    s.append(ami("Hangup", off + end + 0.5, channel(A, "1000.1", "1000.1", answered ? "6" : "4", "100", "Alice", "h",
        "Cause", aCause, "Cause-txt", "x")));
    return s.toString();
  }

  @Test
  void answeredCallHasEveryFieldFromItsTwoLegs() {
    Doc d = correlate(Feed.events(new AmiFormat(), outboundCall(true, "ANSWER", "16", "16"))).onlyCall();
    assertEquals("1000.1", d.get("call.id"));
    assertEquals("pbx1", d.get("observer.name"));
    assertEquals(2, d.get("call.legs"));
    assertEquals("outbound", d.get("call.direction"));
    assertEquals(true, d.get("call.answered"));
    assertEquals(T0.toString(), d.get("@timestamp"));
    assertEquals(T0.toString(), d.get("call.start"));
    assertEquals(T0.plusSeconds(5).toString(), d.get("call.answer"));
    assertEquals(T0.plusMillis(65_500).toString(), d.get("call.end"));
    assertEquals(5.0, d.get("call.ring_s"));
    assertEquals(65.5, d.get("call.duration_s"));
    assertEquals(60.5, d.get("call.billsec_s"));
    assertEquals(true, d.get("call.complete"));
    assertEquals(false, d.get("call.transferred"));
    assertEquals("100", d.get("caller.number"));
    assertEquals("Alice", d.get("caller.name"));
    assertEquals("0612345678", d.get("callee.number"));
    assertEquals(16, d.get("hangup.cause.q850"));
    assertEquals("NORMAL_CLEARING", d.get("hangup.cause.name"));
    assertEquals("answered", d.get("hangup.cause.category"));
    assertEquals("success", d.get("event.outcome"));
    assertEquals(List.of("1000.1", "1000.2"), d.get("call.keys"));
    assertEquals(List.of(B, A).stream().sorted().toList(), d.get("call.channels"));
    assertNull(d.get("queue.name"));
    assertNull(d.get("sdp.codecs"));
  }

  @Test
  void busyCallTakesTheDialledLegsCauseBecauseTheCallersSaysNormalClearing() {
    Doc d = correlate(Feed.events(new AmiFormat(), outboundCall(false, "BUSY", "17", "16"))).onlyCall();
    assertEquals(false, d.get("call.answered"));
    assertEquals(17, d.get("hangup.cause.q850"));
    assertEquals("USER_BUSY", d.get("hangup.cause.name"));
    assertEquals("busy", d.get("hangup.cause.category"));
    assertEquals(0.0, d.get("call.billsec_s"));
    assertEquals(20.5, d.get("call.duration_s"));
    assertNull(d.get("call.answer"));
    assertNull(d.get("call.ring_s"));
    assertEquals("failure", d.get("event.outcome"));
  }

  @Test
  void unansweredCallTakesNoAnswerFromTheDialStatusWhenLegsSayNormalClearing() {
    Doc d = correlate(Feed.events(new AmiFormat(), outboundCall(false, "NOANSWER", "16", "16"))).onlyCall();
    assertEquals(19, d.get("hangup.cause.q850"));
    assertEquals("no_answer", d.get("hangup.cause.category"));
  }

  @Test
  void rejectedCallIsCategorisedRejected() {
    Doc d = correlate(Feed.events(new AmiFormat(), outboundCall(false, "CHANUNAVAIL", "21", "16"))).onlyCall();
    assertEquals(21, d.get("hangup.cause.q850"));
    assertEquals("CALL_REJECTED", d.get("hangup.cause.name"));
    assertEquals("rejected", d.get("hangup.cause.category"));
  }

  @Test
  void callerGivingUpBeforeAnswerIsCancelled() {
    Doc d = correlate(Feed.events(new AmiFormat(), outboundCall(false, "CANCEL", "16", "16"))).onlyCall();
    assertEquals(16, d.get("hangup.cause.q850"));
    assertEquals("cancelled", d.get("hangup.cause.category"));
  }

  @Test
  void blindTransferJoinsTheNewLegAndMarksTheCallTransferred() {
    StringBuilder s = new StringBuilder(outboundCallPrefixAnswered());
    s.append(ami("BlindTransfer", 30, "Result", "Success", "TransfererChannel", B, "TransfererUniqueid", "1000.2",
        "TransfererLinkedid", "1000.1", "TransfereeChannel", A, "TransfereeUniqueid", "1000.1",
        "TransfereeLinkedid", "1000.1", "IsExternal", "No", "Context", "default", "Extension", "200"));
    s.append(ami("Hangup", 30.2, channel(B, "1000.2", "1000.1", "6", "0612345678", "Bob", "s", "Cause", "16")));
    s.append(ami("Newchannel", 31, channel("SIP/200-00000003", "1000.3", "1000.1", "0", "200", "Carol", "s")));
    s.append(ami("Newstate", 35, channel("SIP/200-00000003", "1000.3", "1000.1", "6", "200", "Carol", "s")));
    s.append(ami("Hangup", 90, channel("SIP/200-00000003", "1000.3", "1000.1", "6", "200", "Carol", "s", "Cause", "16")));
    s.append(ami("Hangup", 90.1, channel(A, "1000.1", "1000.1", "6", "100", "Alice", "h", "Cause", "16")));
    Doc d = correlate(Feed.events(new AmiFormat(), s.toString())).onlyCall();
    assertEquals(3, d.get("call.legs"));
    assertEquals(true, d.get("call.transferred"));
    assertEquals(true, d.get("call.complete"));
    assertEquals(90.1, d.get("call.duration_s"));
  }

  @Test
  void attendedTransferMergesTheConsultationSessionIntoTheFirstCall() {
    StringBuilder s = new StringBuilder(outboundCallPrefixAnswered());
    // the transferer (B) makes a consultation call: a new session 1000.3 -> 1000.4
    s.append(ami("Newchannel", 20, channel("SIP/101-00000003", "1000.3", "1000.3", "0", "101", "Bob", "200")));
    s.append(ami("Newchannel", 21, channel("SIP/200-00000004", "1000.4", "1000.3", "0", "200", "Carol", "s")));
    s.append(ami("Newstate", 25, channel("SIP/200-00000004", "1000.4", "1000.3", "6", "200", "Carol", "s")));
    s.append(ami("AttendedTransfer", 40, "Result", "Success", "OrigTransfererUniqueid", "1000.2",
        "OrigTransfererLinkedid", "1000.1", "SecondTransfererUniqueid", "1000.3", "SecondTransfererLinkedid", "1000.3",
        "TransfereeUniqueid", "1000.1", "TransfereeLinkedid", "1000.1", "TransferTargetUniqueid", "1000.4",
        "TransferTargetLinkedid", "1000.3", "DestType", "Bridge"));
    for (String[] leg : new String[][] {{B, "1000.2", "1000.1"}, {"SIP/101-00000003", "1000.3", "1000.3"},
        {"SIP/200-00000004", "1000.4", "1000.1"}, {A, "1000.1", "1000.1"}}) {
      s.append(ami("Hangup", 100, channel(leg[0], leg[1], leg[2], "6", "x", "x", "s", "Cause", "16")));
    }
    MemorySummaries store = correlate(Feed.events(new AmiFormat(), s.toString()));
    Doc d = store.onlyCall();
    assertEquals("1000.1", d.get("call.id"));
    assertEquals(4, d.get("call.legs"));
    assertEquals(true, d.get("call.transferred"));
    assertEquals(List.of("1000.1", "1000.2", "1000.3", "1000.4"), d.get("call.keys"));
  }

  private static String outboundCallPrefixAnswered() {
    String full = outboundCall(true, "ANSWER", "16", "16");
    return full.substring(0, full.indexOf("Event: Hangup"));
  }

  @Test
  void callSpanningTwoFilesImportedSeparatelyEqualsTheWholeInEitherOrder() {
    List<IndexDoc> events = Feed.events(new AmiFormat(), outboundCall(true, "ANSWER", "16", "16"));
    Map<String, Map<String, Object>> whole = correlate(events).snapshot();
    int cut = events.size() / 2;
    MemorySummaries forward = new MemorySummaries();
    correlate(events.subList(0, cut), forward);
    assertEquals(false, forward.onlyCall().get("call.complete"), "first file alone leaves legs open");
    correlate(events.subList(cut, events.size()), forward);
    assertEquals(whole, forward.snapshot());
    MemorySummaries backward = new MemorySummaries();
    correlate(events.subList(cut, events.size()), backward);
    correlate(events.subList(0, cut), backward);
    assertEquals(whole, backward.snapshot());
  }

  @Test
  void shuffledPiecesOfManyCallsGiveTheSameDocumentsAsOneImport() {
    StringBuilder all = new StringBuilder();
    all.append(outboundCall(true, "ANSWER", "16", "16"));
    all.append(outboundCall(false, "BUSY", "17", "16").replace("1000.", "2000."));
    all.append(outboundCall(false, "NOANSWER", "16", "16").replace("1000.", "3000."));
    List<IndexDoc> events = Feed.events(new AmiFormat(), all.toString());
    Map<String, Map<String, Object>> whole = correlate(events).snapshot();
    assertEquals(3, whole.size());
    Random random = new Random(42);
    for (int round = 0; round < 20; round++) {
      List<List<IndexDoc>> pieces = new ArrayList<>();
      int n = 2 + random.nextInt(4);
      for (int i = 0; i < n; i++) pieces.add(new ArrayList<>());
      for (IndexDoc e : events) pieces.get(random.nextInt(n)).add(e);
      Collections.shuffle(pieces, random);
      MemorySummaries store = new MemorySummaries();
      for (List<IndexDoc> p : pieces) correlate(p, store);
      assertEquals(whole, store.snapshot(), "round " + round);
    }
  }

  @Test
  void importingTheSameInputTwiceChangesNothing() {
    List<IndexDoc> events = Feed.events(new AmiFormat(), outboundCall(true, "ANSWER", "16", "16"));
    MemorySummaries store = correlate(events);
    Map<String, Map<String, Object>> once = store.snapshot();
    correlate(events, store);
    assertEquals(once, store.snapshot());
  }

  @Test
  void callWithoutEndIsClosedIncompleteAfterIdleTimeAndCompletedByALaterImport() {
    List<IndexDoc> events = Feed.events(new AmiFormat(), outboundCall(true, "ANSWER", "16", "16"));
    List<IndexDoc> beforeHangup = events.stream().filter(e -> !"Hangup".equals(e.doc().get("event.action"))).toList();
    List<IndexDoc> hangups = events.stream().filter(e -> "Hangup".equals(e.doc().get("event.action"))).toList();
    MemorySummaries store = new MemorySummaries();
    Correlator c = new Correlator(
        new CorrelatorSettings(Duration.ofSeconds(60), Duration.ofMinutes(10), 1000), new BuiltinCauses(), store);
    beforeHangup.forEach(c::accept);
    // an unrelated later event moves event time past the idle timeout
    Feed.events(new AmiFormat(), ami("Newchannel", 3600, channel("SIP/9-1", "9000.1", "9000.1", "0", "9", "Z", "1")))
        .forEach(c::accept);
    c.sweep();
    assertEquals(1, c.openSessions(), "the idle call is written and forgotten, the new one stays");
    Doc incomplete = store.onlyCall();
    assertEquals(false, incomplete.get("call.complete"));
    assertEquals(true, incomplete.get("call.answered"));
    assertNull(incomplete.get("call.end"));
    assertNull(incomplete.get("call.duration_s"));
    assertEquals("unknown", incomplete.get("event.outcome"));
    correlate(hangups, store);
    Doc done = store.onlyCall();
    assertEquals(true, done.get("call.complete"));
    assertEquals(65.5, done.get("call.duration_s"));
  }

  @Test
  void endedCallsAreForgottenAfterTheGracePeriodSoMemoryStaysBounded() {
    Correlator c = new Correlator(
        new CorrelatorSettings(Duration.ofSeconds(60), Duration.ofHours(1), 100_000), new BuiltinCauses(),
        new MemorySummaries());
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      String u = "5000." + i;
      s.append(ami("Newchannel", i * 100, channel("SIP/1-" + i, u, u, "0", "1", "x", "2")));
      s.append(ami("Hangup", i * 100 + 10, channel("SIP/1-" + i, u, u, "0", "1", "x", "2", "Cause", "16")));
    }
    Feed.events(new AmiFormat(), s.toString()).forEach(c::accept);
    c.sweep();
    assertTrue(c.openSessions() <= 1, "only the last call may still be within its grace period: " + c.openSessions());
    assertEquals(49, c.callsWritten.sum());
  }

  @Test
  void openSessionsNeverExceedTheConfiguredBound() {
    MemorySummaries store = new MemorySummaries();
    Correlator c = new Correlator(
        new CorrelatorSettings(Duration.ofSeconds(60), Duration.ofHours(10), 10), new BuiltinCauses(), store);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 40; i++) s.append(ami("Newchannel", i, channel("SIP/1-" + i, "6000." + i, "6000." + i, "0", "1", "x", "2")));
    for (IndexDoc e : Feed.events(new AmiFormat(), s.toString())) {
      c.accept(e);
      assertTrue(c.openSessions() <= 11, "open sessions: " + c.openSessions());
    }
    assertFalse(store.calls.isEmpty());
  }
}
