package io.callarchive.parse.ami;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Fixtures;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

class AmiReaderTest {
  private static final AmiFormat AMI = new AmiFormat();
  private static final Pattern EVENT_LINE = Pattern.compile("(?imd)^(?:\\[\\d+ bytes missing in capture file\\])?Event:[ \\t]*(\\S[^\\r\\n]*?)[ \\t]*\\r?$");

  private static List<Parsed> read(String text) {
    return Readers.readAll(AMI, text.getBytes(StandardCharsets.UTF_8), "test");
  }

  /** Counts events per name with a plain line scan, independently of the block reader. */
  static Map<String, Integer> countByLineScan(byte[] bytes) {
    Map<String, Integer> counts = new TreeMap<>();
    Matcher m = EVENT_LINE.matcher(new String(bytes, StandardCharsets.ISO_8859_1));
    while (m.find()) counts.merge(m.group(1), 1, Integer::sum);
    return counts;
  }

  @TestFactory
  List<DynamicTest> everyFixtureYieldsEachEventOnceWithNothingMalformed() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : Fixtures.files("asterisk-ami")) {
      tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
        byte[] bytes = Files.readAllBytes(file);
        List<Parsed> parsed = Readers.readAll(AMI, bytes, file.toString());
        Map<String, Integer> byReader = new TreeMap<>();
        for (Parsed.Event e : Readers.events(parsed)) byReader.merge(e.action(), 1, Integer::sum);
        assertEquals(countByLineScan(bytes), byReader, "events per name, by a line scan");
        assertEquals(Fixtures.contents("asterisk-ami", file.getFileName().toString()), byReader, "CONTENTS.md");
        List<Parsed> bad = parsed.stream().filter(p -> p instanceof Parsed.Malformed).toList();
        assertEquals(List.of(), bad, "malformed pieces");
        assertAccountsForEveryByte(bytes, parsed);
      }));
    }
    assertEquals(5, tests.size(), "the AMI fixtures");
    return tests;
  }

  /** Every non-blank byte of the input lies in exactly one returned piece, at the offset the piece claims. */
  static void assertAccountsForEveryByte(byte[] input, List<Parsed> parsed) {
    boolean[] covered = new boolean[input.length];
    for (Parsed p : parsed) {
      int off = (int) p.provenance().offset();
      byte[] raw = p.raw();
      assertEquals(raw.length, p.provenance().length());
      for (int i = 0; i < raw.length; i++) {
        assertEquals(input[off + i], raw[i], "piece at " + off + " differs from the input at byte " + (off + i));
        assertFalse(covered[off + i], "byte " + (off + i) + " is in two pieces");
        covered[off + i] = true;
      }
    }
    for (int i = 0; i < input.length; i++) {
      byte b = input[i];
      if (!covered[i]) assertTrue(b == '\n' || b == '\r' || b == ' ' || b == '\t', "byte " + i + " is lost");
    }
  }

  @Test
  void keysAndValuesAreKeptWithColonSpaceInsideAndEmptyValues() {
    List<Parsed> p = read("Event: RequestBadFormat\r\nRequestType: Action: Originate\r\nAccountCode: \r\nEmpty:\r\nNoSpace:x\r\n\r\n");
    Parsed.Event e = assertInstanceOf(Parsed.Event.class, p.get(0));
    assertEquals("RequestBadFormat", e.action());
    assertEquals("Action: Originate", e.fields().get("RequestType"));
    assertEquals("", e.fields().get("AccountCode"));
    assertEquals("", e.fields().get("Empty"));
    assertEquals("x", e.fields().get("NoSpace"));
  }

  @Test
  void repeatedKeysAreKeptInOrder() {
    Parsed.Event e = (Parsed.Event) read("Event: Newchannel\nChanVariable: A=1\nChanVariable: B=2\nChanVariable: C=\n\n").get(0);
    assertEquals(List.of("A=1", "B=2", "C="), e.fields().get("ChanVariable"));
  }

  @Test
  void crlfAndLfGiveTheSameFields() {
    Parsed.Event crlf = (Parsed.Event) read("Event: Hangup\r\nCause: 16\r\nCause-txt: Normal Clearing\r\n\r\n").get(0);
    Parsed.Event lf = (Parsed.Event) read("Event: Hangup\nCause: 16\nCause-txt: Normal Clearing\n\n").get(0);
    assertEquals(crlf.fields(), lf.fields());
  }

  @Test
  void bannerAndResponsesAreSkippedNotArchived() {
    List<Parsed> p = read("Asterisk Call Manager/5.0.1\r\nResponse: Success\r\nMessage: Authentication accepted\r\n\r\nEvent: FullyBooted\r\nStatus: Fully Booted\r\n\r\n");
    assertEquals("banner", assertInstanceOf(Parsed.Skipped.class, p.get(0)).reason());
    assertEquals("response", assertInstanceOf(Parsed.Skipped.class, p.get(1)).reason());
    assertEquals("FullyBooted", assertInstanceOf(Parsed.Event.class, p.get(2)).action());
    assertEquals(3, p.size());
  }

  @Test
  void eventsWithoutBlankLineBetweenThemAreSplit() {
    List<Parsed.Event> e = Readers.events(read("Event: Newstate \nChannel: Zap/1 \nEvent: Hangup\nChannel: Zap/1\n\n"));
    assertEquals(List.of("Newstate", "Hangup"), e.stream().map(Parsed.Event::action).toList());
    assertEquals("Zap/1 ", e.get(0).fields().get("Channel"), "trailing blanks of the wire are kept in the raw fields");
  }

  @Test
  void linesWithoutColonContinueThePreviousValue() {
    Parsed.Event e = (Parsed.Event) read("Event: UserEvent\nUserEvent: Note\nBody: first line\nsecond line\n\n").get(0);
    assertEquals("first line\nsecond line", e.fields().get("Body"));
  }

  @Test
  void slashPathKeysOfJsonDerivedEventsAreKept() {
    Parsed.Event e = (Parsed.Event) read("Event: AOC-D\nCharge/Currency/Cost: 150\nCharge/Units(0)/NumberOf: 3\n\n").get(0);
    assertEquals("150", e.fields().get("Charge/Currency/Cost"));
    assertEquals("3", e.fields().get("Charge/Units(0)/NumberOf"));
  }

  @Test
  void timestampIsReadAsDecimalMicroseconds() {
    Parsed.Event e = (Parsed.Event) read("Event: Newchannel\nTimestamp: 1700000000.123456\n\n").get(0);
    assertEquals(Instant.parse("2023-11-14T22:13:20.123456Z"), e.time());
    assertEquals("us", e.timePrecision());
  }

  @Test
  void securityEventTimeComesFromEventTv() {
    Parsed.Event e = (Parsed.Event) read("Event: InvalidPassword\nEventTV: 2016-12-08T12:36:39.885+0100\n\n").get(0);
    assertEquals(Instant.parse("2016-12-08T11:36:39.885Z"), e.time());
  }

  @Test
  void perLineTimePrefixGivesTheTimeAndIsNotPartOfTheFields() {
    List<Parsed> p = read("[2026-11-22 10:00:01.250] Event: Hangup\n[2026-11-22 10:00:01.250] Cause: 16\n"
        + "[2026-11-22 10:00:01.251]\n2026-11-22T10:00:02+0100 Event: Newchannel\n2026-11-22T10:00:02+0100 Channel: SIP/1\n\n");
    List<Parsed.Event> e = Readers.events(p);
    assertEquals(2, e.size());
    assertEquals(Instant.parse("2026-11-22T10:00:01.250Z"), e.get(0).time());
    assertEquals("16", e.get(0).fields().get("Cause"));
    assertEquals(Instant.parse("2026-11-22T09:00:02Z"), e.get(1).time());
    assertEquals("SIP/1", e.get(1).fields().get("Channel"));
  }

  @Test
  void timestampHeaderWinsOverLinePrefix() {
    Parsed.Event e = (Parsed.Event) read("[2026-11-22 10:00:01] Event: Hangup\n[2026-11-22 10:00:01] Timestamp: 1700000000.5\n\n").get(0);
    assertEquals(Instant.parse("2023-11-14T22:13:20.5Z"), e.time());
  }

  @Test
  void eventWithoutTimeHasNone() {
    Parsed.Event e = (Parsed.Event) read("Event: Newchannel\nChannel: SIP/1\n\n").get(0);
    assertNull(e.time());
  }

  @Test
  void corruptedBlockIsMalformedWithItsOffsetAndTheRestStillParses() {
    String good1 = "Event: Newchannel\nUniqueid: 1.1\n\n";
    String bad = "\u0000\u0013garbage without structure\nmore garbage\n\n";
    String good2 = "Event: Hangup\nUniqueid: 1.1\n\n";
    List<Parsed> p = read(good1 + bad + good2);
    assertEquals(3, p.size());
    Parsed.Malformed m = assertInstanceOf(Parsed.Malformed.class, p.get(1));
    assertEquals(good1.length(), m.provenance().offset());
    assertTrue(m.reason().contains("Key:"), m.reason());
    assertEquals("Hangup", assertInstanceOf(Parsed.Event.class, p.get(2)).action());
  }

  @Test
  void blockWithKeysButNoEventHeaderIsMalformed() {
    Parsed.Malformed m = assertInstanceOf(Parsed.Malformed.class, read("Privilege: call,all\nChannel: SIP/1\n\n").get(0));
    assertTrue(m.reason().contains("no Event"), m.reason());
  }

  @Test
  void blockCutInTheMiddleOfALineAtEndOfInputIsMalformed() {
    List<Parsed> p = read("Event: Hangup\nUniqueid: 1.1\n\nEvent: Newchannel\nChann");
    assertInstanceOf(Parsed.Event.class, p.get(0));
    assertTrue(assertInstanceOf(Parsed.Malformed.class, p.get(1)).reason().contains("truncated"));
  }

  @Test
  void lastEventWithoutFinalNewlineIsStillAnEvent() {
    List<Parsed> p = read("Event: Hangup\nUniqueid: 1.1\n\nEvent: Newchannel\nChannel: SIP/1");
    assertEquals("SIP/1", assertInstanceOf(Parsed.Event.class, p.get(1)).fields().get("Channel"));
  }

  @Test
  void captureGapNoticeDoesNotHideTheEventAfterIt() {
    List<Parsed> p = read("Event: Hangup\n\n[218 bytes missing in capture file]Event: Newexten\nChannel: SIP/1\n\n");
    Parsed.Event e = assertInstanceOf(Parsed.Event.class, p.get(1));
    assertEquals("Newexten", e.action());
    assertTrue(new String(e.raw(), StandardCharsets.UTF_8).startsWith("[218 bytes missing"), "raw keeps the notice");
  }

  @Test
  void commandResponseWithoutEndMarkerEndsAtTheNextMessage() {
    List<Parsed> p = read("Response: Follows\nPrivilege: Command\n\nAction: QueueStatus\n\nEvent: QueueParams\nQueue: q\n\n");
    assertEquals(3, p.size());
    assertEquals("QueueParams", assertInstanceOf(Parsed.Event.class, p.get(2)).action());
  }

  @Test
  void invalidUtf8IsFlaggedAndKeptAsBytes() {
    byte[] bytes = "Event: Newchannel\nCallerIDName: Ren\u00e9\n\n".getBytes(StandardCharsets.ISO_8859_1);
    Parsed.Event e = (Parsed.Event) Readers.readAll(AMI, bytes, "t").get(0);
    assertTrue(e.lossyText());
    assertEquals(bytes.length - 1, e.raw().length, "raw keeps the Latin-1 byte; only the final blank line is outside");
  }

  @Test
  void legacyCommandOutputStaysInOneSkippedBlock() {
    String command = "Response: Follows\r\nPrivilege: Command\r\nline one\r\n\r\nline after blank\r\n--END COMMAND--\r\n";
    List<Parsed> p = read(command + "\r\nEvent: Hangup\n\n");
    assertEquals("response", assertInstanceOf(Parsed.Skipped.class, p.get(0)).reason());
    assertEquals(command, new String(p.get(0).raw(), StandardCharsets.UTF_8));
    assertEquals("Hangup", assertInstanceOf(Parsed.Event.class, p.get(1)).action());
  }

  @Test
  void inputSplitAtEveryByteGivesTheSameResult() throws IOException {
    Path file = Fixtures.file("asterisk-ami", "call-answered-rtcp_crlf.txt");
    byte[] bytes = Files.readAllBytes(file);
    List<Parsed> whole = Readers.readAll(AMI, bytes, "x");
    List<Parsed> trickled = new ArrayList<>();
    try (var r = AMI.open(new OneByteAtATime(new ByteArrayInputStream(bytes)), "x")) {
      Parsed p;
      while ((p = r.next()) != null) trickled.add(p);
    }
    assertEquals(whole.size(), trickled.size());
    for (int i = 0; i < whole.size(); i++) {
      assertEquals(whole.get(i).provenance(), trickled.get(i).provenance());
      if (whole.get(i) instanceof Parsed.Event a) assertEquals(a.fields(), ((Parsed.Event) trickled.get(i)).fields());
    }
  }

  @Test
  void detectsAmiButNotFreeswitch() {
    byte[] ami = "Event: Newchannel\r\nPrivilege: call,all\r\n".getBytes(StandardCharsets.UTF_8);
    byte[] esl = "Content-Length: 100\nContent-Type: text/event-plain\n\nEvent-Name: HEARTBEAT\n".getBytes(StandardCharsets.UTF_8);
    assertTrue(AMI.detect(ami, ami.length));
    assertFalse(AMI.detect(esl, esl.length));
  }

  /** A stream that hands out one byte per read, like the worst TCP segmentation. */
  static final class OneByteAtATime extends FilterInputStream {
    OneByteAtATime(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return super.read(b, off, Math.min(1, len));
    }
  }
}
