package io.callarchive.parse.ami;

import io.callarchive.model.Parsed;
import io.callarchive.model.Provenance;
import io.callarchive.parse.ByteLines;
import io.callarchive.parse.EventReader;
import io.callarchive.parse.Text;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Frames an Asterisk Manager Interface byte stream into blocks of {@code Key: Value} lines (event-sources §1.2):
 * CRLF or LF, blocks ended by an empty line, the banner line skipped, responses and actions skipped, repeated
 * keys kept as lists, lines without a colon inside an event joined to the previous value. A new
 * {@code Event:}/{@code Response:}/{@code Action:} line also starts a new block, because some published dumps
 * leave out the blank line between events; inside an event only {@code Event:} does, since events may carry
 * {@code Response:} as a field (OriginateResponse). Memory is bounded by {@link #MAX_LINE} and {@link #MAX_BLOCK}.
 */
public final class AmiReader implements EventReader {
  /** Longest line kept whole; longer input is dead-lettered in pieces. */
  public static final int MAX_LINE = 1 << 20;

  /** Largest block; a longer one is dead-lettered. */
  public static final int MAX_BLOCK = 8 << 20;

  private static final DateTimeFormatter EVENT_TV = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

  private final ByteLines lines;
  private final InputStream in;
  private final String origin;
  private final Bytes block = new Bytes(1024);
  private final List<int[]> lineSpans = new ArrayList<>(); // {start, contentLength} within block
  private long blockOffset = -1;
  private boolean followsMode;
  private boolean blockHasHead;
  private boolean blockIsEvent;
  private boolean lastLineUnterminated;
  private boolean oversize;
  private Parsed pendingOut;
  private boolean carryLine;
  private final Bytes pendingBlank = new Bytes(64);
  private Instant lastPrefixTime;
  private String lastPrefixPrecision;
  private Instant blockPrefixTime;
  private String blockPrefixPrecision;

  public AmiReader(InputStream in, String origin) {
    this.in = in;
    this.origin = origin;
    this.lines = new ByteLines(in, MAX_LINE);
  }

  @Override
  public Parsed next() throws IOException {
    if (pendingOut != null) {
      Parsed p = pendingOut;
      pendingOut = null;
      return p;
    }
    while (true) {
      if (!carryLine && !lines.next()) {
        return blockOffset >= 0 ? emit(true) : null;
      }
      carryLine = false;
      byte[] b = lines.bytes();
      int contentLen = lines.contentLength();
      int prefix = timePrefixLength(b, contentLen);
      boolean blank = lines.isBlank() || (prefix > 0 && isBlank(b, prefix, contentLen));

      if (!lines.terminated() && lines.length() >= MAX_LINE) {
        // An over-long line: whatever block it is in cannot be trusted; keep its bytes for the dead letter.
        startIfNeeded();
        appendLine(b, lines.length(), contentLen);
        oversize = true;
        continue;
      }

      if (followsMode) {
        // Legacy command output runs to --END COMMAND--; captures that lost it resume at a message head
        // after a blank line, which command output does not produce at the start of a line.
        if (blank) {
          pendingBlank.write(b, 0, lines.length());
          continue;
        }
        if (pendingBlank.size() > 0 && headKey(b, contentLen, 0) != null) {
          followsMode = false;
          carryLine = true;
          return emit(false);
        }
        appendPendingBlank();
        appendLine(b, lines.length(), contentLen);
        if (startsWith(b, contentLen, "--END COMMAND--")) followsMode = false;
        continue;
      }

      if (blank) {
        if (blockOffset >= 0) return emit(false);
        continue; // separator between blocks
      }

      if (blockOffset < 0 && startsWith(b, contentLen, "Asterisk Call Manager/")) {
        byte[] raw = java.util.Arrays.copyOf(b, lines.length());
        return new Parsed.Skipped("banner", raw, new Provenance(origin, lines.offset(), raw.length));
      }

      int skip = prefix > 0 ? prefix : gapMarkerLength(b, contentLen);
      String head = headKey(b, contentLen, skip);
      if (head != null && blockIsEvent && !head.equals("event")) {
        // Inside an event, Response:/Action: are fields: OriginateResponse carries "Response: Failure" (§1.6).
        head = null;
      }
      if (head != null && blockHasHead) {
        // A new message without the blank line in between: close the current block, keep this line.
        carryLine = true;
        return emit(false);
      }
      if (blockOffset < 0) {
        blockPrefixTime = prefix > 0 ? lastPrefixTime : null;
        blockPrefixPrecision = lastPrefixPrecision;
      }
      startIfNeeded();
      if (head != null) {
        blockHasHead = true;
        blockIsEvent = head.equals("event");
        if (head.equals("response") && valueEquals(b, contentLen, "Follows")) followsMode = true;
      }
      appendLine(b, lines.length(), contentLen, skip);
      lastLineUnterminated = !lines.terminated() && indexOf(b, skip, contentLen, (byte) ':') < 0;
      if (block.size() > MAX_BLOCK) oversize = true;
    }
  }

  private void startIfNeeded() {
    if (blockOffset < 0) {
      blockOffset = lines.offset();
      block.reset();
      lineSpans.clear();
      blockHasHead = false;
      blockIsEvent = false;
      lastLineUnterminated = false;
      oversize = false;
    }
  }

  private void appendPendingBlank() {
    if (pendingBlank.size() == 0) return;
    // Blank lines inside command output belong to it.
    block.write(pendingBlank.buf, 0, pendingBlank.size());
    pendingBlank.reset();
  }

  private void appendLine(byte[] b, int len, int contentLen) {
    appendLine(b, len, contentLen, 0);
  }

  private void appendLine(byte[] b, int len, int contentLen, int skip) {
    if (block.size() <= MAX_BLOCK) {
      lineSpans.add(new int[] {block.size() + skip, contentLen - skip});
      block.write(b, 0, len);
    } else {
      // Past the block limit only the raw bytes are kept, for the dead letter.
      block.write(b, 0, len);
    }
  }

  private Parsed emit(boolean atEof) {
    byte[] raw = block.toByteArray();
    Provenance prov = new Provenance(origin, blockOffset, raw.length);
    List<int[]> spans = new ArrayList<>(lineSpans);
    boolean wasOversize = oversize;
    boolean truncated = atEof && lastLineUnterminated;
    boolean unfinishedCommand = atEof && followsMode;
    blockOffset = -1;
    pendingBlank.reset();
    followsMode = false;
    blockHasHead = false;
    blockIsEvent = false;
    if (wasOversize) {
      return new Parsed.Malformed("block larger than " + MAX_BLOCK + " bytes or line longer than " + MAX_LINE, raw, prov);
    }
    if (truncated) {
      return new Parsed.Malformed("truncated block: input ends in the middle of a key", raw, prov);
    }
    if (unfinishedCommand) {
      return new Parsed.Malformed("truncated command output: no --END COMMAND-- before end of input", raw, prov);
    }
    return parseBlock(raw, spans, prov, blockPrefixTime, blockPrefixPrecision);
  }

  private static Parsed parseBlock(
      byte[] raw, List<int[]> spans, Provenance prov, Instant prefixTime, String prefixPrecision) {
    Map<String, Object> fields = new LinkedHashMap<>();
    boolean lossy = false;
    String firstKey = null;
    String lastKey = null;
    String eventName = null;
    String responseValue = null;
    boolean sawAction = false;
    for (int[] span : spans) {
      Text.Decoded d = Text.decode(raw, span[0], span[1]);
      lossy |= d.lossy();
      String line = d.text();
      int colon = line.indexOf(':');
      if (colon <= 0) {
        if (lastKey != null && (eventName != null || responseValue != null || sawAction)) {
          appendContinuation(fields, lastKey, line);
          continue;
        }
        return new Parsed.Malformed(
            "line without 'Key:' before any Event/Response/Action header: " + abbreviate(line), raw, prov);
      }
      String key = line.substring(0, colon);
      String value = line.substring(colon + 1);
      if (value.startsWith(" ")) value = value.substring(1);
      String k = key.trim();
      if (firstKey == null) firstKey = k;
      if (k.equalsIgnoreCase("Event") && eventName == null) eventName = value.trim();
      else if (k.equalsIgnoreCase("Response") && responseValue == null) responseValue = value.trim();
      else if (k.equalsIgnoreCase("Action")) sawAction = true;
      put(fields, key, value);
      lastKey = key;
    }
    if (eventName != null) {
      if (eventName.isEmpty()) return new Parsed.Malformed("empty Event header", raw, prov);
      Instant[] time = new Instant[1];
      String precision = timeOf(fields, time);
      if (time[0] == null && prefixTime != null) {
        time[0] = prefixTime;
        precision = prefixPrecision;
      }
      return new Parsed.Event(eventName, fields, time[0], precision, lossy, raw, prov);
    }
    if (responseValue != null) return new Parsed.Skipped("response", raw, prov);
    if (sawAction) return new Parsed.Skipped("action", raw, prov);
    return new Parsed.Malformed(
        "block has no Event, Response or Action header (first key '" + abbreviate(firstKey) + "')", raw, prov);
  }

  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> fields, String key, String value) {
    Object existing = fields.get(key);
    if (existing == null) {
      fields.put(key, value);
    } else if (existing instanceof List<?> l) {
      ((List<String>) l).add(value);
    } else {
      List<String> list = new ArrayList<>(2);
      list.add((String) existing);
      list.add(value);
      fields.put(key, list);
    }
  }

  @SuppressWarnings("unchecked")
  private static void appendContinuation(Map<String, Object> fields, String key, String line) {
    Object existing = fields.get(key);
    if (existing instanceof List<?> l) {
      List<String> list = (List<String>) l;
      list.set(list.size() - 1, list.get(list.size() - 1) + "\n" + line);
    } else {
      fields.put(key, existing + "\n" + line);
    }
  }

  /**
   * The event time: {@code Timestamp} (timestampevents=yes, Unix seconds with microseconds, parsed as decimal
   * to avoid binary rounding) or, for security events, {@code EventTV}. Returns the precision, or null.
   */
  static String timeOf(Map<String, Object> fields, Instant[] out) {
    Object ts = fields.get("Timestamp");
    if (ts instanceof String s && !s.isBlank()) {
      try {
        BigDecimal d = new BigDecimal(s.trim());
        long secs = d.longValue();
        long nanos = d.subtract(BigDecimal.valueOf(secs)).movePointRight(9).longValue();
        out[0] = Instant.ofEpochSecond(secs, nanos);
        int dot = s.indexOf('.');
        return dot < 0 ? "s" : (s.trim().length() - dot - 1 > 3 ? "us" : "ms");
      } catch (NumberFormatException | ArithmeticException e) {
        // fall through to EventTV, then to the caller's fallback time
      }
    }
    Object tv = fields.get("EventTV");
    if (tv instanceof String s && !s.isBlank()) {
      try {
        out[0] = OffsetDateTime.parse(s.trim(), EVENT_TV).toInstant();
        return "ms";
      } catch (DateTimeParseException e) {
        try {
          out[0] = OffsetDateTime.parse(s.trim()).toInstant();
          return "ms";
        } catch (DateTimeParseException ignored) {
          // no usable time
        }
      }
    }
    return null;
  }

  private static String headKey(byte[] b, int len, int from) {
    if (startsWithIgnoreCase(b, from, len, "Event:")) return "event";
    if (startsWithIgnoreCase(b, from, len, "Response:")) return "response";
    if (startsWithIgnoreCase(b, from, len, "Action:")) return "action";
    return null;
  }

  /**
   * Length of a capture tool's gap notice at the start of a line, e.g. {@code [218 bytes missing in capture
   * file]Event: Newexten}: bytes before it were lost, the line itself is intact.
   */
  static int gapMarkerLength(byte[] b, int len) {
    if (len < 3 || b[0] != '[' || b[1] < '0' || b[1] > '9') return 0;
    int close = indexOf(b, 0, Math.min(len, 80), (byte) ']');
    if (close < 0) return 0;
    String inside = new String(b, 1, close - 1, java.nio.charset.StandardCharsets.ISO_8859_1);
    return inside.matches("\\d+ bytes missing in capture file") ? close + 1 : 0;
  }

  private static final java.util.regex.Pattern TIME_PREFIX =
      java.util.regex.Pattern.compile(
          "^\\[?(\\d{4}-\\d{2}-\\d{2})[T ](\\d{2}:\\d{2}:\\d{2})(?:[.,](\\d{1,9}))?(Z|[+-]\\d{2}:?\\d{2})?\\]?(?:[ \\t]+|$)");

  /**
   * Length of a per-line time prefix that some loggers put before every AMI line, e.g.
   * {@code [2026-11-22 10:00:00.123] Event: Hangup} or {@code 2026-11-22T10:00:00Z Event: Hangup}; remembers the
   * time it gives (UTC when it names no zone). Only a line whose rest starts like a header counts, so a value
   * that happens to begin with a date is left alone.
   */
  private int timePrefixLength(byte[] b, int len) {
    if (len < 20 || !(b[0] == '[' || (b[0] >= '0' && b[0] <= '9'))) return 0;
    String head = new String(b, 0, Math.min(len, 48), java.nio.charset.StandardCharsets.ISO_8859_1);
    java.util.regex.Matcher m = TIME_PREFIX.matcher(head);
    if (!m.find()) return 0;
    int end = m.end();
    int colon = indexOf(b, end, len, (byte) ':');
    if (colon < 0 && !isBlank(b, end, len)) return 0;
    if (colon >= 0) {
      for (int i = end; i < colon; i++) if (b[i] == ' ') return 0; // "Key:" has no blank before the colon
    }
    try {
      String frac = m.group(3);
      String zone = m.group(4);
      String iso = m.group(1) + "T" + m.group(2) + (frac != null ? "." + frac : "");
      java.time.LocalDateTime local = java.time.LocalDateTime.parse(iso);
      java.time.ZoneOffset offset =
          zone == null || zone.equals("Z") ? java.time.ZoneOffset.UTC : java.time.ZoneOffset.of(zone.length() == 5 ? zone.substring(0, 3) + ":" + zone.substring(3) : zone);
      lastPrefixTime = local.toInstant(offset);
      lastPrefixPrecision = frac == null ? "s" : frac.length() <= 3 ? "ms" : "us";
      return end;
    } catch (java.time.DateTimeException e) {
      return 0;
    }
  }

  private static boolean isBlank(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') return false;
    return true;
  }

  private static int indexOf(byte[] b, int from, int to, byte c) {
    for (int i = from; i < to; i++) if (b[i] == c) return i;
    return -1;
  }

  private static boolean valueEquals(byte[] b, int len, String expected) {
    int colon = 0;
    while (colon < len && b[colon] != ':') colon++;
    String v = new String(b, colon + 1, len - colon - 1, java.nio.charset.StandardCharsets.ISO_8859_1).trim();
    return v.equalsIgnoreCase(expected);
  }

  private static boolean startsWith(byte[] b, int len, String prefix) {
    if (len < prefix.length()) return false;
    for (int i = 0; i < prefix.length(); i++) if (b[i] != prefix.charAt(i)) return false;
    return true;
  }

  private static boolean startsWithIgnoreCase(byte[] b, int from, int len, String prefix) {
    if (len - from < prefix.length()) return false;
    for (int i = 0; i < prefix.length(); i++) {
      if (Character.toLowerCase((char) (b[from + i] & 0xff)) != Character.toLowerCase(prefix.charAt(i))) return false;
    }
    return true;
  }

  private static String abbreviate(String s) {
    if (s == null) return "";
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }

  /**
   * A growable byte buffer. ByteArrayOutputStream would do, but its methods are synchronized and the reader
   * calls them for every line: they showed at the top of the parse profile.
   */
  private static final class Bytes {
    private byte[] buf;
    private int size;

    Bytes(int initial) {
      buf = new byte[initial];
    }

    void write(byte[] b, int off, int len) {
      if (size + len > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + len));
      System.arraycopy(b, off, buf, size, len);
      size += len;
    }

    int size() {
      return size;
    }

    void reset() {
      size = 0;
    }

    byte[] toByteArray() {
      return java.util.Arrays.copyOf(buf, size);
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
