package io.callarchive.parse.json;

import io.callarchive.model.Provenance;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;

/**
 * Finds the top-level JSON values of a byte stream, whatever the layout: JSON lines, pretty-printed objects one
 * after another (with or without blank lines or anything else between them, event-sources §4.6 item 1), or a
 * JSON array of objects, whose elements become one piece each with their own byte offset (§5.2). Framing works
 * on bytes and tracks only string, escape and bracket depth, so offsets are exact whatever the encoding (§0.3);
 * each framed object is then parsed by {@link JsonTrees}.
 *
 * <p>Every input byte ends in exactly one place: inside a returned piece, or in the separators between pieces,
 * which are whitespace (space, tab, CR, LF), a UTF-8 byte order mark at offset 0, and the brackets and commas of
 * an enclosing top-level array. Anything else between objects is returned as a bad piece. A piece that does not
 * parse is cut at the first line inside it that starts with <code>{</code> in column 0 (the next object of a
 * JSON-lines or pretty-printed stream), and framing resumes there, so one broken object costs one piece.
 *
 * <p>Memory is bounded by {@code maxObject}: a longer value is returned as bad pieces of at most that size. Not
 * thread-safe; {@link #close()} closes the stream.
 */
public final class JsonFrameReader implements AutoCloseable {
  /** Default largest object: ARI debug dumps and Kazoo CHANNEL_DESTROY with SDP stay far below this. */
  public static final int DEFAULT_MAX_OBJECT = 8 << 20;

  /** Deeper nesting than any event format uses; bounds the tree builder's recursion. */
  static final int MAX_DEPTH = 200;

  /** One framed piece: a parsed object, or bytes that are not one with the reason. */
  public sealed interface Piece {
    byte[] raw();

    Provenance provenance();
  }

  /**
   * A well-formed JSON object.
   *
   * @param object the parsed tree (maps keep key order; a repeated key holds a list of its values)
   * @param lossy true when bytes inside strings were not valid UTF-8 and were replaced (§0.3)
   */
  public record ObjectPiece(Map<String, Object> object, boolean lossy, byte[] raw, Provenance provenance)
      implements Piece {}

  /** Bytes that are not a JSON object: syntax error, truncation, garbage, a bare scalar or array, oversize. */
  public record BadPiece(String reason, byte[] raw, Provenance provenance) implements Piece {}

  private final InputStream in;
  private final String origin;
  private final int maxObject;

  private byte[] buf = new byte[64 * 1024];
  private int limit; // valid bytes in buf
  private long bufStart; // stream offset of buf[0]
  private int pos; // next byte to look at
  private byte beforeBuf = '\n'; // the byte preceding buf[0]; LF at stream start so offset 0 is a line start
  private boolean eof;

  private boolean inArray; // inside a top-level array: its elements are the pieces
  private boolean oversizeSkip; // in the middle of a value longer than maxObject
  private int skipDepth;
  private boolean skipInString;
  private boolean skipEscape;

  public JsonFrameReader(InputStream in, String origin) {
    this(in, origin, DEFAULT_MAX_OBJECT);
  }

  public JsonFrameReader(InputStream in, String origin, int maxObject) {
    if (maxObject < 16) throw new IllegalArgumentException("maxObject must be at least 16 bytes");
    this.in = in;
    this.origin = origin;
    this.maxObject = maxObject;
  }

  /** The next piece, or null at the end of the input. */
  public Piece next() throws IOException {
    if (oversizeSkip) return continueOversize();
    while (true) {
      if (pos == limit) compact(); // keeps the buffer small across long runs of separators
      if (!ensure(pos + 1)) return null;
      byte b = buf[pos];
      long abs = bufStart + pos;
      if (isSpace(b)) {
        pos++;
        continue;
      }
      if (abs == 0 && (b & 0xff) == 0xEF && ensure(pos + 3) && (buf[pos + 1] & 0xff) == 0xBB
          && (buf[pos + 2] & 0xff) == 0xBF) {
        pos += 3; // UTF-8 byte order mark, tolerated at the start only (RFC 8259 §8.1)
        continue;
      }
      if (inArray && b == ',') {
        pos++;
        continue;
      }
      if (inArray && b == ']') {
        inArray = false;
        pos++;
        continue;
      }
      if (!inArray && b == '[' && arrayOfObjectsFollows()) {
        inArray = true;
        pos++;
        continue;
      }
      compact();
      if (b == '{' || b == '[') return frameValue();
      return garbage();
    }
  }

