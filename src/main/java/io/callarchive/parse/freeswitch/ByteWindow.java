package io.callarchive.parse.freeswitch;

import io.callarchive.parse.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A look-ahead window over a byte stream: the reader peeks at up to {@code limit} bytes past the current position
 * before deciding how a message is framed, then consumes exactly the bytes of the piece it returns. Memory stays
 * bounded by the limit (plus one read buffer), whatever the input. Offsets are absolute in the stream. Not
 * thread-safe.
 */
final class ByteWindow {
  private static final int READ_CHUNK = 64 * 1024;

  private final InputStream in;
  private final int limit;
  private byte[] buf = new byte[READ_CHUNK];
  private int pos;
  private int end;
  private long base;
  private boolean eof;

  ByteWindow(InputStream in, int limit) {
    this.in = in;
    this.limit = limit;
  }

  /** Makes at least {@code n} bytes past the position available if the input has them; true when it has. */
  boolean ensure(int n) throws IOException {
    while (end - pos < n && !eof) fill(n);
    return end - pos >= n;
  }

  private void fill(int wanted) throws IOException {
    if (pos > 0 && (end == buf.length || pos >= buf.length / 2)) {
      System.arraycopy(buf, pos, buf, 0, end - pos);
      base += pos;
      end -= pos;
      pos = 0;
    }
    if (end == buf.length) {
      // Only reached when the unconsumed bytes fill the buffer; callers never want more than limit + a line.
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, wanted + READ_CHUNK));
    }
    int r;
    do {
      r = in.read(buf, end, buf.length - end);
    } while (r == 0);
    if (r < 0) eof = true;
    else end += r;
  }

  /** Number of bytes available past the position without reading more. */
  int available() {
    return end - pos;
  }

  /** True when every byte of the input has been read into the window. */
  boolean atEof() {
    return eof;
  }

  /** The byte {@code i} positions past the current one; the caller must have ensured it. */
  byte at(int i) {
    return buf[pos + i];
  }

  /** Absolute stream offset of the current position. */
  long offset() {
    return base + pos;
  }

  /** A copy of the next {@code n} bytes, without consuming them. */
  byte[] copy(int from, int n) {
    return Arrays.copyOfRange(buf, pos + from, pos + from + n);
  }

  /** Consumes {@code n} bytes. */
  void skip(int n) {
    pos += n;
  }

  /**
   * The relative index just past the LF that ends the line starting at {@code from}, reading more input as needed.
   * Returns {@code -(index + 1)} of the end of the input when it ends without LF, or {@link Integer#MIN_VALUE} when
   * no LF occurs within {@code limit} bytes of the position.
   */
  int lineEnd(int from) throws IOException {
    int i = from;
    while (true) {
      if (i >= limit) return Integer.MIN_VALUE;
      if (i >= end - pos && !ensure(i + 1)) return -(end - pos) - 1;
      int stop = Math.min(end - pos, limit);
      int lf = Bytes.indexOf(buf, (byte) '\n', pos + i, pos + stop);
      if (lf >= 0) return lf - pos + 1;
      i = stop;
    }
  }

  int limit() {
    return limit;
  }
}
