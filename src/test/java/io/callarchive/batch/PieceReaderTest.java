package io.callarchive.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Fixtures;
import io.callarchive.model.Parsed;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.ami.AmiFormat;
import io.callarchive.parse.ccs.CcsFormat;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;

class PieceReaderTest {
  private static final Path AMI_CALL = Fixtures.file("asterisk-ami", "call-answered-rtcp_crlf.txt");
  private static final Path CCS_ARRAY =
      Path.of(System.getProperty("callarchive.project"), "ingest", "samples", "ccs", "support-webhook-batch.json");

  static List<Parsed> read(Path file, EventFormat format, long start, long end, ExecutionContext ctx)
      throws Exception {
    return read(file, format, start, end, ctx, PieceReader.Correlation.NONE);
  }

  private static List<Parsed> read(
      Path file, EventFormat format, long start, long end, ExecutionContext ctx, PieceReader.Correlation correlation)
      throws Exception {
    Progress progress = new Progress(Progress.Mode.NONE, System.err, end, 1, Duration.ofSeconds(1), () -> 0);
    PieceReader r = new PieceReader(
        file, format, start, end, new FileCounts(), progress.file(file, 1, start, end), new Checkpoint(null),
        correlation);
    List<Parsed> out = new ArrayList<>();
    r.open(ctx);
    try {
      Parsed p;
      while ((p = r.read()) != null) out.add(p);
      r.update(ctx);
    } finally {
      r.close();
    }
    return out;
  }

  /** Every resume point (the end of each piece) yields exactly the pieces after it, at the same offsets. */
  private static void assertResumesAfterEveryPiece(Path file, EventFormat format, long length) throws Exception {
    List<Parsed> all = read(file, format, 0, length, new ExecutionContext());
    assertTrue(all.size() > 3, "enough pieces to resume between: " + all.size());
    assertResumesAfter(file, format, length, all, 1);
  }

  static void assertResumesAfter(Path file, EventFormat format, long length, List<Parsed> all, int step)
      throws Exception {
    for (int k = 0; k < all.size(); k += step) {
      Parsed last = all.get(k);
      ExecutionContext saved = new ExecutionContext();
      saved.putLong(PieceReader.OFFSET, last.provenance().offset() + last.provenance().length());
      List<Parsed> rest = read(file, format, 0, length, saved);
      assertEquals(all.size() - k - 1, rest.size(), file.getFileName() + ": pieces after piece " + k);
      for (int i = 0; i < rest.size(); i++) {
        Parsed want = all.get(k + 1 + i);
        Parsed got = rest.get(i);
        assertEquals(want.provenance(), got.provenance());
        assertArrayEquals(want.raw(), got.raw());
        assertEquals(want.getClass(), got.getClass());
      }
    }
  }

  @Test
  void aPlainAmiLogResumesAfterAnyCommittedPieceWithAbsoluteOffsets() throws Exception {
    Path file = AMI_CALL;
    assertResumesAfterEveryPiece(file, new AmiFormat(), Files.size(file));
  }

  @Test
  void aGzippedLogResumesByDiscardingTheDecompressedPrefix(@TempDir Path tmp) throws Exception {
    Path plain = AMI_CALL;
    Path gz = tmp.resolve("ami.log.1.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(Files.readAllBytes(plain));
    }
    assertResumesAfterEveryPiece(gz, new AmiFormat(), Files.size(plain));
  }

  @Test
  void aJsonArrayResumesByReReadingFromItsStart() throws Exception {
    assertTrue(PieceReader.startsWithArray(Files.readAllBytes(CCS_ARRAY), (int) Files.size(CCS_ARRAY)));
    assertResumesAfterEveryPiece(CCS_ARRAY, new CcsFormat(), Files.size(CCS_ARRAY));
  }

  /** Whatever the format, a committed offset is a place its reader can start again from. */
  @Test
  void everyFixtureResumesAfterItsPiecesInEveryFormat() throws Exception {
    io.callarchive.parse.Formats formats = io.callarchive.parse.Formats.standard();
    int checked = 0;
    int files = 0;
    for (String folder : List.of("asterisk-ami", "asterisk-ari", "kazoo-amqp", "freeswitch-esl", "ccs")) {
      for (Path f : Fixtures.files(folder)) {
        files++;
        io.callarchive.source.FileInputs.Opened o = io.callarchive.source.FileInputs.open(f);
        o.stream().close();
        EventFormat format = formats.detect(o.head(), o.headLength()).orElseThrow();
        List<Parsed> all = read(f, format, 0, Files.size(f), new ExecutionContext());
        assertResumesAfter(f, format, Files.size(f), all, 1);
        checked++;
      }
    }
    assertEquals(files, checked, "every fixture is detected and checked");
    assertTrue(checked >= 17, "fixtures checked: " + checked);
  }