  /**
   * A top-level <code>[</code> opens an array of pieces when its first element is an object or the array is
   * empty; any other array (a bare list of scalars) is framed as one value and reported as not an object.
   */
  private boolean arrayOfObjectsFollows() throws IOException {
    int i = pos + 1;
    while (true) {
      if (!ensure(i + 1)) return true;
      byte c = buf[i];
      if (isSpace(c)) {
        i++;
        if (i - pos > maxObject) return false;
        continue;
      }
      return c == '{' || c == ']';
    }
  }

  /** Frames an object (or nested array) starting at pos, which is buf[0] after compaction. */
  private Piece frameValue() throws IOException {
    if (buf[pos] == '{') {
      // Fast path, nearly every event: the parser finds the object's end in what is buffered already. Non-ASCII
      // objects, objects the buffer cuts short and anything not well-formed are framed below, byte by byte,
      // exactly as before; nothing beyond the buffered bytes is read here, so a live stream is never waited on.
      JsonTrees.Leading l = JsonTrees.parseLeading(buf, pos, limit - pos, MAX_DEPTH);
      if (l != null && l.end() - pos <= maxObject && JsonTrees.isAscii(buf, pos, l.end() - pos)) {
        int end = l.end();
        if (inArray && !followsArrayElement(end)) inArray = false; // as below
        return emit(end, new JsonTrees.Result(l.object(), false, null));
      }
    }
    int depth = 0;
    boolean inString = false;
    boolean escape = false;
    int i = pos;
    String failure = null;
    boolean oversize = false;
    boolean closed = false;
    int high = 0; // any byte with the top bit set makes this negative: the value is not ASCII
    while (!closed) {
      if (i - pos >= maxObject) {
        failure = "JSON value larger than " + maxObject + " bytes";
        oversize = true;
        break;
      }
      if (!ensure(i + 1)) {
        failure = "input ends inside a JSON value";
        break;
      }
      // Scan what is buffered in one tight loop; the checks above run only when it is used up.
      byte[] b = buf;
      int stop = Math.min(limit, pos + maxObject);
      while (i < stop) {
        byte c = b[i++];
        high |= c;
        if (inString) {
          if (escape) escape = false;
          else if (c == '\\') escape = true;
          else if (c == '"') inString = false;
          continue;
        }
        if (c == '"') inString = true;
        else if (c == '{' || c == '[') depth++;
        else if (c == '}' || c == ']') {
          depth--;
          if (depth == 0) {
            closed = true;
            break;
          }
        }
      }
    }
    int end = i;
    if (failure == null) {
      JsonTrees.Result r = JsonTrees.parseObject(buf, pos, end - pos, MAX_DEPTH, high >= 0);
      if (r.object() != null) {
        if (inArray && !followsArrayElement(end)) {
          // the element runs into something that is neither a comma nor the closing bracket: the array was
          // not really an array of pieces (e.g. a log line starting with "[2024-01-01 ...]"); stop treating
          // what follows as elements
          inArray = false;
        }
        return emit(end, r);
      }
      failure = r.error();
    }
    int cut = resyncPoint(pos + 1, end);
    if (cut > 0) return bad(cut, failure + "; resynchronised on the next line starting with '{'");
    if (oversize) {
      // the rest of the value is discarded in bounded pieces, never re-framed: a nested object inside it must
      // not surface as an event
      oversizeSkip = true;
      skipDepth = depth;
      skipInString = inString;
      skipEscape = escape;
    }
    return bad(end, failure);
  }

