package io.callarchive.source;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Log files as byte sources: directories expanded recursively, gzip recognised by its magic bytes, not its name. */
public final class FileInputs {
  private static final int HEAD = 16 * 1024;

  private FileInputs() {}

  /** Regular files under the given paths, each directory walked recursively, in a stable (sorted) order. */
  public static List<Path> expand(List<Path> paths) throws IOException {
    return expand(paths, f -> true);
  }

  /**
   * Regular files under the given paths whose path passes {@code filter} (hidden files left out), each folder
   * walked recursively, sorted per given path. A path that is missing or cannot be read (a folder without
   * permission, a broken link) is kept in the list as it is, so that opening it reports the reason for that
   * path alone and the rest of the run goes on.
   */
  public static List<Path> expand(List<Path> paths, java.util.function.Predicate<Path> filter) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (!Files.isDirectory(p)) {
        out.add(p);
        continue;
      }
      List<Path> found = new ArrayList<>();
      Files.walkFileTree(p, new java.nio.file.SimpleFileVisitor<>() {
        @Override
        public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a) {
          if (a.isRegularFile() && !f.getFileName().toString().startsWith(".") && filter.test(f)) found.add(f);
          return java.nio.file.FileVisitResult.CONTINUE;
        }

        @Override
        public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) {
          found.add(f);
          return java.nio.file.FileVisitResult.CONTINUE;
        }
      });
      found.sort(null);
      out.addAll(found);
    }
    return out;
  }

  /**
   * An opened file: the (decompressed) stream and its first bytes for format detection.
   *
   * @param damage for gzip, what went wrong in the compressed data (known once the stream reported its end)
   */
  public record Opened(InputStream stream, byte[] head, int headLength, boolean gzip, Damage damage) {}

  /**
   * A compressed file that ends early or is corrupt (a copy cut short, a disk error): the stream ends where the
   * decompression stopped, and this says where and why, so the bytes before are imported and the damage is one
   * dead letter instead of a failure on every run. Written by the reading thread, read after the end.
   */
  public static final class Damage {
    private volatile long at = -1;
    private volatile String reason;

    /** Offset in the decompressed content where the data stops, or -1 when the stream is intact (so far). */
    public long at() {
      return at;
    }

    public String reason() {
      return reason;
    }

    public boolean found() {
      return at >= 0;
    }
  }

  public static Opened open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
    raw.mark(2);
    int b1 = raw.read();
    int b2 = raw.read();
    raw.reset();
    boolean gzip = b1 == 0x1f && b2 == 0x8b; // RFC 1952 ID1 ID2
    Damage damage = new Damage();
    InputStream in =
        gzip ? new BufferedInputStream(new Tolerant(new GZIPInputStream(raw, 64 * 1024), damage, file), 64 * 1024) : raw;
    in.mark(HEAD);
    byte[] head = new byte[HEAD];
    int n = 0;
    while (n < HEAD) {
      int r = in.read(head, n, HEAD - n);
      if (r < 0) break;
      n += r;
    }
    in.reset();
    return new Opened(in, head, n, gzip, damage);
  }

  /**
   * Ends the decompressed stream at the first error of the compressed data instead of throwing: a truncated
   * member ({@link java.io.EOFException}, "Unexpected end of ZLIB input stream") or a corrupt one
   * ({@link java.util.zip.ZipException}: bad CRC, bad trailer, invalid block). Everything decompressed before is
   * delivered; the error is recorded in {@link Damage}. Errors of the file itself (permission, disk) still throw.
   */
  private static final class Tolerant extends java.io.FilterInputStream {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FileInputs.class);
    private final Damage damage;
    private final Path file;
    private long delivered;

    Tolerant(InputStream in, Damage damage, Path file) {
      super(in);
      this.damage = damage;
      this.file = file;
    }

    @Override
    public int read() throws IOException {
      byte[] b = new byte[1];
      int n = read(b, 0, 1);
      return n <= 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (damage.found()) return -1;
      try {
        int n = super.read(b, off, len);
        if (n > 0) delivered += n;
        return n;
      } catch (java.io.EOFException | java.util.zip.ZipException e) {
        damage.reason = "compressed data " + (e instanceof java.io.EOFException ? "cut short" : "corrupt") + " ("
            + e.getMessage() + ") after " + delivered + " decompressed bytes";
        damage.at = delivered;
        log.warn("{}: {}; the bytes before are imported", file, damage.reason);
        return -1;
      }
    }

    @Override
    public long skip(long n) throws IOException {
      // Through read, so that damage inside the skipped part is recorded the same way.
      byte[] buf = new byte[(int) Math.min(64 * 1024, Math.max(1, n))];
      long done = 0;
      while (done < n) {
        int r = read(buf, 0, (int) Math.min(buf.length, n - done));
        if (r < 0) break;
        done += r;
      }
      return done;
    }

    @Override
    public int available() throws IOException {
      return damage.found() ? 0 : super.available();
    }
  }

  public static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