  @Test
  void readingStopsAtTheFingerprintedLengthAndStartsAtTheRangeStart(@TempDir Path tmp) throws Exception {
    Path file = AMI_CALL;
    List<Parsed> all = read(file, new AmiFormat(), 0, Files.size(file), new ExecutionContext());
    Parsed third = all.get(2);
    long cut = third.provenance().offset() + third.provenance().length();
    List<Parsed> head = read(file, new AmiFormat(), 0, cut, new ExecutionContext());
    assertEquals(3, head.size(), "bytes appended after the fingerprint are left for the next run");
    List<Parsed> tail = read(file, new AmiFormat(), cut, Files.size(file), new ExecutionContext());
    assertEquals(all.size() - 3, tail.size());
    assertEquals(all.get(3).provenance(), tail.get(0).provenance());
  }

  /** A restart re-reads from the replay point for the open calls, and imports only from the committed offset. */
  @Test
  void piecesBetweenTheReplayPointAndTheCommittedOffsetAreOnlyReplayed(@TempDir Path tmp) throws Exception {
    Path file = io.callarchive.it.Traffic.write(io.callarchive.it.Traffic.ami(6, 2.0), null, tmp, "ami.log", 1).get(0);
    List<Parsed> all = read(file, new AmiFormat(), 0, Files.size(file), new ExecutionContext());
    assertTrue(all.size() > 100, "pieces: " + all.size());
    long replayFrom = all.get(30).provenance().offset();
    Parsed lastCommitted = all.get(70);
    long committed = lastCommitted.provenance().offset() + lastCommitted.provenance().length();
    List<Parsed> replayed = new ArrayList<>();
    long[] ended = {0};
    PieceReader.Correlation held = new PieceReader.Correlation() {
      @Override
      public long replayFrom(String origin, long durable) {
        return Math.min(durable, replayFrom + 1); // an open call still holds input from just after the old point
      }

      @Override
      public void release(String origin, long before) {}

      @Override
      public void replay(Parsed piece) {
        replayed.add(piece);
      }

      @Override
      public void endOfFile() {
        ended[0]++;
      }
    };
    ExecutionContext ctx = new ExecutionContext();
    ctx.putLong(PieceReader.OFFSET, committed);
    ctx.putLong(PieceReader.REPLAY, replayFrom);
    List<Parsed> rest = read(file, new AmiFormat(), 0, Files.size(file), ctx, held);
    assertEquals(all.subList(30, 71).stream().map(Parsed::provenance).toList(),
        replayed.stream().map(Parsed::provenance).toList(), "pieces 30..70 go to the correlator only");
    assertEquals(all.subList(71, all.size()).stream().map(Parsed::provenance).toList(),
        rest.stream().map(Parsed::provenance).toList(), "the import goes on after the committed offset");
    assertEquals(committed, ctx.getLong(PieceReader.OFFSET));
    assertEquals(replayFrom + 1, ctx.getLong(PieceReader.REPLAY), "the commit saves where the open calls begin");
    assertEquals(0, ended[0], "pieces came since the last chunk: its writer tells the end, not the reader");
  }

  @Test
  void theSavedOffsetIsTheLastDurableOneNotTheLastRead() throws Exception {
    Path file = AMI_CALL;
    List<Parsed> whole = read(file, new AmiFormat(), 0, Files.size(file), new ExecutionContext());
    long resumed = whole.get(1).provenance().offset() + whole.get(1).provenance().length();
    ExecutionContext ctx = new ExecutionContext();
    ctx.putLong(PieceReader.OFFSET, resumed);
    List<Parsed> all = read(file, new AmiFormat(), 0, Files.size(file), ctx);
    assertEquals(whole.size() - 2, all.size());
    // Nothing was written to Elasticsearch here, so nothing more is durable than where the step resumed.
    assertEquals(resumed, ctx.getLong(PieceReader.OFFSET));
  }
}