  private boolean followsArrayElement(int end) throws IOException {
    int i = end;
    while (true) {
      if (!ensure(i + 1)) return true;
      byte c = buf[i];
      if (isSpace(c)) {
        i++;
        if (i - end > maxObject) return true;
        continue;
      }
      return c == ',' || c == ']';
    }
  }

  /** Continues discarding a value longer than maxObject, in pieces of at most maxObject, until it closes. */
  private Piece continueOversize() throws IOException {
    compact();
    int i = pos;
    while (i - pos < maxObject) {
      if (!ensure(i + 1)) {
        oversizeSkip = false;
        if (i == pos) return next();
        return bad(i, "rest of a JSON value larger than " + maxObject + " bytes; input ends inside it");
      }
      byte c = buf[i];
      if (i > pos && c == '{' && atLineStart(i) && !skipInString) {
        oversizeSkip = false;
        return bad(i, "rest of a JSON value larger than " + maxObject + " bytes");
      }
      i++;
      if (skipInString) {
        if (skipEscape) skipEscape = false;
        else if (c == '\\') skipEscape = true;
        else if (c == '"') skipInString = false;
        continue;
      }
      if (c == '"') skipInString = true;
      else if (c == '{' || c == '[') skipDepth++;
      else if (c == '}' || c == ']') {
        skipDepth--;
        if (skipDepth <= 0) {
          oversizeSkip = false;
          return bad(i, "end of a JSON value larger than " + maxObject + " bytes");
        }
      }
    }
    return bad(i, "part of a JSON value larger than " + maxObject + " bytes");
  }

  /**
   * Bytes between objects that are not separators. They end where a value can start again: an <code>{</code>,
   * a line starting with <code>[</code>, or, inside an array, the next comma or closing bracket.
   */
  private Piece garbage() throws IOException {
    int i = pos + 1;
    while (i - pos < maxObject && ensure(i + 1)) {
      byte c = buf[i];
      if (c == '{') break;
      if (c == '[' && atLineStart(i)) break;
      if (inArray && (c == ',' || c == ']')) break;
      i++;
    }
    int end = i;
    // trailing whitespace is a separator, not part of the garbage
    while (end > pos + 1 && isSpace(buf[end - 1])) end--;
    return bad(end, "bytes between JSON objects that are not JSON");
  }

  /** The first offset in [from, to) that starts a line and holds '{', or -1. */
  private int resyncPoint(int from, int to) {
    for (int i = from; i < to; i++) {
      if (buf[i] == '{' && atLineStart(i)) return i;
    }
    return -1;
  }

  private boolean atLineStart(int i) {
    return (i == 0 ? beforeBuf : buf[i - 1]) == '\n';
  }

  private Piece emit(int end, JsonTrees.Result r) {
    byte[] raw = Arrays.copyOfRange(buf, pos, end);
    Provenance p = new Provenance(origin, bufStart + pos, raw.length);
    pos = end;
    return new ObjectPiece(r.object(), r.lossy(), raw, p);
  }

  private Piece bad(int end, String reason) {
    byte[] raw = Arrays.copyOfRange(buf, pos, end);
    Provenance p = new Provenance(origin, bufStart + pos, raw.length);
    pos = end;
    return new BadPiece(reason, raw, p);
  }

  /** Drops the bytes before pos so that the buffer only holds the piece being framed. */
  private void compact() {
    if (pos == 0) return;
    beforeBuf = buf[pos - 1];
    System.arraycopy(buf, pos, buf, 0, limit - pos);
    limit -= pos;
    bufStart += pos;
    pos = 0;
  }

  /** Makes sure buf holds at least n bytes; false when the input ends first. */
  private boolean ensure(int n) throws IOException {
    while (limit < n) {
      if (eof) return false;
      if (n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n));
      int r = in.read(buf, limit, buf.length - limit);
      if (r < 0) {
        eof = true;
        return false;
      }
      limit += r;
    }
    return true;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
