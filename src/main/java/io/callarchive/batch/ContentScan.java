package io.callarchive.batch;

import io.callarchive.source.FileInputs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;

/**
 * Fingerprints the content of a file, decompressed when it is gzip, so that a file is known by what it holds and
 * not by its name: a rotated {@code ami.log} renamed {@code ami.log.1} and then compressed to {@code ami.log.2.gz}
 * is still the same content. One pass computes the SHA-256 of the whole content and of the prefixes of the
 * requested lengths (the lengths of earlier imports), which tells whether the file is an earlier one that grew.
 */
public final class ContentScan {
  private ContentScan() {}

  /**
   * @param length bytes of (decompressed) content
   * @param sha256 hex SHA-256 of those bytes
   * @param prefixSha256 hex SHA-256 of the first n bytes, for each requested n not longer than the content
   */
  public record Result(long length, String sha256, Map<Long, String> prefixSha256) {}

  public static Result scan(Path file, NavigableSet<Long> prefixLengths) throws IOException {
    MessageDigest md = sha256();
    Map<Long, String> prefixes = new TreeMap<>();
    long pos = 0;
    byte[] buf = new byte[256 * 1024];
    try (InputStream in = FileInputs.open(file).stream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        int done = 0;
        // Cut the update at every requested prefix length that falls inside this buffer.
        for (Long cut : prefixLengths.subSet(pos, false, pos + n, true)) {
          int upto = (int) (cut - pos);
          md.update(buf, done, upto - done);
          done = upto;
          prefixes.put(cut, hex(clone(md)));
        }
        md.update(buf, done, n - done);
        pos += n;
      }
    }
    // A requested length of 0 (an empty earlier import) is a prefix of everything.
    if (prefixLengths.contains(0L)) prefixes.put(0L, hex(sha256()));
    return new Result(pos, hex(md), prefixes);
  }

  /** Hex SHA-256 of the first {@code n} bytes of the (decompressed) content. */
  public static String prefixSha256(Path file, long n) throws IOException {
    MessageDigest md = sha256();
    byte[] buf = new byte[256 * 1024];
    long left = n;
    try (InputStream in = FileInputs.open(file).stream()) {
      while (left > 0) {
        int r = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (r < 0) throw new java.io.EOFException(file + " is shorter than " + n + " bytes");
        md.update(buf, 0, r);
        left -= r;
      }
    }
    return hex(md);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static MessageDigest clone(MessageDigest md) {
    try {
      return (MessageDigest) md.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-256 is cloneable", e);
    }
  }

  private static String hex(MessageDigest md) {
    return HexFormat.of().formatHex(md.digest());
  }
}
