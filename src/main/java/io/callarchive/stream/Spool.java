package io.callarchive.stream;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable spool between the connectors and the pipeline: every frame and state change is appended here
 * before anything parses it, and stays until the pipeline {@link #release releases} it (Elasticsearch acknowledged
 * everything made from it). See docs/decisions/stream-spool.md.
 *
 * <p>On disk: segment files {@code NNNNNNNNNNNNNNNNNNNN.seg} of records {@code [int length][int CRC32C][payload]},
 * payload {@code [kind][sequence][received ms][name length][name][bytes]}. Each connection has its own
 * sequence, counted from 0 once and continued across restarts (the position of a frame, its
 * {@code log.offset}). At open every segment is checked record by record: a record that runs past the end of its
 * file or fails its checksum (a write cut short by a crash: the torn last record) is dropped with the rest of
 * that file, logged and counted. Released positions are kept in the file {@code released} (written to a
 * temporary file and renamed, so it is always whole); segments whose every record is released are deleted.
 *
 * <p>Durability: a record is written with one {@code write} to the file before {@link #frame} returns, so it is in
 * the operating system's page cache and survives the death of the process ({@code kill -9}). It reaches the disk
 * at the next fsync: {@link Fsync#INTERVAL} (default: once per second, so a power cut loses at most the last
 * second), {@link Fsync#ALWAYS} (before {@code frame} returns: nothing acknowledged is lost, at the cost of one
 * disk flush per frame) or {@link Fsync#OS} (when the kernel writes back, typically within 30 s).
 *
 * <p>Bound: when the segments hold {@link Settings#maxBytes} a frame is refused with
 * {@link FrameSink.SpoolFullException} and counted ({@link #overflowFrames}); state records may go up to 1 MiB
 * beyond the bound so that the overflow itself is archived. Thread-safe: any number of writers and one reader
 * ({@link Cursor}).
 */
public final class Spool implements FrameSink, Closeable {
  private static final Logger log = LoggerFactory.getLogger(Spool.class);
  private static final int HEADER = 8;
  private static final int MAX_RECORD = 16 << 20;
  private static final long STATE_RESERVE = 1 << 20;
  static final byte FRAME = 1;
  static final byte STATE = 2;

  /** When the spool asks the disk to make its writes durable. */
  public enum Fsync {
    ALWAYS,
    INTERVAL,
    OS
  }

  /**
   * @param dir the spool's own folder (created when missing)
   * @param maxBytes the most bytes the segments may hold; beyond it frames are refused
   * @param segmentBytes size at which a segment is closed and a new one begun
   * @param fsync when writes are forced to the disk
   * @param fsyncInterval the period of {@link Fsync#INTERVAL}
   */
  public record Settings(Path dir, long maxBytes, long segmentBytes, Fsync fsync, Duration fsyncInterval) {
    public Settings {
      if (dir == null) throw new IllegalArgumentException("the spool needs a folder");
      if (segmentBytes < 4096) throw new IllegalArgumentException("spool segments must be at least 4 KiB");
      if (maxBytes < 2 * segmentBytes) {
        throw new IllegalArgumentException("the spool size must be at least two segments (" + 2 * segmentBytes + " bytes)");
      }
      if (fsync == null) fsync = Fsync.INTERVAL;
      if (fsyncInterval == null || fsyncInterval.isNegative() || fsyncInterval.isZero()) fsyncInterval = Duration.ofSeconds(1);
    }

    public static Settings of(Path dir) {
      return new Settings(dir, 1L << 30, 64L << 20, Fsync.INTERVAL, Duration.ofSeconds(1));
    }
  }

  /** One spooled record: a frame of a connection, or a state change ({@link #state()} non-null). */
  public record Record(
      String connection, long seq, Instant received, byte[] bytes, String state, String detail, long size) {
    public boolean isState() {
      return state != null;
    }
  }

  private static final class Segment {
    final long id;
    final Path path;
    volatile long size;
    long records;
    final Map<String, Long> maxSeq = new HashMap<>();

    Segment(long id, Path path) {
      this.id = id;
      this.path = path;
    }
  }

  private final Settings settings;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition appended = lock.newCondition();
  private final List<Segment> segments = new ArrayList<>();
  private final Map<String, Long> nextSeq = new HashMap<>();
  private final Map<String, Long> released = new HashMap<>();
  private FileChannel out;
  private long totalBytes;
  private boolean dirty;
  private volatile boolean closed;
  private final Thread syncer;

  public final LongAdder overflowFrames = new LongAdder();
  public final LongAdder tornRecords = new LongAdder();
  public final LongAdder appendedRecords = new LongAdder();

  public Spool(Settings settings, Clock clock) throws IOException {
    this.settings = settings;
    this.clock = clock;
    Files.createDirectories(settings.dir());
    readReleased();
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(settings.dir(), "*.seg")) {
      for (Path p : ds) files.add(p);
    }
    files.sort(null);
    for (Path p : files) {
      String n = p.getFileName().toString();
      Segment s = new Segment(Long.parseLong(n.substring(0, n.length() - 4)), p);
      recover(s);
      segments.add(s);
      totalBytes += s.size;
    }
    // Sequences never restart: a connection whose every segment was released and deleted goes on from its
    // released position.
    for (Map.Entry<String, Long> e : released.entrySet()) nextSeq.merge(e.getKey(), e.getValue(), Math::max);
    long lastId = segments.isEmpty() ? 0 : segments.getLast().id;
    dropReleasedSegments();
    if (segments.isEmpty()) startSegment(lastId + 1);
    else out = FileChannel.open(segments.getLast().path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    if (settings.fsync() == Fsync.INTERVAL) {
      syncer = Thread.ofPlatform().daemon().name("spool-fsync").start(this::syncLoop);
    } else {
      syncer = null;
    }
  }

  /** Reads a segment record by record, truncating it at the first record that is torn or fails its checksum. */
  private void recover(Segment s) throws IOException {
    try (FileChannel ch = FileChannel.open(s.path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long fileSize = ch.size();
      long pos = 0;
      ByteBuffer head = ByteBuffer.allocate(HEADER);
      while (pos < fileSize) {
        head.clear();
        if (readFully(ch, head, pos) < HEADER) break;
        int len = head.getInt(0);
        int crc = head.getInt(4);
        if (len <= 0 || len > MAX_RECORD || pos + HEADER + len > fileSize) break;
        ByteBuffer payload = ByteBuffer.allocate(len);
        readFully(ch, payload, pos + HEADER);
        if (crc32c(payload.array(), len) != crc) break;
        Record r = decode(payload.array(), len);
        s.maxSeq.merge(r.connection(), r.seq(), Math::max);
        nextSeq.merge(r.connection(), r.seq() + 1, Math::max);
        s.records++;
        pos += HEADER + len;
      }
      if (pos < fileSize) {
        tornRecords.increment();
        log.warn("Spool segment {}: {} bytes after offset {} are a torn or corrupt record (a crash cut a write"
            + " short); dropped", s.path.getFileName(), fileSize - pos, pos);
        ch.truncate(pos);
        ch.force(true);
      }
      s.size = pos;
    }
  }

  private void startSegment(long id) throws IOException {
    Path p = settings.dir().resolve(String.format("%020d.seg", id));
    Segment s = new Segment(id, p);
    out = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    segments.add(s);
    // The new file's directory entry must survive a power cut as much as its data.
    forceDirectory();
  }

  @Override
  public void frame(String connection, byte[] bytes) throws IOException {
    append(FRAME, connection, bytes);
  }

  @Override
  public void state(String connection, String state, String detail) throws IOException {
    String text = state + '\u0000' + (detail == null ? "" : detail);
    append(STATE, connection, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Appends one record; returns its sequence number on the connection. */
  long append(byte kind, String connection, byte[] bytes) throws IOException {
    byte[] name = connection.getBytes(StandardCharsets.UTF_8);
    int len = 1 + 8 + 8 + 2 + name.length + bytes.length;
    if (len > MAX_RECORD) throw new IOException("a frame of " + bytes.length + " bytes is larger than the spool takes");
    lock.lock();
    try {
      if (closed) throw new IOException("the spool is closed");
      long bound = settings.maxBytes() + (kind == STATE ? STATE_RESERVE : 0);
      if (totalBytes + HEADER + len > bound) {
        if (kind == FRAME) overflowFrames.increment();
        throw new SpoolFullException("the spool holds " + totalBytes + " bytes, its bound is " + settings.maxBytes());
      }
      Segment cur = segments.getLast();
      if (cur.size >= settings.segmentBytes()) {
        out.force(false);
        out.close();
        startSegment(cur.id + 1);
        cur = segments.getLast();
      }
      long seq = nextSeq.getOrDefault(connection, 0L);
      ByteBuffer b = ByteBuffer.allocate(HEADER + len);
      b.putInt(len).putInt(0).put(kind).putLong(seq).putLong(clock.millis()).putShort((short) name.length).put(name).put(bytes);
      b.putInt(4, crc32c(b.array(), HEADER, len));
      b.flip();
      while (b.hasRemaining()) out.write(b);
      if (settings.fsync() == Fsync.ALWAYS) out.force(false);
      else dirty = true;
      nextSeq.put(connection, seq + 1);
      cur.maxSeq.put(connection, seq);
      cur.records++;
      cur.size += HEADER + len;
      totalBytes += HEADER + len;
      appendedRecords.increment();
      appended.signalAll();
      return seq;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Marks every record of {@code connection} below {@code nextSeq} as done (Elasticsearch acknowledged all that
   * was made of them); persists it and deletes segments no longer needed. Positions only move forward.
   */
  public void release(Map<String, Long> positions) throws IOException {
    lock.lock();
    try {
      boolean changed = false;
      for (Map.Entry<String, Long> e : positions.entrySet()) {
        long old = released.getOrDefault(e.getKey(), 0L);
        if (e.getValue() > old) {
          released.put(e.getKey(), e.getValue());
          changed = true;
        }
      }
      if (!changed) return;
      writeReleased();
      dropReleasedSegments();
    } finally {
      lock.unlock();
    }
  }

  /** The released positions: per connection, the first sequence that may still be needed. */
  public Map<String, Long> released() {
    lock.lock();
    try {
      return new LinkedHashMap<>(released);
    } finally {
      lock.unlock();
    }
  }

  /** The sequence the next record of {@code connection} gets. */
  public long nextSeq(String connection) {
    lock.lock();
    try {
      return nextSeq.getOrDefault(connection, 0L);
    } finally {
      lock.unlock();
    }
  }

  /** Bytes held by the segments. */
  public long bytes() {
    lock.lock();
    try {
      return totalBytes;
    } finally {
      lock.unlock();
    }
  }

  /** Records appended and not yet released. */
  public long pendingRecords() {
    lock.lock();
    try {
      long n = 0;
      for (Map.Entry<String, Long> e : nextSeq.entrySet()) n += e.getValue() - released.getOrDefault(e.getKey(), 0L);
      return n;
    } finally {
      lock.unlock();
    }
  }

  public Settings settings() {
    return settings;
  }

  private void dropReleasedSegments() throws IOException {
    while (!segments.isEmpty()) {
      Segment s = segments.getFirst();
      if (out != null && s == segments.getLast()) return; // the one being written
      for (Map.Entry<String, Long> e : s.maxSeq.entrySet()) {
        if (e.getValue() >= released.getOrDefault(e.getKey(), 0L)) return;
      }
      segments.removeFirst();
      totalBytes -= s.size;
      Files.deleteIfExists(s.path);
    }
  }

  private void readReleased() throws IOException {
    Path f = settings.dir().resolve("released");
    if (!Files.exists(f)) return;
    Properties p = new Properties();
    try (var in = Files.newInputStream(f)) {
      p.load(in);
    }
    for (String k : p.stringPropertyNames()) released.put(k, Long.parseLong(p.getProperty(k).trim()));
  }

  private void writeReleased() throws IOException {
    Properties p = new Properties();
    for (Map.Entry<String, Long> e : released.entrySet()) p.setProperty(e.getKey(), Long.toString(e.getValue()));
    Path tmp = settings.dir().resolve("released.tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      var buf = new java.io.ByteArrayOutputStream();
      p.store(buf, "per connection: the first spool sequence not yet acknowledged by Elasticsearch");
      ch.write(ByteBuffer.wrap(buf.toByteArray()));
      if (settings.fsync() != Fsync.OS) ch.force(true);
    }
    Files.move(tmp, settings.dir().resolve("released"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private void syncLoop() {
    long ms = settings.fsyncInterval().toMillis();
    while (!closed) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        return;
      }
      sync();
    }
  }

  /** Forces what was written to the disk. */
  public void sync() {
    FileChannel ch;
    lock.lock();
    try {
      if (!dirty || closed) return;
      dirty = false;
      ch = out;
    } finally {
      lock.unlock();
    }
    try {
      // Outside the lock: a flush may take tens of milliseconds and the readers of the PBX must not wait.
      ch.force(false);
    } catch (java.nio.channels.ClosedChannelException e) {
      // rotated meanwhile: the rotation forced it
    } catch (IOException e) {
      log.error("Spool fsync failed: {}", e.getMessage());
    }
  }

  private void forceDirectory() {
    try (FileChannel d = FileChannel.open(settings.dir(), StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a directory for reading; the data itself is still forced.
    }
  }

  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      if (closed) return;
      closed = true;
      appended.signalAll();
      out.force(false);
      out.close();
    } finally {
      lock.unlock();
    }
    if (syncer != null) syncer.interrupt();
  }

  /** A reader from the released positions on; also used to rewind. Not thread-safe: one pipeline thread. */
  public Cursor cursor() {
    return new Cursor(released());
  }

  /** Reads the spool in append order, skipping what is released. */
  public final class Cursor implements Closeable {
    private final Map<String, Long> from;
    private long segmentId = -1;
    private long pos;
    private FileChannel in;
    private final ByteBuffer head = ByteBuffer.allocate(HEADER);

    Cursor(Map<String, Long> from) {
      this.from = from;
    }

    /** The next record, waiting up to {@code wait} for one to be appended; null when none came. */
    public Record next(Duration wait) throws IOException {
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        Segment s;
        long limit;
        lock.lock();
        try {
          s = locate();
          limit = s == null ? 0 : s.size;
          if (s != null && pos >= limit && s == segments.getLast()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) return null;
            appended.awaitNanos(left);
            continue;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        } finally {
          lock.unlock();
        }
        if (s == null) return null;
        if (pos >= limit) {
          moveTo(s.id + 1);
          continue;
        }
        Record r = read(pos);
        pos += r.size();
        Long min = from.get(r.connection());
        if (min != null && r.seq() < min) continue;
        return r;
      }
    }

    /** The segment the cursor is in (opening the first one that exists at or after it). */
    private Segment locate() throws IOException {
      for (Segment s : segments) {
        if (s.id < segmentId) continue;
        if (s.id != segmentId || in == null) {
          openSegment(s);
        }
        return s;
      }
      return null;
    }

    private void openSegment(Segment s) throws IOException {
      if (in != null) in.close();
      in = FileChannel.open(s.path, StandardOpenOption.READ);
      segmentId = s.id;
      pos = 0;
    }

    private void moveTo(long id) throws IOException {
      if (in != null) in.close();
      in = null;
      segmentId = id;
      pos = 0;
    }

    private Record read(long at) throws IOException {
      head.clear();
      readFully(in, head, at);
      int len = head.getInt(0);
      ByteBuffer payload = ByteBuffer.allocate(len);
      readFully(in, payload, at + HEADER);
      if (crc32c(payload.array(), len) != head.getInt(4)) {
        throw new IOException("spool record at " + at + " of segment " + segmentId + " fails its checksum");
      }
      Record r = decode(payload.array(), len);
      return new Record(r.connection(), r.seq(), r.received(), r.bytes(), r.state(), r.detail(), HEADER + len);
    }

    @Override
    public void close() throws IOException {
      if (in != null) in.close();
    }
  }

  private static Record decode(byte[] p, int len) {
    ByteBuffer b = ByteBuffer.wrap(p, 0, len);
    byte kind = b.get();
    long seq = b.getLong();
    long ms = b.getLong();
    int nameLen = b.getShort() & 0xffff;
    String name = new String(p, b.position(), nameLen, StandardCharsets.UTF_8);
    int start = b.position() + nameLen;
    byte[] bytes = java.util.Arrays.copyOfRange(p, start, len);
    if (kind == STATE) {
      String text = new String(bytes, StandardCharsets.UTF_8);
      int z = text.indexOf('\u0000');
      return new Record(name, seq, Instant.ofEpochMilli(ms), bytes, z < 0 ? text : text.substring(0, z),
          z < 0 ? "" : text.substring(z + 1), HEADER + len);
    }
    return new Record(name, seq, Instant.ofEpochMilli(ms), bytes, null, null, HEADER + len);
  }

  private static int readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    int total = 0;
    while (b.hasRemaining()) {
      int n = ch.read(b, at + total);
      if (n < 0) break;
      total += n;
    }
    return total;
  }

  private static int crc32c(byte[] b, int len) {
    return crc32c(b, 0, len);
  }

  private static int crc32c(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }
}
