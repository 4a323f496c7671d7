package io.callarchive.parse.ami;

import static io.callarchive.parse.ami.AmiFuzzTest.mutate;
import static io.callarchive.parse.ami.AmiFuzzTest.readAndCheck;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Conformance: seeded mutations of the AMI files of the shared corpus never throw and lose no byte. */
class AmiFuzzCorpusTest {
  @Test
  void mutatedCorpusNeverThrowsAndLosesNoByte() throws Exception {
    Random rnd = new Random(20261122);
    List<Path> files = Corpus.files("asterisk-ami");
    int runs = 0;
    for (Path f : files) {
      byte[] original = Files.readAllBytes(f);
      for (int i = 0; i < 12; i++) {
        readAndCheck(mutate(original, rnd), f.getFileName() + " mutation " + i);
        runs++;
      }
    }
    assertTrue(runs >= 200);
  }

}
