package io.callarchive.batch;

import io.callarchive.model.Parsed;
import io.callarchive.model.Provenance;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.EventReader;
import io.callarchive.source.FileInputs;
import io.callarchive.source.Occurrences;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * The step's reader: the format's {@link EventReader} over the bytes {@code [start, end)} of one file's
 * (decompressed) content. At each chunk commit it saves in the step's execution context the offset just past
 * the last piece it returned; a restarted step re-opens the file and carries on from there, so a job killed
 * half-way resumes from its last committed chunk. Pieces keep absolute offsets, which document ids and
 * {@code log.offset} rely on.
 *
 * <p>Resuming skips to the offset and opens a new format reader there (gzip: the skipped content is decompressed
 * and discarded). A file whose content is one top-level JSON array cannot be entered in the middle, so for it the
 * reader re-reads from the start and discards the pieces before the offset. Reading stops at {@code end}, the
 * length fingerprinted before the job started: what a writer appends meanwhile is left for the next run. Not
 * thread-safe: one step thread.
 */
final class PieceReader implements ItemStreamReader<Parsed> {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PieceReader.class);
  static final String OFFSET = "callarchive.offset";
  /** Where a restart re-reads from to rebuild the sessions open at the commit (at most {@link #OFFSET}). */
  static final String REPLAY = "callarchive.replay";
  /**
   * How far the replay point may trail the committed offset: sessions holding older input are written as they
   * stand (a later part merges with them), so that a restart never re-reads more than this.
   */
  static final long MAX_REPLAY_LAG = 64L << 20;
  /** Where the window of {@link Occurrences} begins at the committed offset, and its numbers above 0. */
  static final String OCC_FROM = "callarchive.occurrences.from";
  static final String OCC_STATE = "callarchive.occurrences";
  /** The end of what a completed run covered when it left an incomplete last event, and its prefix SHA-256. */
  static final String END = "callarchive.end";
  static final String END_SHA256 = "callarchive.end.sha256";
  /** How many bytes after the last piece are shown to {@link EventFormat#completeAtEnd}. */
  private static final int AFTER = 4096;

  /**
   * How the run treats the end of the file and what it knows of the bytes before its start.
   *
   * @param finished the file can no longer grow (compressed, rotated, or unchanged for the quiet period): an
   *     incomplete last piece is read (and dead-lettered) instead of left for the next run
   * @param primeFrom where the occurrence window of the range's start begins (-1: nothing before the start)
   * @param occurrences the occurrence numbers saved with that window ({@link Occurrences#snapshot()})
   */
  record Tail(boolean finished, long primeFrom, String occurrences) {
    static Tail finishedFile() {
      return new Tail(true, -1, "");
    }
  }

  private final Path file;
  private final EventFormat format;
  private final long start;
  private final long end;
  private final FileCounts counts;
  private final Progress.FileProgress progress;
  private final Checkpoint checkpoint;
  private final Tail tail;
  private final Correlation correlation;

  private EventReader reader;
  private FileInputs.Damage damage;
  /** The decompressed stream under the range bound, to look past the range's end for damage. */
  private InputStream unbounded;
  /** Pieces from here to the committed offset were indexed by an earlier run: they are only replayed. */
  private long replayFrom;
  private boolean exhausted;
  private long base;
  private long discardBefore;
  private long primeFrom;
  private String occurrencesSaved;
  private boolean primed;
  private long position;
  private Parsed ahead;
  private boolean aheadRead;
  /** The start of an incomplete last piece left for the next run, or -1. */
  private long heldAt = -1;
  private String heldSha256;

  PieceReader(
      Path file, EventFormat format, long start, long end, FileCounts counts, Progress.FileProgress progress,
      Checkpoint checkpoint) {
    this(file, format, start, end, counts, progress, checkpoint, Tail.finishedFile(), Correlation.NONE);
  }

  PieceReader(
      Path file, EventFormat format, long start, long end, FileCounts counts, Progress.FileProgress progress,
      Checkpoint checkpoint, Correlation correlation) {
    this(file, format, start, end, counts, progress, checkpoint, Tail.finishedFile(), correlation);
  }

  PieceReader(
      Path file, EventFormat format, long start, long end, FileCounts counts, Progress.FileProgress progress,
      Checkpoint checkpoint, Tail tail) {
    this(file, format, start, end, counts, progress, checkpoint, tail, Correlation.NONE);
  }

  PieceReader(
      Path file, EventFormat format, long start, long end, FileCounts counts, Progress.FileProgress progress,
      Checkpoint checkpoint, Tail tail, Correlation correlation) {
    this.checkpoint = checkpoint;
    this.correlation = correlation;
    this.file = file;
    this.format = format;
    this.start = start;
    this.end = end;
    this.counts = counts;
    this.progress = progress;
    this.tail = tail;
  }

  @Override
  public void open(ExecutionContext ctx) throws ItemStreamException {
    boolean resumed = ctx.containsKey(OFFSET);
    position = resumed ? ctx.getLong(OFFSET) : start;
    replayFrom = Math.min(position, ctx.containsKey(REPLAY) ? ctx.getLong(REPLAY) : position);
    primeFrom = resumed ? ctx.getLong(OCC_FROM, -1L) : tail.primeFrom();
    occurrencesSaved = resumed ? ctx.getString(OCC_STATE, "") : tail.occurrences();
    primed = false;
    counts.restore(ctx);
    counts.openedAt = position;
    exhausted = false;
    ahead = null;
    aheadRead = false;
    heldAt = -1;
    // Durable at the start: the window this run primes from, until a chunk of its own is durable.
    checkpoint.start(new Checkpoint.Mark(
        position, counts.events, counts.skipped, counts.malformed, primeFrom >= 0 ? primeFrom : -1, occurrencesSaved));
    if (resumed) {
      log.info("{}: resuming at byte {} of {} (the last committed chunk), re-reading from byte {} for the calls"
          + " open there", file, position, end, replayFrom);
    }
    try {
      FileInputs.Opened opened = FileInputs.open(file);
      InputStream in = opened.stream();
      damage = opened.damage();
      unbounded = in;
      long from = Math.min(replayFrom, primeFrom >= 0 && primeFrom < position ? primeFrom : position);
      if (startsWithArray(opened.head(), opened.headLength())) {
        base = 0;
      } else {
        in.skipNBytes(from);
        base = from;
      }
      discardBefore = position;
      reader = format.open(new Bounded(in, end - base), file.toString());
    } catch (IOException e) {
      throw new ItemStreamException("cannot open " + file + " at offset " + position + ": " + e.getMessage(), e);
    }
    progress.at(position);
  }

  @Override
  public Parsed read() throws IOException {
    while (true) {
      Parsed p = pull();
      if (p == null) {
        finishPriming();
        // The end: what is still in flight must be durable before the step may complete. When the last chunk has
        // pieces, its writer ends the file (see IndexWriter); when it has none, nobody else will.
        exhausted = true;
        if (sinceWrite == 0) endOfFile();
        checkpoint.drain();
        return null;
      }
      if (p.provenance().offset() < discardBefore) {
        // Before the restart point: read again only to number identical pieces as a whole read would.
        if (p instanceof Parsed.Event && primeFrom >= 0 && p.provenance().offset() >= primeFrom) {
          counts.occurrences.prime(p.raw(), p.provenance().offset());
        }
        // and, from the replay point on, to rebuild the calls that were open at the commit
        if (p.provenance().offset() >= replayFrom) correlation.replay(p);
        continue;
      }
      finishPriming();
      if (peek() == null) {
        p = last(p);
        if (p == null) continue;
      }
      long pieceEnd = p.provenance().offset() + p.provenance().length();
      position = Math.max(position, pieceEnd);
      progress.at(position);
      sinceWrite++;
      return p;
    }
  }

  private void finishPriming() {
    if (primed) return;
    primed = true;
    counts.occurrences.restore(occurrencesSaved);
  }

  /** The next piece, offsets made absolute; null at the end (then the damage of a compressed file, if any). */
  private Parsed pull() throws IOException {
    if (aheadRead) {
      aheadRead = false;
      Parsed p = ahead;
      ahead = null;
      return p;
    }
    Parsed p = reader.next();
    return p != null && base != 0 ? shifted(p, base) : p;
  }

  private Parsed peek() throws IOException {
    if (!aheadRead) {
      Parsed p = reader.next();
      ahead = p != null && base != 0 ? shifted(p, base) : p;
      aheadRead = true;
    }
    return ahead;
  }

  /**
   * The last piece of the input. In a file that may still grow, an incomplete one is left for the next run
   * (null here). In a compressed file cut short, the damage and an incomplete last piece are one dead letter.
   */
  private Parsed last(Parsed p) throws IOException {
    long pieceEnd = p.provenance().offset() + p.provenance().length();
    // The range ends where the fingerprint found the damage: one more read shows it to this stream too.
    if (damage != null && !damage.found() && unbounded.read() >= 0) damage = null;
    boolean damaged = damage != null && damage.found();
    if (!tail.finished() && !damaged && !format.completeAtEnd(p, after(pieceEnd))) {
      heldAt = p.provenance().offset();
      heldSha256 = ContentScan.prefixSha256(file, heldAt);
      log.info("{}: the last piece (byte {}, {} bytes so far) is still being written; left for the next run",
          file, heldAt, end - heldAt);
      return null;
    }
    if (!damaged) return p;
    if (!format.completeAtEnd(p, new byte[0])) {
      return new Parsed.Malformed(
          damage.reason() + "; the piece it cut: " + reason(p), p.raw(), p.provenance());
    }
    // The piece is whole: the damage itself is the next piece, with no bytes of its own.
    ahead = new Parsed.Malformed(damage.reason(), new byte[0], new Provenance(file.toString(), damage.at(), 0));
    aheadRead = true;
    damage = null;
    return p;
  }

  private static String reason(Parsed p) {
    return switch (p) {
      case Parsed.Malformed m -> m.reason();
      case Parsed.Skipped s -> "not an event (" + s.reason() + ")";
      case Parsed.Event e -> "an event without its end";
    };
  }

  /** Up to {@link #AFTER} bytes after {@code from}, up to the end of the range (uncompressed files only). */
  private byte[] after(long from) throws IOException {
    long n = Math.min(AFTER, end - from);
    if (n <= 0) return new byte[0];
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) n);
      while (b.hasRemaining() && ch.read(b, from + b.position()) > 0) {
        // read until full or end of file
      }
      return java.util.Arrays.copyOf(b.array(), b.position());
    }
  }

  @Override
  public void update(ExecutionContext ctx) {
    // The offset committed is the last one known durable, which may trail the reading by a chunk.
    Checkpoint.Mark durable = checkpoint.durable();
    ctx.putLong(OFFSET, durable.position());
    ctx.putLong(OCC_FROM, durable.occurrencesFrom());
    ctx.putString(OCC_STATE, durable.occurrences());
    if (exhausted && heldAt >= 0 && durable.position() <= heldAt) {
      ctx.putLong(END, heldAt);
      ctx.putString(END_SHA256, heldSha256);
    }
    String origin = file.toString();
    long replay = correlation.replayFrom(origin, durable.position());
    if (durable.position() - replay > MAX_REPLAY_LAG) {
      correlation.release(origin, durable.position() - MAX_REPLAY_LAG);
      replay = correlation.replayFrom(origin, durable.position());
    }
    ctx.putLong(REPLAY, replay);
    counts.save(ctx, durable);
  }

  /**
   * What the reader needs of the correlation: where a restart must re-read from so that the calls open at a commit
   * are rebuilt, and the end of a file. Called from the step's thread.
   */
  interface Correlation {
    /** No correlation: nothing is ever held. */
    Correlation NONE = new Correlation() {
      @Override
      public long replayFrom(String origin, long durable) {
        return durable;
      }

      @Override
      public void release(String origin, long before) {}

      @Override
      public void replay(Parsed piece) {}

      @Override
      public void endOfFile() {}
    };

    /** The earliest offset of {@code origin} that input not yet fully acknowledged starts at (at most {@code durable}). */
    long replayFrom(String origin, long durable);

    /** Writes, as they stand, the sessions holding input of {@code origin} before {@code before}. */
    void release(String origin, long before);

    /** A piece indexed by an earlier run, read again only for the sessions it belongs to. */
    void replay(Parsed piece);

    /** The file is read to its end. */
    void endOfFile();
  }

  /** Pieces returned since the writer last took a chunk. */
  private int sinceWrite;

  /**
   * The file is read to its end: the sessions still open are written as they stand (a later file merges with
   * them) and everything is awaited, so that nothing of this file is held when its step completes.
   */
  void endOfFile() {
    correlation.endOfFile();
  }

  /** The writer took the chunk of the pieces returned so far. */
  void chunkWritten() {
    sinceWrite = 0;
  }

  /** Where the reading is now, with the counts and occurrence numbers up to here. */
  Checkpoint.Mark mark() {
    return new Checkpoint.Mark(
        position, counts.events, counts.skipped, counts.malformed, counts.occurrences.windowFrom(),
        counts.occurrences.snapshot());
  }

  /** True once the input is read to its end (or to the end of the range this run imports). */
  boolean exhausted() {
    return exhausted || position >= end;
  }

  @Override
  public void close() {
    if (reader == null) return;
    try {
      reader.close();
    } catch (IOException e) {
      throw new ItemStreamException("cannot close " + file, e);
    } finally {
      reader = null;
    }
  }

  /** True when the first non-blank byte (after a UTF-8 byte order mark) opens a JSON array. */
  static boolean startsWithArray(byte[] head, int n) {
    int i = n >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf ? 3 : 0;
    while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) i++;
    return i < n && head[i] == '[';
  }

  static Parsed shifted(Parsed p, long base) {
    Provenance o = p.provenance();
    Provenance at = new Provenance(o.origin(), o.offset() + base, o.length());
    return switch (p) {
      case Parsed.Event e -> new Parsed.Event(e.action(), e.fields(), e.time(), e.timePrecision(), e.lossyText(), e.raw(), at);
      case Parsed.Skipped s -> new Parsed.Skipped(s.reason(), s.raw(), at);
      case Parsed.Malformed m -> new Parsed.Malformed(m.reason(), m.raw(), at);
    };
  }

  /** At most {@code limit} bytes of a stream. */
  private static final class Bounded extends FilterInputStream {
    private long left;

    Bounded(InputStream in, long limit) {
      super(in);
      this.left = Math.max(0, limit);
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) return -1;
      int b = super.read();
      if (b >= 0) left--;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) return -1;
      int n = super.read(b, off, (int) Math.min(len, left));
      if (n > 0) left -= n;
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s = super.skip(Math.min(n, left));
      left -= s;
      return s;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(super.available(), left);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
