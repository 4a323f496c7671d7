package io.callarchive.parse.ami;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Fixtures;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.Sinks;
import io.callarchive.pipeline.SourceContext;
import io.callarchive.model.IndexDoc;
import io.callarchive.enrich.Enrichers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random and mutated input: no exception escapes the reader or the pipeline, and no byte is lost. */
class AmiFuzzTest {
  private static final AmiFormat AMI = new AmiFormat();

  static byte[] mutate(byte[] in, Random rnd) {
    byte[] out = in.clone();
    int edits = 1 + rnd.nextInt(Math.max(1, out.length / 200));
    for (int i = 0; i < edits && out.length > 0; i++) {
      int at = rnd.nextInt(out.length);
      switch (rnd.nextInt(5)) {
        case 0 -> out[at] = (byte) rnd.nextInt(256);
        case 1 -> out[at] = '\n';
        case 2 -> out[at] = ':';
        case 3 -> out[at] = (byte) (0x80 + rnd.nextInt(0x40)); // a stray UTF-8 continuation byte
        default -> out = java.util.Arrays.copyOf(out, at); // cut the input short
      }
    }
    return out;
  }

  static void readAndCheck(byte[] bytes, String what) {
    List<Parsed> parsed;
    try {
      parsed = Readers.readAll(AMI, bytes, what);
    } catch (RuntimeException e) {
      throw new AssertionError(what + ": the reader threw", e);
    }
    AmiReaderTest.assertAccountsForEveryByte(bytes, parsed);
    Pipeline pipeline = new Pipeline(Enrichers.standard(), Sinks.discard(), Clock.systemUTC());
    SourceContext ctx = new SourceContext(null, null, Instant.EPOCH);
    for (Parsed p : parsed) {
      try {
        pipeline.accept(p, AMI, ctx);
      } catch (RuntimeException e) {
        throw new AssertionError(what + ": the pipeline threw on " + p.provenance(), e);
      }
    }
  }

  @Test
  void mutatedFixturesNeverThrowAndLoseNoByte() throws Exception {
    Random rnd = new Random(20261122);
    List<Path> files = Fixtures.files("asterisk-ami");
    int runs = 0;
    for (Path f : files) {
      byte[] original = Files.readAllBytes(f);
      for (int i = 0; i < 48; i++) {
        readAndCheck(mutate(original, rnd), f.getFileName() + " mutation " + i);
        runs++;
      }
    }
    assertTrue(runs >= 200);
  }

  @Test
  void randomBytesNeverThrowAndLoseNoByte() {
    Random rnd = new Random(7);
    for (int i = 0; i < 300; i++) {
      byte[] b = new byte[rnd.nextInt(4096)];
      rnd.nextBytes(b);
      // Sprinkle structure so that some blocks half-parse.
      for (int j = 0; j < b.length; j += 1 + rnd.nextInt(40)) b[j] = (byte) "\n:E \r".charAt(rnd.nextInt(5));
      readAndCheck(b, "random " + i);
    }
  }
}
