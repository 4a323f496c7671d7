package io.callarchive.parse.freeswitch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.callarchive.Corpus;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.Formats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import io.callarchive.model.Parsed;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Conformance: format detection between FreeSWITCH and the other platforms' files of the shared corpus. */
class FreeswitchReaderCorpusTest {
  private final FreeswitchFormat format = new FreeswitchFormat();

  static Stream<Path> files() {
    return FreeswitchCorpusTest.files();
  }

  @ParameterizedTest
  @MethodSource("files")
  void readsOfOneByteOrRandomSizesGiveTheSameResult(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    List<String> whole = FreeswitchReaderTest.signatures(FreeswitchReaderTest.readAll(bytes));
    assertEquals(whole, FreeswitchReaderTest.signatures(FreeswitchReaderTest.readAll(new FreeswitchReaderTest.OneByteAtATime(bytes), FreeswitchReader.MAX_FRAME)), "one byte");
    for (long seed = 1; seed <= 3; seed++) {
      assertEquals(whole, FreeswitchReaderTest.signatures(FreeswitchReaderTest.readAll(new FreeswitchReaderTest.RandomChunks(bytes, seed), FreeswitchReader.MAX_FRAME)), "seed " + seed);
    }
  }

  @ParameterizedTest
  @MethodSource("files")
  void mutatedCorpusNeverThrowsAndEveryByteIsAccountedFor(Path file) throws IOException {
    byte[] original = Files.readAllBytes(file);
    Random random = new Random(file.getFileName().toString().hashCode());
    for (int round = 0; round < 12; round++) {
      byte[] mutated = FreeswitchReaderTest.mutate(original, random);
      int limit = round % 3 == 0 ? 4096 : FreeswitchReader.MAX_FRAME;
      List<Parsed> parsed = FreeswitchReaderTest.readAll(new FreeswitchReaderTest.RandomChunks(mutated, round), limit);
      FreeswitchReaderTest.assertAccountsForEveryByte(mutated, parsed);
    }
  }


  @Test
  void theStandardRegistryPicksFreeswitchForEslAndNotForTheOtherCorpora() throws IOException {
    Formats formats = Formats.standard();
    for (Path f : FreeswitchCorpusTest.files().toList()) {
      byte[] b = Files.readAllBytes(f);
      Optional<EventFormat> got = formats.detect(b, Math.min(b.length, 8192));
      assertEquals("freeswitch", got.map(EventFormat::name).orElse(null), f.getFileName().toString());
    }
    for (String other : List.of("asterisk-ami", "asterisk-ari", "kazoo-amqp")) {
      for (Path f : Corpus.files(other)) {
        byte[] b = Files.readAllBytes(f);
        assertFalse(format.detect(b, Math.min(b.length, 8192)), f.getFileName().toString());
      }
    }
  }

}
