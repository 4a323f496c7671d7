package io.callarchive.parse.freeswitch;

import static io.callarchive.parse.freeswitch.FreeswitchEventsTest.RTCP;
import static io.callarchive.parse.freeswitch.FreeswitchEventsTest.envelope;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Fixtures;
import io.callarchive.model.Parsed;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.Formats;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Framing: byte splits, malformed input and resynchronisation, bounds, detection. */
class FreeswitchReaderTest {
  static final String TEXT = "text outside ESL messages (console output, log line or client command)";

  private final FreeswitchFormat format = new FreeswitchFormat();

  static Stream<Path> files() {
    return Fixtures.files("freeswitch-esl").stream();
  }

  /** Returns one byte per read, so every byte boundary is also a read boundary. */
  static final class OneByteAtATime extends InputStream {
    private final ByteArrayInputStream in;

    OneByteAtATime(byte[] b) {
      in = new ByteArrayInputStream(b);
    }

    @Override
    public int read() {
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      return len == 0 ? 0 : in.read(b, off, 1);
    }
  }

  /** Returns reads of random sizes (1 to 300 bytes), from a seeded generator. */
  static final class RandomChunks extends InputStream {
    private final ByteArrayInputStream in;
    private final Random random;

    RandomChunks(byte[] b, long seed) {
      in = new ByteArrayInputStream(b);
      random = new Random(seed);
    }

    @Override
    public int read() {
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      return len == 0 ? 0 : in.read(b, off, Math.min(len, 1 + random.nextInt(300)));
    }
  }

  /** Returns the first {@code split} bytes in one read, then the rest. */
  static final class SplitAt extends InputStream {
    private final byte[] bytes;
    private final int split;
    private int pos;

    SplitAt(byte[] bytes, int split) {
      this.bytes = bytes;
      this.split = split;
    }

