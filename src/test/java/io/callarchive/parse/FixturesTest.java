package io.callarchive.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Fixtures;
import io.callarchive.model.Parsed;
import io.callarchive.parse.json.Pieces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The project's own fixtures are what CONTENTS.md says they are: every file is recognised as its platform's format
 * from its first bytes, reads without a malformed piece, keeps every byte in a piece or a separator, and holds
 * exactly the events listed for it.
 */
class FixturesTest {
  static final Map<String, String> FORMAT_OF_FOLDER = Map.of(
      "asterisk-ami", "ami", "asterisk-ari", "ari", "freeswitch-esl", "freeswitch", "kazoo-amqp", "kazoo", "ccs", "ccs");

  @TestFactory
  List<DynamicTest> everyFixtureIsDetectedReadAndCountedAsItsContentsSay() {
    Formats formats = Formats.standard();
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, String> folder : FORMAT_OF_FOLDER.entrySet()) {
      List<Path> files = Fixtures.files(folder.getKey()).stream()
          .filter(p -> !p.getFileName().toString().endsWith(".md")).toList();
      assertFalse(files.isEmpty(), folder.getKey());
      for (Path f : files) {
        tests.add(DynamicTest.dynamicTest(folder.getKey() + "/" + f.getFileName(), () -> {
          byte[] bytes = Files.readAllBytes(f);
          EventFormat format = formats.detect(bytes, Math.min(bytes.length, 8192)).orElseThrow();
          assertEquals(folder.getValue(), format.name(), "detected format");
          List<Parsed> parsed = Readers.readAll(format, bytes, f.toString());
          assertEquals(List.of(), Pieces.malformed(parsed), "malformed pieces");
          assertNoByteLost(bytes, parsed);
          assertEquals(Fixtures.contents(folder.getKey(), f.getFileName().toString()), Pieces.eventCounts(parsed));
        }));
      }
    }
    return tests;
  }

  /** Pieces are in order, hold the input bytes at their offset, and what lies between them is blank or JSON punctuation. */
  static void assertNoByteLost(byte[] input, List<Parsed> pieces) {
    long at = 0;
    for (Parsed p : pieces) {
      long off = p.provenance().offset();
      assertTrue(off >= at, "piece at " + off + " overlaps the one ending at " + at);
      for (long i = at; i < off; i++) assertTrue(" \t\r\n[],".indexOf(input[(int) i]) >= 0, "byte " + i + " is lost");
      byte[] raw = p.raw();
      assertEquals(raw.length, p.provenance().length());
      for (int i = 0; i < raw.length; i++) assertEquals(input[(int) off + i], raw[i], "byte " + (off + i));
      at = off + raw.length;
    }
    for (long i = at; i < input.length; i++) assertTrue(" \t\r\n[],".indexOf(input[(int) i]) >= 0, "byte " + i + " is lost");
  }
}
