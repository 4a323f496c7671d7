package io.callarchive.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
  private static final Duration NOW = Duration.ZERO;

  private static Spool.Settings settings(Path dir, long max, long segment) {
    return new Spool.Settings(dir, max, segment, Spool.Fsync.INTERVAL, Duration.ofMillis(50));
  }

  private static byte[] frame(int i) {
    return ("Event: Test\r\nN: " + String.format("%05d", i) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static List<Spool.Record> readAll(Spool spool) throws IOException {
    List<Spool.Record> out = new ArrayList<>();
    try (Spool.Cursor c = spool.cursor()) {
      for (Spool.Record r = c.next(NOW); r != null; r = c.next(NOW)) out.add(r);
    }
    return out;
  }

  @Test
  void framesAndStatesComeBackInOrderWithPerConnectionSequences() throws IOException {
    try (Spool s = new Spool(settings(tmp, 1 << 20, 4096), CLOCK)) {
      s.frame("a", frame(0));
      s.frame("b", frame(1));
      s.state("a", "disconnected", "the PBX closed the connection");
      s.frame("a", frame(2));
      List<Spool.Record> all = readAll(s);
      assertEquals(List.of("a", "b", "a", "a"), all.stream().map(Spool.Record::connection).toList());
      assertEquals(List.of(0L, 0L, 1L, 2L), all.stream().map(Spool.Record::seq).toList());
      assertArrayEquals(frame(2), all.get(3).bytes());
      assertEquals("disconnected", all.get(2).state());
      assertEquals("the PBX closed the connection", all.get(2).detail());
      assertEquals(CLOCK.instant(), all.get(0).received());
    }
  }

  @TempDir Path tmp;

  @Test
  void sequencesContinueAfterARestartAndReleasedRecordsAreNotReadAgain() throws IOException {
    try (Spool s = new Spool(settings(tmp, 1 << 20, 4096), CLOCK)) {
      for (int i = 0; i < 10; i++) s.frame("a", frame(i));
      s.release(Map.of("a", 6L));
    }
    try (Spool s = new Spool(settings(tmp, 1 << 20, 4096), CLOCK)) {
      s.frame("a", frame(10));
      List<Spool.Record> all = readAll(s);
      assertEquals(List.of(6L, 7L, 8L, 9L, 10L), all.stream().map(Spool.Record::seq).toList());
      assertArrayEquals(frame(10), all.getLast().bytes());
    }
  }

  @Test
  void segmentsWhollyReleasedAreDeletedAndSequencesSurviveEvenWhenAllAreGone() throws IOException {
    int n = 2000;
    try (Spool s = new Spool(settings(tmp, 1 << 22, 4096), CLOCK)) {
      for (int i = 0; i < n; i++) s.frame("a", frame(i));
      long before = segments(tmp);
      assertTrue(before > 3, "several segments: " + before);
      s.release(Map.of("a", (long) n));
      assertEquals(1, segments(tmp), "only the segment being written is kept");
    }
    try (Spool s = new Spool(settings(tmp, 1 << 22, 4096), CLOCK)) {
      assertEquals(n, s.nextSeq("a"), "the sequence does not restart at 0");
      s.frame("a", frame(n));
      List<Spool.Record> all = readAll(s);
      assertEquals(1, all.size());
      assertEquals(n, all.getFirst().seq());
    }
  }

  @Test
  void aTornLastRecordIsDroppedAndTheRestIsKept() throws IOException {
    try (Spool s = new Spool(settings(tmp, 1 << 20, 1 << 16), CLOCK)) {
      for (int i = 0; i < 5; i++) s.frame("a", frame(i));
    }
    Path seg = onlySegment(tmp);
    long size = Files.size(seg);
    // A crash in the middle of the write of the last record: cut it short.
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.truncate(size - 5);
    }
    try (Spool s = new Spool(settings(tmp, 1 << 20, 1 << 16), CLOCK)) {
      assertEquals(1, s.tornRecords.sum());
      List<Spool.Record> all = readAll(s);
      assertEquals(List.of(0L, 1L, 2L, 3L), all.stream().map(Spool.Record::seq).toList());
      s.frame("a", frame(99));
      assertEquals(4L, readAll(s).getLast().seq(), "the torn record's sequence is given to the next one");
    }
  }

  @Test
  void aRecordFailingItsChecksumEndsTheSegment() throws IOException {
    try (Spool s = new Spool(settings(tmp, 1 << 20, 1 << 16), CLOCK)) {
      for (int i = 0; i < 3; i++) s.frame("a", frame(i));
    }
    Path seg = onlySegment(tmp);
    byte[] b = Files.readAllBytes(seg);
    b[b.length - 3] ^= 0x20; // one flipped bit in the last record's bytes
    Files.write(seg, b);
    try (Spool s = new Spool(settings(tmp, 1 << 20, 1 << 16), CLOCK)) {
      assertEquals(List.of(0L, 1L), readAll(s).stream().map(Spool.Record::seq).toList());
      assertEquals(1, s.tornRecords.sum());
    }
  }

  @Test
  void aFullSpoolRefusesFramesCountsThemAndStillTakesStateChanges() throws IOException {
    try (Spool s = new Spool(settings(tmp, 8192, 4096), CLOCK)) {
      int accepted = 0;
      FrameSink.SpoolFullException full = null;
      for (int i = 0; i < 1000 && full == null; i++) {
        try {
          s.frame("a", frame(i));
          accepted++;
        } catch (FrameSink.SpoolFullException e) {
          full = e;
        }
      }
      assertTrue(full != null, "the bound is enforced");
      long perRecord = 8 + 1 + 8 + 8 + 2 + 1 + frame(0).length;
      assertEquals(8192 / perRecord, accepted);
      assertThrows(FrameSink.SpoolFullException.class, () -> s.frame("a", frame(1)));
      assertEquals(2, s.overflowFrames.sum());
      s.state("a", "spool_full", "frames are dropped");
      assertTrue(s.bytes() <= 8192 + (1 << 20));
      s.release(Map.of("a", (long) accepted + 1));
      s.frame("a", frame(2000));
      Spool.Record last = readAll(s).getLast();
      assertEquals(accepted + 1, last.seq());
    }
  }

  @Test
  void aReaderWaitsForTheNextRecord() throws Exception {
    try (Spool s = new Spool(settings(tmp, 1 << 20, 4096), CLOCK); Spool.Cursor c = s.cursor()) {
      assertNull(c.next(Duration.ofMillis(10)));
      Thread t = Thread.ofPlatform().start(() -> {
        try {
          Thread.sleep(50);
          s.frame("a", frame(7));
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      Spool.Record r = c.next(Duration.ofSeconds(10));
      t.join();
      assertArrayEquals(frame(7), r.bytes());
    }
  }

  private static long segments(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".seg")).count();
    }
  }

  private static Path onlySegment(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> l = s.filter(p -> p.toString().endsWith(".seg")).toList();
      assertEquals(1, l.size());
      return l.getFirst();
    }
  }
}