    @Override
    public int read() {
      return pos < bytes.length ? bytes[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) return 0;
      if (pos >= bytes.length) return -1;
      int stop = pos < split ? split : bytes.length;
      int n = Math.min(len, stop - pos);
      System.arraycopy(bytes, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  static List<Parsed> readAll(InputStream in, int maxFrame) {
    List<Parsed> out = new ArrayList<>();
    try (FreeswitchReader r = new FreeswitchReader(in, "test", maxFrame)) {
      Parsed p;
      while ((p = r.next()) != null) out.add(p);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  static List<Parsed> readAll(byte[] b) {
    return readAll(new ByteArrayInputStream(b), FreeswitchReader.MAX_FRAME);
  }

  static List<Parsed> readAll(String s) {
    return readAll(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Everything a piece says, to compare two readings of the same bytes. */
  static List<String> signatures(List<Parsed> parsed) {
    List<String> out = new ArrayList<>();
    for (Parsed p : parsed) {
      String common = p.provenance().offset() + "+" + p.provenance().length() + " #" + Arrays.hashCode(p.raw());
      out.add(
          switch (p) {
            case Parsed.Event e -> "E " + e.action() + " " + common + " " + e.time() + " " + e.timePrecision() + " "
                + e.lossyText() + " " + e.fields();
            case Parsed.Skipped s -> "S " + s.reason() + " " + common;
            case Parsed.Malformed m -> "M " + m.reason() + " " + common;
          });
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("files")
  void readsOfOneByteOrRandomSizesGiveTheSameResult(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    List<String> whole = signatures(readAll(bytes));
    assertEquals(whole, signatures(readAll(new OneByteAtATime(bytes), FreeswitchReader.MAX_FRAME)), "one byte");
    for (long seed = 1; seed <= 3; seed++) {
      assertEquals(whole, signatures(readAll(new RandomChunks(bytes, seed), FreeswitchReader.MAX_FRAME)), "seed " + seed);
    }
  }

  @Test
  void splittingTheInputAtEveryByteGivesTheSameResult() {
    String body = "+OK résumé\n";
    byte[] bytes =
        ("Content-Type: command/reply\nReply-Text: +OK\n\n"
                + envelope("Event-Name: BACKGROUND_JOB\nJob-UUID: 1\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\n\n" + body)
                + "{\"Event-Name\":\"HEARTBEAT\",\"Core-UUID\":\"c\"}\n"
                + envelope(RTCP))
            .getBytes(StandardCharsets.UTF_8);
    List<String> whole = signatures(readAll(bytes));
    assertEquals(4, whole.size());
    for (int i = 0; i <= bytes.length; i++) {
      assertEquals(whole, signatures(readAll(new SplitAt(bytes, i), FreeswitchReader.MAX_FRAME)), "split at " + i);
    }
  }

  @Test
  void contentLengthThatIsNotANumberIsMalformedAndTheStreamResynchronises() {
    String event = "Event-Name: HEARTBEAT\nEvent-Info: System%20Ready\n\n";
    List<Parsed> parsed =
        readAll("Content-Length: 4x\nContent-Type: text/event-plain\n\n" + event + envelope(RTCP));
    assertInstanceOf(Parsed.Malformed.class, parsed.get(0));
    assertTrue(((Parsed.Malformed) parsed.get(0)).reason().contains("not a byte count"));
    assertEquals("HEARTBEAT", ((Parsed.Event) parsed.get(1)).action(), "the event after the broken envelope");
    assertEquals("RECV_RTCP_MESSAGE", ((Parsed.Event) parsed.get(2)).action());
    assertEquals(3, parsed.size());
  }

  @Test
  void contentLengthBeyondTheFrameLimitIsMalformed() {
    String input = "Content-Length: 999999\nContent-Type: text/event-plain\n\n" + RTCP + envelope(RTCP);
    List<Parsed> parsed = readAll(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), 4096);
    assertTrue(((Parsed.Malformed) parsed.get(0)).reason().contains("exceeds the maximum frame"));
    assertEquals(List.of("RECV_RTCP_MESSAGE", "RECV_RTCP_MESSAGE"), Readers2.actions(parsed));
  }

  @Test
  void wrongContentLengthIsRepairedByTheEventsOwnFraming() {
    String event = "Event-Name: HEARTBEAT\nEvent-Info: System%20Ready\n\n";
    int real = event.length();
    for (int declared : new int[] {real - 10, real + 30}) {
      String input = "Content-Length: " + declared + "\nContent-Type: text/event-plain\n\n" + event + envelope(RTCP);
      List<Parsed> parsed = readAll(input);
      assertEquals(List.of("HEARTBEAT", "RECV_RTCP_MESSAGE"), Readers2.actions(parsed), "declared " + declared);
      assertEquals(2, parsed.size());
    }
  }

  @Test
  void binaryGarbageBetweenEventsIsMalformedAndBothEventsParse() {
    byte[] a = envelope(RTCP).getBytes(StandardCharsets.UTF_8);
    byte[] junk = {0x00, 0x13, (byte) 0xff, (byte) 0xfe, 'j', 'u', 'n', 'k', '\n'};
    byte[] all = concat(a, junk, a);
    List<Parsed> parsed = readAll(all);
    assertEquals(3, parsed.size());
    Parsed.Malformed m = assertInstanceOf(Parsed.Malformed.class, parsed.get(1));
    assertArrayEquals(junk, m.raw());
    assertEquals(a.length, m.provenance().offset());
    assertEquals(List.of("RECV_RTCP_MESSAGE", "RECV_RTCP_MESSAGE"), Readers2.actions(parsed));
  }

  @Test
  void invalidUtf8OutsideAnyMessageIsMalformed() {
    byte[] junk = {'c', 'a', 'f', (byte) 0xe9, '\n'};
    List<Parsed> parsed = readAll(concat(junk, envelope(RTCP).getBytes(StandardCharsets.UTF_8)));
    assertTrue(((Parsed.Malformed) parsed.get(0)).reason().contains("not UTF-8"));
    assertInstanceOf(Parsed.Event.class, parsed.get(1));
  }

  @Test
  void headerBlockWithoutEventNameOrContentTypeIsMalformed() {
    List<Parsed> parsed = readAll("Caller-Caller-ID-Number: 1000\nUnique-ID: x\n\n" + envelope(RTCP));
    assertTrue(((Parsed.Malformed) parsed.get(0)).reason().contains("neither Event-Name nor Content-Type"));
    assertInstanceOf(Parsed.Event.class, parsed.get(1));
  }

  @Test
  void eventBodyWithoutEventNameIsMalformed() {
    List<Parsed> parsed = readAll(envelope("Unique-ID: x\nCaller-ANI: 1000\n\n") + envelope(RTCP));
    assertEquals("event body without Event-Name", ((Parsed.Malformed) parsed.get(0)).reason());
    assertInstanceOf(Parsed.Event.class, parsed.get(1));
  }

  @Test
  void eventWithAnEmptyEventNameOrWithoutItsFinalEmptyLineIsStillFramedByItsLength() {
    String noFinalBlank = "Event-Name: HEARTBEAT\nEvent-Info: x\n";
    String empty = "Event-Name: \nUnique-ID: x\n\n";
    List<Parsed> parsed = readAll(envelope(noFinalBlank) + envelope(empty) + envelope(RTCP));
    assertEquals("HEARTBEAT", ((Parsed.Event) parsed.get(0)).action());
    assertEquals("event body without Event-Name", ((Parsed.Malformed) parsed.get(1)).reason());
    assertEquals("RECV_RTCP_MESSAGE", ((Parsed.Event) parsed.get(2)).action());
    assertEquals(3, parsed.size());
  }

  @Test
  void inputEndingInsideAFrameIsATruncatedMalformedPiece() {
    String full = envelope(RTCP);
    int cut = full.indexOf("Source0-Jitter: 8") + "Source0-Jitter: 8".length();
    List<Parsed> parsed = readAll(envelope(RTCP) + full.substring(0, cut));
    assertEquals(2, parsed.size());
    assertInstanceOf(Parsed.Event.class, parsed.get(0));
    Parsed.Malformed m = assertInstanceOf(Parsed.Malformed.class, parsed.get(1));
    assertTrue(m.reason().startsWith("truncated"), m.reason());
    assertEquals(cut, m.raw().length);
  }

  @Test
  void truncatedJsonAndTruncatedReplyBodiesAreMalformed() {
    List<Parsed> json = readAll("{\"Event-Name\":\"HEARTBEAT\",\"Core-UUID\":\"c");
    assertTrue(((Parsed.Malformed) json.get(0)).reason().startsWith("truncated"));
    List<Parsed> api = readAll("Content-Type: api/response\nContent-Length: 100\n\n+OK only part");
    assertTrue(((Parsed.Malformed) api.get(0)).reason().startsWith("truncated"));
  }

  @Test
  void clientCommandsAndCommandTextGluedToAnEnvelopeAreSkipped() {
    List<Parsed> parsed = readAll("auth ClueCon\n\nuuid_transfer " + envelope(RTCP));
    assertEquals("client command 'auth'", ((Parsed.Skipped) parsed.get(0)).reason());
    Parsed.Skipped glued = (Parsed.Skipped) parsed.get(1);
    assertEquals(TEXT, glued.reason());
    assertEquals("uuid_transfer ", new String(glued.raw(), StandardCharsets.UTF_8));
    assertEquals("RECV_RTCP_MESSAGE", ((Parsed.Event) parsed.get(2)).action());
  }

  @Test
  void framesLargerThanTheLimitAreDeadLetteredInBoundedPiecesAndTheNextEventParses() {
    StringBuilder big = new StringBuilder("Event-Name: CUSTOM\n");
    for (int i = 0; i < 200; i++) big.append("variable_filler_").append(i).append(": ").append("x".repeat(40)).append('\n');
    big.append('\n');
    byte[] input = (envelope(big.toString()) + envelope(RTCP)).getBytes(StandardCharsets.UTF_8);
    int limit = 2048;
    List<Parsed> parsed = readAll(new ByteArrayInputStream(input), limit);
    assertTrue(parsed.stream().anyMatch(p -> p instanceof Parsed.Malformed));
    for (Parsed p : parsed) assertTrue(p.raw().length <= 2 * limit, "piece of " + p.raw().length + " bytes");
    Parsed last = parsed.get(parsed.size() - 1);
    assertEquals("RECV_RTCP_MESSAGE", ((Parsed.Event) last).action());
    assertAccountsForEveryByte(input, parsed);
  }

  @ParameterizedTest
  @MethodSource("files")
  void mutatedCapturesNeverThrowAndEveryByteIsAccountedFor(Path file) throws IOException {
    byte[] original = Files.readAllBytes(file);
    Random random = new Random(file.getFileName().toString().hashCode());
    for (int round = 0; round < 12; round++) {
      byte[] mutated = mutate(original, random);
      int limit = round % 3 == 0 ? 4096 : FreeswitchReader.MAX_FRAME;
      List<Parsed> parsed = readAll(new RandomChunks(mutated, round), limit);
      assertAccountsForEveryByte(mutated, parsed);
    }
  }

  static byte[] mutate(byte[] in, Random random) {
    byte[] b = in.clone();
    int edits = 1 + random.nextInt(Math.max(1, b.length / 200));
    for (int i = 0; i < edits && b.length > 0; i++) {
      int at = random.nextInt(b.length);
      switch (random.nextInt(5)) {
        case 0 -> b[at] = (byte) random.nextInt(256);
        case 1 -> b[at] = (byte) "\n:% {}0123456789".charAt(random.nextInt(16));
        case 2 -> b = concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, Math.min(b.length, at + 1 + random.nextInt(50)), b.length));
        case 3 -> b = concat(Arrays.copyOf(b, at), "Content-Length: 7\n\n".getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(b, at, b.length));
        default -> b = Arrays.copyOf(b, at);
      }
    }
    return b;
  }

  /** Pieces are in order, do not overlap, carry exactly the input's bytes, and only blanks lie between them. */
  static void assertAccountsForEveryByte(byte[] input, List<Parsed> parsed) {
    long pos = 0;
    for (Parsed p : parsed) {
      long off = p.provenance().offset();
      assertTrue(off >= pos, "piece at " + off + " overlaps the previous one ending at " + pos);
      for (long i = pos; i < off; i++) {
        byte c = input[(int) i];
        assertTrue(c == ' ' || c == '\t' || c == '\r' || c == '\n', "unaccounted byte " + c + " at " + i);
      }
      assertEquals(p.raw().length, p.provenance().length());
      assertArrayEquals(Arrays.copyOfRange(input, (int) off, (int) off + p.raw().length), p.raw(), "bytes at " + off);
      pos = off + p.raw().length;
    }
    for (long i = pos; i < input.length; i++) {
      byte c = input[(int) i];
      assertTrue(c == ' ' || c == '\t' || c == '\r' || c == '\n', "unaccounted trailing byte at " + i);
    }
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /** A live connection: hands out what the server has sent so far, and fails if asked for more. */
  static final class LiveSocket extends InputStream {
    private final ByteArrayInputStream in;

    LiveSocket(String sent) {
      in = new ByteArrayInputStream(sent.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int read() {
      return read(new byte[1], 0, 1);
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (in.available() == 0) throw new AssertionError("the reader waited for bytes the server has not sent");
      return in.read(b, off, len);
    }
  }

  @Test
  void aLiveConnectionIsNeverAskedForBytesBeyondTheMessage() throws IOException {
    String outboundConnect =
        "Content-Type: command/reply\nReply-Text: +OK\nEvent-Name: CHANNEL_DATA\nUnique-ID: u1\n\n";
    String json = "{\"Event-Name\":\"HEARTBEAT\"}";
    String[] messages = {"Content-Type: auth/request\n\n", envelope(RTCP), outboundConnect,
        envelope("Event-Name: HEARTBEAT\nEvent-Info: no%20final%20empty%20line\n"),
        "Content-Length: " + json.length() + "\nContent-Type: text/event-json\n\n" + json};
    for (String m : messages) {
      try (FreeswitchReader r = new FreeswitchReader(new LiveSocket(m), "esl://fs1:8021")) {
        Parsed p = r.next();
        assertEquals(m.length(), p.raw().length, m);
        assertFalse(p instanceof Parsed.Malformed, m);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ detection

  @Test
  void detectsEveryEslForm() {
    for (String s :
        List.of(
            "Content-Type: auth/request\n\n",
            envelope(RTCP),
            RTCP,
            "{\"Event-Name\":\"HEARTBEAT\",\"Core-UUID\":\"c1\",\"Event-Date-Timestamp\":\"1\"}",
            "<event>\n<headers>\n<Event-Name>HEARTBEAT</Event-Name>\n</headers>\n</event>",
            "<?xml version=\"1.0\"?>\n<event><headers><Event-Name>HEARTBEAT</Event-Name></headers></event>")) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      assertTrue(format.detect(b, b.length), s);
    }
  }

  @Test
  void doesNotClaimAmiOrKazoo() {
    for (String s :
        List.of(
            "Asterisk Call Manager/5.0.1\r\nResponse: Success\r\n\r\n",
            "Event: Newchannel\r\nPrivilege: call,all\r\nChannel: PJSIP/1000-00000001\r\n\r\n",
            "{\"Event-Name\":\"CHANNEL_CREATE\",\"Event-Category\":\"call_event\",\"App-Name\":\"ecallmgr\"}")) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      assertFalse(format.detect(b, b.length), s);
    }
  }

  @Test
  void theStandardRegistryPicksFreeswitchForEslFixturesAndNotForTheOtherPlatforms() throws IOException {
    Formats formats = Formats.standard();
    for (Path f : Fixtures.files("freeswitch-esl")) {
      byte[] b = Files.readAllBytes(f);
      Optional<EventFormat> got = formats.detect(b, Math.min(b.length, 8192));
      assertEquals("freeswitch", got.map(EventFormat::name).orElse(null), f.getFileName().toString());
    }
    for (String other : List.of("asterisk-ami", "asterisk-ari", "kazoo-amqp", "ccs")) {
      for (Path f : Fixtures.files(other)) {
        byte[] b = Files.readAllBytes(f);
        assertFalse(format.detect(b, Math.min(b.length, 8192)), f.getFileName().toString());
      }
    }
  }

  /** Small helpers over lists of pieces. */
  static final class Readers2 {
    static List<String> actions(List<Parsed> parsed) {
      return parsed.stream().filter(p -> p instanceof Parsed.Event).map(p -> ((Parsed.Event) p).action()).toList();
    }
  }
}
