package io.callarchive.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callarchive.model.Parsed;
import io.callarchive.parse.ari.AriFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/** Identical frames keep their occurrence numbers whichever piece a restart resumes after. */
class OccurrenceResumeTest {
  private static byte[] frame(String value) {
    return ("{\"type\":\"ChannelVarset\",\"timestamp\":\"2026-11-22T10:00:00.123+0000\",\"variable\":\"BRIDGEPEER\","
        + "\"value\":\"" + value + "\",\"channel\":{\"id\":\"1763805600.1\",\"name\":\"PJSIP/100-1\"},"
        + "\"asterisk_id\":\"52:54:00:12:34:56\",\"application\":\"archive\"}\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** Reads the pieces after the context's offset and numbers the events as the processor does. */
  private static List<Integer> numbers(Path file, long length, ExecutionContext ctx, int stopAfter, ExecutionContext save)
      throws Exception {
    Progress progress = new Progress(Progress.Mode.NONE, System.err, length, 1, Duration.ofSeconds(1), () -> 0);
    FileCounts counts = new FileCounts();
    Checkpoint checkpoint = new Checkpoint(null);
    PieceReader r = new PieceReader(file, new AriFormat(), 0, length, counts, progress.file(file, 1, 0, length), checkpoint);
    List<Integer> out = new ArrayList<>();
    r.open(ctx);
    try {
      Parsed p;
      while (out.size() < stopAfter && (p = r.read()) != null) {
        out.add(counts.occurrences.next(p.raw(), p.provenance().offset()));
      }
      if (save != null) {
        checkpoint.start(r.mark());
        r.update(save);
      }
    } finally {
      r.close();
    }
    return out;
  }

  @Test
  void aRestartBetweenIdenticalFramesNumbersThemAsAWholeRead(@TempDir Path tmp) throws Exception {
    byte[] a = frame("PJSIP/200-1"), b = frame("PJSIP/300-1");
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] f : List.of(a, a, b, a, b, a, a)) content.writeBytes(f);
    Path file = tmp.resolve("ari.json");
    Files.write(file, content.toByteArray());
    long length = Files.size(file);
    List<Integer> whole = numbers(file, length, new ExecutionContext(), Integer.MAX_VALUE, null);
    // Expected from the frame sequence itself: each copy counts the copies of its bytes before it.
    assertEquals(List.of(0, 1, 0, 2, 1, 3, 4), whole);
    for (int k = 1; k < whole.size(); k++) {
      ExecutionContext saved = new ExecutionContext();
      List<Integer> before = numbers(file, length, new ExecutionContext(), k, saved);
      List<Integer> after = numbers(file, length, saved, Integer.MAX_VALUE, null);
      List<Integer> joined = new ArrayList<>(before);
      joined.addAll(after);
      assertEquals(whole, joined, "restart after piece " + k);
    }
  }
}
