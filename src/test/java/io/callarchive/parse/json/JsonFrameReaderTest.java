package io.callarchive.parse.json;

import static io.callarchive.parse.json.Pieces.assertAccounted;
import static io.callarchive.parse.json.Pieces.malformed;
import static io.callarchive.parse.json.Pieces.summary;
import static io.callarchive.parse.json.Pieces.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.model.Doc;
import io.callarchive.model.Parsed;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.EventReader;
import io.callarchive.parse.Readers;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonFrameReaderTest {

  /** Every object is an event named by its "n" key; small maximum object size to exercise the bound. */
  static EventFormat objects(int maxObject) {
    return new EventFormat() {
      public String name() {
        return "objects";
      }

      public String dataset() {
        return "test.objects";
      }

      public String rawField() {
        return "o";
      }

      public boolean detect(byte[] head, int length) {
        return false;
      }

      public EventReader open(InputStream in, String origin) {
        return new JsonEventReader(
            new JsonFrameReader(in, origin, maxObject),
            (o, lossy, raw, p) -> new Parsed.Event(String.valueOf(o.get("n")), o, null, null, lossy, raw, p));
      }

      public void normalise(Parsed.Event event, Doc doc) {}
    };
  }

  static final EventFormat OBJECTS = objects(JsonFrameReader.DEFAULT_MAX_OBJECT);

  static List<Parsed> read(String s) {
    return Readers.readAll(OBJECTS, utf8(s), "t");
  }

  static List<String> actions(List<Parsed> ps) {
    return ps.stream().map(p -> p instanceof Parsed.Event e ? e.action() : p.getClass().getSimpleName()).toList();
  }

  @Test
  void jsonLinesGiveOnePiecePerLineWithItsOffset() {
    String in = "{\"n\":\"a\"}\r\n{\"n\":\"b\",\"x\":[1,2]}\n\n{\"n\":\"c\"}";
    List<Parsed> ps = read(in);
    assertEquals(List.of("a", "b", "c"), actions(ps));
    assertEquals(0, ps.get(0).provenance().offset());
    assertEquals(in.indexOf("{\"n\":\"b\""), ps.get(1).provenance().offset());
    assertEquals(in.lastIndexOf('{'), ps.get(2).provenance().offset());
    assertAccounted(utf8(in), ps);
  }

  @Test
  void arrayElementsArePiecesWithTheirOwnOffsets() {
    String in = "[\n  {\"n\":\"a\"},\n  {\"n\":\"b\", \"s\": \"],[\"}\n]\n[{\"n\":\"c\"}]";
    List<Parsed> ps = read(in);
    assertEquals(List.of("a", "b", "c"), actions(ps));
    assertEquals(in.indexOf("{\"n\":\"b\""), ps.get(1).provenance().offset());
    assertEquals("{\"n\":\"b\", \"s\": \"],[\"}", new String(ps.get(1).raw()));
    assertAccounted(utf8(in), ps);
  }

  @Test
  void prettyPrintedObjectsAreFramedWithOrWithoutSeparators() {
    String in = "{\n  \"n\": \"a\",\n  \"o\": {\"x\": \"}{\"}\n}{\"n\":\"b\"}\n{\n\"n\":\"c\"\n}\n\n\n{\"n\":\"d\"}";
    List<Parsed> ps = read(in);
    assertEquals(List.of("a", "b", "c", "d"), actions(ps));
    assertAccounted(utf8(in), ps);
  }

  @Test
  void escapedQuotesAndBracesInStringsDoNotEndTheObject() {
    List<Parsed> ps = read("{\"n\":\"a\",\"s\":\"\\\"}\\\\\"}{\"n\":\"b\"}");
    assertEquals(List.of("a", "b"), actions(ps));
    assertEquals("\"}\\", ((Parsed.Event) ps.get(0)).fields().get("s"));
  }

  @Test
  void repeatedKeysKeepEveryValueAsAList() {
    Parsed.Event e = (Parsed.Event) read("{\"n\":\"a\",\"k\":1,\"k\":[2],\"k\":\"3\",\"arr\":[4]}").get(0);
    assertEquals(List.of(1, List.of(2), "3"), e.fields().get("k"));
    assertEquals(List.of(4), e.fields().get("arr"), "a single array value stays the array");
  }

  @Test
  void syntaxErrorIsOneMalformedPieceAndTheNextLineStillParses() {
    String in = "{\"n\":\"a\"}\n{\"n\":\"b\",,}\n{\"n\":\"c\"}\n";
    List<Parsed> ps = read(in);
    assertEquals(List.of("a", "Malformed", "c"), actions(ps));
    Parsed.Malformed m = malformed(ps).get(0);
    assertEquals("{\"n\":\"b\",,}", new String(m.raw()));
    assertTrue(m.reason().startsWith("JSON syntax error"), m.reason());
    assertAccounted(utf8(in), ps);
  }

  @Test
  void truncatedObjectResynchronisesOnTheNextObjectLine() {
    String in = "{\"n\":\"a\",\"s\":\"unterminated\n{\"n\":\"b\"}\n{\n  \"n\": \"c\"\n}\n";
    List<Parsed> ps = read(in);
    assertEquals(List.of("Malformed", "b", "c"), actions(ps));
    assertEquals("{\"n\":\"a\",\"s\":\"unterminated\n", new String(ps.get(0).raw()));
    assertAccounted(utf8(in), ps);
  }

  @Test
  void truncatedLastObjectIsMalformed() {
    String in = "{\"n\":\"a\"}\n{\"n\":\"b\", \"x\": {";
    List<Parsed> ps = read(in);
    assertEquals(List.of("a", "Malformed"), actions(ps));
    assertTrue(malformed(ps).get(0).reason().contains("input ends inside"), malformed(ps).get(0).reason());
    assertAccounted(utf8(in), ps);
  }

  @Test
  void garbageBetweenObjectsIsMalformed() {
    String in = "2024-01-01 12:00 INFO got {\"n\":\"a\"} trailing junk\n{\"n\":\"b\"}\n42\n";
    List<Parsed> ps = read(in);
    assertEquals(List.of("Malformed", "a", "Malformed", "b", "Malformed"), actions(ps));
    assertEquals("2024-01-01 12:00 INFO got", new String(ps.get(0).raw()));
    assertEquals("trailing junk", new String(ps.get(2).raw()));
    assertAccounted(utf8(in), ps);
  }

  @Test
  void bareArrayOfScalarsIsNotAnObject() {
    String in = "[1, 2, 3]\n{\"n\":\"a\"}";
    List<Parsed> ps = read(in);
    assertEquals(List.of("Malformed", "a"), actions(ps));
    assertTrue(malformed(ps).get(0).reason().contains("not an object"), malformed(ps).get(0).reason());
  }

  @Test
  void invalidUtf8InsideAStringKeepsTheEventAndFlagsItLossy() {
    byte[] in = concat(utf8("{\"n\":\"a\",\"name\":\"Jos"), new byte[] {(byte) 0xE9}, utf8("\"}\n{\"n\":\"b\"}"));
    List<Parsed> ps = Readers.readAll(OBJECTS, in, "t");
    assertEquals(List.of("a", "b"), actions(ps));
    Parsed.Event e = (Parsed.Event) ps.get(0);
    assertTrue(e.lossyText(), "replacement must be flagged so the raw bytes are kept (event-sources §0.3)");
    assertEquals("Jos\uFFFD", e.fields().get("name"));
    assertFalse(((Parsed.Event) ps.get(1)).lossyText());
    assertAccounted(in, ps);
  }

  @Test
  void invalidUtf8OutsideStringsIsMalformedAndTheNextObjectParses() {
    byte[] in = concat(utf8("{\"n\":\"a\","), new byte[] {(byte) 0xFF, (byte) 0xC0}, utf8("}\n{\"n\":\"b\"}\n"));
    List<Parsed> ps = Readers.readAll(OBJECTS, in, "t");
    assertEquals(List.of("Malformed", "b"), actions(ps));
    assertAccounted(in, ps);
  }

  @Test
  void objectLargerThanTheMaximumIsDeadLetteredInBoundedPiecesAndReadingGoesOn() {
    StringBuilder big = new StringBuilder("{\"n\":\"big\",\"x\":\"");
    big.append("y".repeat(500)).append("\",\"o\":{\"n\":\"inner\"}}");
    String in = "{\"n\":\"a\"}\n" + big + "\n{\"n\":\"b\"}\n";
    List<Parsed> ps = Readers.readAll(objects(64), utf8(in), "t");
    List<String> acts = actions(ps);
    assertEquals("a", acts.get(0));
    assertEquals("b", acts.get(acts.size() - 1));
    assertFalse(acts.contains("inner"), "a fragment of an oversize object must not surface as an event");
    for (Parsed p : ps) assertTrue(p.raw().length <= 64, "piece of " + p.raw().length + " bytes");
    assertTrue(acts.subList(1, acts.size() - 1).stream().allMatch("Malformed"::equals), acts.toString());
    assertAccounted(utf8(in), ps);
  }

  @Test
  void nestingDeeperThanTheLimitIsMalformed() {
    String deep = "{\"n\":\"d\",\"x\":" + "[".repeat(500) + "]".repeat(500) + "}";
    List<Parsed> ps = read(deep + "\n{\"n\":\"b\"}");
    assertEquals(List.of("Malformed", "b"), actions(ps));
  }

  @Test
  void leadingByteOrderMarkIsASeparator() {
    byte[] in = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8("{\"n\":\"a\"}"));
    List<Parsed> ps = Readers.readAll(OBJECTS, in, "t");
    assertEquals(List.of("a"), actions(ps));
    assertEquals(3, ps.get(0).provenance().offset());
    assertAccounted(in, ps);
  }

  @Test
  void emptyAndBlankInputGiveNothing() {
    assertEquals(List.of(), read(""));
    assertEquals(List.of(), read(" \n\r\n\t"));
    assertEquals(List.of(), read("[]\n[ ]"));
  }

  static final String MIXED =
      "[{\"n\":\"a\"},{\"n\":\"b\"}]\n{\"n\":\"c\",\"s\":\"\\\"{\"}\n{\n  \"n\": \"d\"\n}{\"n\":\"e\"}\n"
          + "junk\n{\"n\":\"f\",,}\n{\"n\":\"g\",\"s\":\"x\n{\"n\":\"h\"}\n{\"n\":\"i\"";

  @Test
  void inputSplitAtEveryByteGivesTheSameResult() {
    byte[] in = utf8(MIXED);
    List<String> whole = summary(Readers.readAll(OBJECTS, in, "test"));
    assertAccounted(in, Readers.readAll(OBJECTS, in, "test"));
    for (int split = 0; split <= in.length; split++) {
      assertEquals(whole, summary(Pieces.readSplitAt(OBJECTS, in, split)), "split at " + split);
    }
  }

  @Test
  void randomChunkSizesGiveTheSameResult() {
    byte[] in = utf8(MIXED.repeat(20));
    List<String> whole = summary(Readers.readAll(OBJECTS, in, "test"));
    Random rnd = new Random(42);
    for (int round = 0; round < 50; round++) {
      int[] chunks = rnd.ints(17, 1, 40).toArray();
      assertEquals(whole, summary(Pieces.readChunked(OBJECTS, in, chunks)), "round " + round);
    }
    assertEquals(List.of("a", "b", "c", "d", "e", "Malformed", "Malformed", "Malformed", "h", "Malformed"),
        actions(Readers.readAll(OBJECTS, utf8(MIXED), "t")));
  }

  @Test
  void readerOverAStreamLargerThanItsBufferKeepsOffsetsExact() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < 20_000; i++) out.writeBytes(utf8("{\"n\":\"e" + i + "\",\"pad\":\"" + "p".repeat(i % 50) + "\"}\n"));
    byte[] in = out.toByteArray();
    List<Parsed> ps = Readers.readAll(OBJECTS, in, "t");
    assertEquals(20_000, ps.size());
    assertEquals("e19999", ((Parsed.Event) ps.get(19_999)).action());
    assertAccounted(in, ps);
  }

  @Test
  void parsedTreesUsePlainJavaValues() {
    Parsed.Event e = (Parsed.Event) read("{\"n\":\"a\",\"i\":7,\"l\":12345678901,\"f\":1.5,\"b\":true,\"z\":null,"
        + "\"o\":{\"k\":\"v\"}}").get(0);
    Map<String, Object> f = e.fields();
    assertEquals(7, f.get("i"));
    assertEquals(12345678901L, f.get("l"));
    assertEquals(1.5, f.get("f"));
    assertEquals(Boolean.TRUE, f.get("b"));
    assertTrue(f.containsKey("z"));
    assertEquals(Map.of("k", "v"), f.get("o"));
    assertInstanceOf(java.util.LinkedHashMap.class, f);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }
}
