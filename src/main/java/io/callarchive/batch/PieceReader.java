package io.callarchive.batch;

import io.callarchive.model.Parsed;
import io.callarchive.model.Provenance;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.EventReader;
import io.callarchive.source.FileInputs;
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

  private final Path file;
  private final EventFormat format;
  private final long start;
  private final long end;
  private final FileCounts counts;
  private final Progress.FileProgress progress;
  private final Checkpoint checkpoint;
  private final Correlation correlation;

  private EventReader reader;
  /** Pieces before it were indexed by an earlier run: they are only replayed to the correlator. */
  private long resumeAt;
  private boolean exhausted;
  private long base;
  private long discardBefore;
  private long position;

  PieceReader(
      Path file, EventFormat format, long start, long end, FileCounts counts, Progress.FileProgress progress,
      Checkpoint checkpoint, Correlation correlation) {
    this.checkpoint = checkpoint;
    this.correlation = correlation;
    this.file = file;
    this.format = format;
    this.start = start;
    this.end = end;
    this.counts = counts;
    this.progress = progress;
  }

  @Override
  public void open(ExecutionContext ctx) throws ItemStreamException {
    position = ctx.containsKey(OFFSET) ? ctx.getLong(OFFSET) : start;
    resumeAt = position;
    long from = Math.min(position, ctx.containsKey(REPLAY) ? ctx.getLong(REPLAY) : position);
    counts.restore(ctx);
    counts.openedAt = position;
    exhausted = false;
    checkpoint.start(mark());
    if (ctx.containsKey(OFFSET)) {
      log.info("{}: resuming at byte {} of {} (the last committed chunk), re-reading from byte {} for the calls"
          + " open there", file, position, end, from);
    }
    try {
      FileInputs.Opened opened = FileInputs.open(file);
      InputStream in = opened.stream();
      if (startsWithArray(opened.head(), opened.headLength())) {
        base = 0;
        discardBefore = from;
      } else {
        in.skipNBytes(from);
        base = from;
        discardBefore = 0;
      }
      reader = format.open(new Bounded(in, end - base), file.toString());
    } catch (IOException e) {
      throw new ItemStreamException("cannot open " + file + " at offset " + position + ": " + e.getMessage(), e);
    }
    progress.at(position);
  }

  @Override
  public Parsed read() throws IOException {
    while (true) {
      Parsed p = reader.next();
      if (p == null) {
        // The end: what is still in flight must be durable before the step may complete. When the last chunk has
        // pieces, its writer ends the file (see IndexWriter); when it has none, nobody else will.
        exhausted = true;
        if (sinceWrite == 0) endOfFile();
        checkpoint.drain();
        return null;
      }
      if (base != 0) p = shifted(p, base);
      long pieceEnd = p.provenance().offset() + p.provenance().length();
      if (p.provenance().offset() < discardBefore) continue;
      if (p.provenance().offset() < resumeAt) {
        correlation.replay(p);
        continue;
      }
      position = Math.max(position, pieceEnd);
      progress.at(position);
      sinceWrite++;
      return p;
    }
  }

  @Override
  public void update(ExecutionContext ctx) {
    // The offset committed is the last one known durable, which may trail the reading by a chunk.
    Checkpoint.Mark durable = checkpoint.durable();
    ctx.putLong(OFFSET, durable.position());
    String origin = file.toString();
    long replayFrom = correlation.replayFrom(origin, durable.position());
    if (durable.position() - replayFrom > MAX_REPLAY_LAG) {
      correlation.release(origin, durable.position() - MAX_REPLAY_LAG);
      replayFrom = correlation.replayFrom(origin, durable.position());
    }
    ctx.putLong(REPLAY, replayFrom);
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

  /** Where the reading is now, with the counts up to here. */
  Checkpoint.Mark mark() {
    return new Checkpoint.Mark(position, counts.events, counts.skipped, counts.malformed);
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
