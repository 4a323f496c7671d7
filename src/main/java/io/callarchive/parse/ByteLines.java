package io.callarchive.parse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines on LF, keeping each line's bytes (terminator included) and the offset of its
 * first byte. Works on bytes so that lengths and offsets stay exact whatever the encoding (event-sources §0.3).
 * A line longer than {@code maxLine} is returned in pieces of {@code maxLine} bytes with {@link #terminated()}
 * false, so memory stays bounded whatever the input. Not thread-safe.
 */
public final class ByteLines {
  private final InputStream in;
  private final int maxLine;
  private final byte[] buf;
  private int pos;
  private int limit;
  private long bufStartOffset;
  private byte[] line = new byte[256];
  private int lineLen;
  private long lineOffset;
  private boolean terminated;
  private boolean eof;

  public ByteLines(InputStream in, int maxLine) {
    this.in = in;
    this.maxLine = maxLine;
    // A live frame comes as its own byte array of a few hundred bytes, one reader each: a 64 KiB buffer per frame
    // was most of what the stream pipeline allocated. A file keeps the large buffer.
    this.buf = new byte[in instanceof ByteArrayInputStream b ? Math.max(1, Math.min(64 * 1024, b.available())) : 64 * 1024];
  }

  /** Reads the next line; false at end of input. */
  public boolean next() throws IOException {
    lineLen = 0;
    terminated = false;
    lineOffset = bufStartOffset + pos;
    while (true) {
      if (pos >= limit) {
        if (eof || !fill()) return lineLen > 0;
      }
      int start = pos;
      int end = limit;
      int room = maxLine - lineLen;
      if (end - start > room) end = start + room;
      int i = start;
      while (i < end && buf[i] != '\n') i++;
      if (i < end) {
        append(start, i + 1 - start);
        pos = i + 1;
        terminated = true;
        return true;
      }
      append(start, end - start);
      pos = end;
      if (lineLen >= maxLine) return true;
    }
  }

  private boolean fill() throws IOException {
    bufStartOffset += limit;
    pos = 0;
    limit = 0;
    int n;
    do {
      n = in.read(buf, 0, buf.length);
    } while (n == 0);
    if (n < 0) {
      eof = true;
      return false;
    }
    limit = n;
    return true;
  }

  private void append(int from, int n) {
    if (lineLen + n > line.length) line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + n));
    System.arraycopy(buf, from, line, lineLen, n);
    lineLen += n;
  }

  /** The current line's bytes, terminator included; valid up to {@link #length()} until the next call. */
  public byte[] bytes() {
    return line;
  }

  public int length() {
    return lineLen;
  }

  /** Length without the trailing LF or CRLF. */
  public int contentLength() {
    int n = lineLen;
    if (terminated) {
      n--;
      if (n > 0 && line[n - 1] == '\r') n--;
    } else if (n > 0 && line[n - 1] == '\r' && eof) {
      n--;
    }
    return n;
  }

  public long offset() {
    return lineOffset;
  }

  /** True when the line ended with LF; false for an over-long piece or a last line without terminator. */
  public boolean terminated() {
    return terminated;
  }

  /** True when only blanks (space, tab, CR) precede the terminator. */
  public boolean isBlank() {
    int n = contentLength();
    for (int i = 0; i < n; i++) {
      byte b = line[i];
      if (b != ' ' && b != '\t' && b != '\r') return false;
    }
    return true;
  }

  /** Whether the input is exhausted (meaningful after {@link #next()} returned a line). */
  public boolean atEof() throws IOException {
    if (pos < limit) return false;
    if (eof) return true;
    return !fill();
  }
}
