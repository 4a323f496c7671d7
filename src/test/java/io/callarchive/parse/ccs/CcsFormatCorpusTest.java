package io.callarchive.parse.ccs;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.callarchive.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Conformance: no file of the shared corpus (which has no ccs capture) is taken for ccs. */
class CcsFormatCorpusTest {
  private static final CcsFormat CCS = new CcsFormat();

  @Test
  void noCorpusFileIsDetectedAsCcs() throws IOException {
    for (String folder : List.of("asterisk-ami", "asterisk-ari", "kazoo-amqp", "freeswitch-esl")) {
      for (Path f : Corpus.files(folder)) {
        byte[] head = Files.readAllBytes(f);
        assertFalse(CCS.detect(head, Math.min(head.length, 4096)), f.toString());
      }
    }
  }
}
