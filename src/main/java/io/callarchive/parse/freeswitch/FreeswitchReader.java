package io.callarchive.parse.freeswitch;

import io.callarchive.model.Parsed;
import io.callarchive.model.Provenance;
import io.callarchive.parse.Bytes;
import io.callarchive.parse.EventReader;
import io.callarchive.parse.Text;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Frames FreeSWITCH event socket traffic (event-sources §3.2, §3.3) into pieces, on bytes:
 *
 * <ul>
 *   <li>outer messages: a header block ended by an empty line, then exactly {@code Content-Length} bytes. Event
 *       messages ({@code text/event-plain}, {@code -json}, {@code -xml}) become events; every other content type
 *       ({@code auth/request}, {@code command/reply}, {@code api/response}, {@code log/data},
 *       {@code text/disconnect-notice}, {@code text/rude-rejection}, ...) is skipped with the type as reason;
 *   <li>bare plain events (an {@code Event-Name} header block without envelope, as tools and documentation dump
 *       them), bare JSON objects and bare {@code <event>} documents;
 *   <li>a plain event's own body ({@code Content-Length} inside the event, e.g. BACKGROUND_JOB) is kept under
 *       {@code _body}, like the json serialisation does.
 * </ul>
 *
 * <p>Tolerance, and where it stops. The outer {@code Content-Length} is trusted when the event it frames ends
 * exactly there (trailing blank bytes allowed). When it does not (hand-edited or abridged samples), the event is
 * taken by its own framing (header block to the empty line, then its own body) and the rest is read as the next
 * piece: this is the resynchronisation on the next header block. A declared length that runs past the end of
 * the input is accepted only when the input ends at a line end, because published samples are abridged; an input
 * that ends inside a line is a truncated frame ({@link Parsed.Malformed}). An event without its final empty line
 * ends where its frame ends. A {@code Content-Length} that is not a byte count or exceeds
 * {@link #MAX_FRAME} is malformed, and so are bytes outside any message that are not text (binary junk, invalid
 * UTF-8), a header block with neither {@code Event-Name} nor {@code Content-Type}, and an event body without
 * a non-empty {@code Event-Name}. Printable text lines outside any message (console prompts, log lines, client
 * commands such as {@code auth ...}, a command glued in front of {@code Content-Length}) are skipped with a reason
 * that names the mod_event_socket command when there is one. Invalid UTF-8 inside an event is not malformed: it
 * is replaced and the event flagged {@code lossyText}, its raw bytes kept (event-sources §0.3).
 * In bare dumps whose values are not URL-encoded, lines without {@code Name:} continue the previous value, and a
 * following header block without {@code Event-Name} or {@code Content-Type} (a raw SDP with an empty line in it)
 * continues the event.
 *
 * <p>Memory is bounded by {@link #MAX_FRAME}: longer frames, blocks and lines are dead-lettered in pieces of at
 * most about that size. Blank bytes between pieces are not part of any piece. On a live connection the reader
 * never asks for bytes beyond the message it is reading (a well-formed message ends at its frame). Not
 * thread-safe; nulls are never returned except at the end of the input.
 */
public final class FreeswitchReader implements EventReader {
  /** Largest frame kept whole: an {@code api/response} of a busy switch can be a few MB. */
  public static final int MAX_FRAME = 8 << 20;

  private static final String EVENT_NAME = "Event-Name";
  private static final String CONTENT_LENGTH = "Content-Length";
  private static final String CONTENT_TYPE = "Content-Type";

  /** The commands mod_event_socket accepts from a client ({@code parse_command} in mod_event_socket.c). */
  private static final Set<String> CLIENT_COMMANDS =
      Set.of(
          "auth", "userauth", "event", "nixevent", "noevents", "filter", "divert_events", "sendevent", "sendmsg",
          "api", "bgapi", "exit", "log", "nolog", "linger", "nolinger", "myevents", "connect", "resume", "getvar");

  private final ByteWindow w;
  private final InputStream in;
  private final String origin;
  private final HeaderNames keys = new HeaderNames();

  public FreeswitchReader(InputStream in, String origin) {
    this(in, origin, MAX_FRAME);
  }

  FreeswitchReader(InputStream in, String origin, int maxFrame) {
    this.in = in;
    this.origin = origin;
    this.w = new ByteWindow(in, maxFrame);
  }

  @Override
  public Parsed next() throws IOException {
    skipBlanks();
    if (!w.ensure(1)) return null;
    int e = w.lineEnd(0);
    if (e == Integer.MIN_VALUE) return text();
    int len = e < 0 ? -e - 1 : e;
    byte[] line = w.copy(0, len);
    int content = contentEnd(line, 0, len);
    if (line[0] == '{') return json(0, -1);
    if (line[0] == '<' && startsXmlEvent(line)) return xml(0, -1);
    if (EslValues.headerColon(line, 0, content) >= 0) return message();
    return text();
  }

  private void skipBlanks() throws IOException {
    while (w.ensure(1)) {
      byte b = w.at(0);
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') return;
      w.skip(1);
    }
  }

  // ---------------------------------------------------------------------------------------------------- blocks

  /** A header block: lines up to and including the empty line that ends it, or up to the end of the input. */
  private static final class Block {
    final List<int[]> lines = new ArrayList<>(); // {start, contentEnd} relative to the window position
    int end; // relative index just past the block
    boolean endedByBlankLine;
    boolean endsMidLine; // the input ended inside the last line
    boolean oversize;
    boolean stoppedAtFrameEnd; // the outer frame ended at a line start before any empty line
    byte[] bytes; // bytes [0, end) of the window, for parsing
  }

  private Block scan(int from) throws IOException {
    return scan(from, -1);
  }

  /** Scans a header block; one that reaches {@code frameEnd} at a line start stops there (-1: no frame). */
  private Block scan(int from, int frameEnd) throws IOException {
    Block b = new Block();
    int rel = from;
    while (true) {
      if (rel == frameEnd && rel > from) {
        b.end = rel;
        b.stoppedAtFrameEnd = true;
        break;
      }
      int e = w.lineEnd(rel);
      if (e == Integer.MIN_VALUE) {
        b.oversize = true;
        b.end = Math.max(w.limit(), from);
        break;
      }
      if (e < 0) {
        int eofAt = -e - 1;
        if (eofAt > rel) {
          b.lines.add(new int[] {rel, eofAt});
          b.endsMidLine = true;
        }
        b.end = eofAt;
        break;
      }
      if (isBlank(rel, e)) {
        b.end = e;
        b.endedByBlankLine = true;
        break;
      }
      b.lines.add(new int[] {rel, e});
      rel = e;
    }
    b.bytes = w.copy(0, b.end);
    for (int[] l : b.lines) l[1] = contentEnd(b.bytes, l[0], l[1]);
    return b;
  }

  private boolean isBlank(int from, int to) {
    for (int i = from; i < to; i++) {
      byte c = w.at(i);
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
    }
    return true;
  }

  private static int contentEnd(byte[] b, int from, int to) {
    int n = to;
    while (n > from && (b[n - 1] == '\n' || b[n - 1] == '\r')) n--;
    return n;
  }

  /** The stripped text of header {@code name} in a block (first occurrence, case-insensitive), with its line. */
  private record Header(int line, String value) {}

  private static Header find(Block b, String name) {
    for (int i = 0; i < b.lines.size(); i++) {
      int[] l = b.lines.get(i);
      if (!mayBe(b.bytes, l[0], l[1], name)) continue;
      int colon = EslValues.headerColon(b.bytes, l[0], l[1]);
      if (colon < 0) continue;
      if (nameIs(b.bytes, l[0], colon, name)) {
        return new Header(i, Text.decode(b.bytes, colon + 1, l[1] - colon - 1).text().strip());
      }
    }
    return null;
  }

  /**
   * Whether the header name in {@code b[from, colon)} is {@code name} (ASCII) ignoring case, as
   * {@code Text.decode(..).strip().equalsIgnoreCase(name)} says, without building a string per line of a 150-line
   * event (it led the profile). Past the blanks {@link EslValues#headerColon} allows before a name, an ASCII name
   * has no byte that strip would remove; a name with other bytes takes the string path.
   */
  private static boolean nameIs(byte[] b, int from, int colon, String name) {
    int i = from;
    while (i < colon && (b[i] == ' ' || b[i] == '\t')) i++;
    for (int k = i; k < colon; k++) {
      if (b[k] < 0) return Text.decode(b, from, colon - from).text().strip().equalsIgnoreCase(name);
    }
    if (colon - i != name.length()) return false;
    for (int k = 0; k < name.length(); k++) {
      if (asciiLower(b[i + k]) != asciiLower(name.charAt(k))) return false;
    }
    return true;
  }

  /**
   * A cheap necessary condition for {@link #nameIs} on a line: after the allowed blanks, the line starts with the
   * name's letters (any case) and a colon. A non-ASCII byte on the way says maybe, since only the string path
   * knows what it decodes and strips to.
   */
  private static boolean mayBe(byte[] b, int from, int to, String name) {
    int i = from;
    while (i < to && (b[i] == ' ' || b[i] == '\t')) i++;
    int n = name.length();
    for (int k = 0; k <= n; k++) {
      if (i + k >= to) return false;
      byte c = b[i + k];
      if (c < 0) return true;
      if (k == n) return c == ':';
      if (asciiLower(c) != asciiLower(name.charAt(k))) return false;
    }
    return false;
  }

  private static int asciiLower(int c) {
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
  }

  // ---------------------------------------------------------------------------------------------- messages

  private Parsed message() throws IOException {
    Block b = scan(0);
    if (b.oversize) return malformed(b.end, "header block longer than " + w.limit() + " bytes");
    Header event = find(b, EVENT_NAME);
    Header type = find(b, CONTENT_TYPE);
    if (event != null) {
      if (type != null && type.line() < event.line() && lower(type.value()).startsWith("text/event-")) {
        // An envelope printed without the empty line before its event: the event starts after the envelope lines.
        int first = 0;
        while (first < b.lines.size() && isEnvelopeLine(b, b.lines.get(first))) first++;
        Header length = find(b, CONTENT_LENGTH);
        long declared = length != null && length.line() < first ? parseLength(length.value()) : -1;
        return plain(b.lines.get(first)[0], declared < 0 ? -1 : declared);
      }
      return plain(0, -1);
    }
    if (type == null) {
      if (b.endsMidLine) return malformed(b.end, "truncated: input ends inside a header line");
      return malformed(b.end, "header block with neither Event-Name nor Content-Type");
    }
    return envelope(b, lower(type.value()));
  }

  private static boolean isEnvelopeLine(Block b, int[] l) {
    int colon = EslValues.headerColon(b.bytes, l[0], l[1]);
    if (colon < 0) return false;
    String key = Text.decode(b.bytes, l[0], colon - l[0]).text().strip();
    return key.equalsIgnoreCase(CONTENT_LENGTH) || key.equalsIgnoreCase(CONTENT_TYPE);
  }

  private Parsed envelope(Block b, String type) throws IOException {
    Header length = find(b, CONTENT_LENGTH);
    long n = 0;
    if (length != null) {
      n = parseLength(length.value());
      if (n < 0) return malformed(b.end, "Content-Length '" + abbreviate(length.value()) + "' is not a byte count");
      if (n > w.limit()) return malformed(b.end, "Content-Length " + n + " exceeds the maximum frame of " + w.limit());
    }
    if (!b.endedByBlankLine) {
      if (b.endsMidLine) return malformed(b.end, "truncated: input ends inside a header line");
      if (n > 0) return skipped(b.end, "envelope at end of input without its " + type + " body");
    }
    int body = b.end;
    if (type.startsWith("text/event-")) {
      if (n == 0) return malformed(b.end, type + " envelope without Content-Length");
      if (!w.ensure(body + 1)) return skipped(b.end, "envelope at end of input without its " + type + " body");
      return switch (type) {
        case "text/event-json" -> json(body, n);
        case "text/event-xml" -> xml(body, n);
        default -> plain(body, n);
      };
    }
    int end = (int) (body + n);
    if (type.equals("api/response") && n > 0 && w.ensure(end) && startsWithEventName(body, end)) {
      // uuid_dump and similar answer with the channel's data in plain event form (Event-Name: CHANNEL_DATA):
      // that is an event record the platform produced, so it is archived as one.
      return plain(body, n);
    }
    if (!w.ensure(end)) {
      return malformed(w.available(), "truncated: " + type + " body of " + n + " bytes, input ends after "
          + (w.available() - body));
    }
    return skipped(end, type);
  }

  private boolean startsWithEventName(int from, int to) {
    int i = from;
    while (i < to && (w.at(i) == '\n' || w.at(i) == '\r' || w.at(i) == ' ')) i++;
    String head = EVENT_NAME + ":";
    if (to - i < head.length()) return false;
    for (int k = 0; k < head.length(); k++) {
      if (Character.toLowerCase((char) (w.at(i + k) & 0xff)) != Character.toLowerCase(head.charAt(k))) return false;
    }
    return true;
  }

  /** -1 when the text is not a non-negative decimal byte count. */
  private static long parseLength(String v) {
    return digits(v, 12);
  }

  /** -1 unless the text is 1 to {@code max} decimal digits. */
  private static long digits(String v, int max) {
    if (v.isEmpty() || v.length() > max) return -1;
    for (int i = 0; i < v.length(); i++) if (v.charAt(i) < '0' || v.charAt(i) > '9') return -1;
    return Long.parseLong(v);
  }

  // --------------------------------------------------------------------------------------------- plain events

  /**
   * A plain event whose header block starts at {@code start}; {@code declared} is the outer Content-Length
   * counted from {@code start}, or -1 for a bare event.
   */
  private Parsed plain(int start, long declared) throws IOException {
    boolean framed = declared >= 0;
    int frameEnd = framed ? (int) (start + declared) : -1;
    boolean frameComplete = framed && w.ensure(frameEnd);
    Block b = scan(start, frameComplete ? frameEnd : -1);
    if (b.oversize) return malformed(b.end, "event header block longer than " + w.limit() + " bytes");
    if (b.stoppedAtFrameEnd) {
      // The event lacks its final empty line: the frame ends its headers (and a live connection is not asked for
      // bytes beyond the frame).
      return plainEvent(start, frameEnd, -1, -1, b.lines);
    }
    Header event = find(b, EVENT_NAME);
    Header inner = b.endedByBlankLine ? find(b, CONTENT_LENGTH) : null;
    int own = b.end;
    int bodyStart = -1;
    int bodyEnd = -1;
    if (inner != null) {
      long m = parseLength(inner.value());
      if (m < 0) return malformed(framed && frameComplete ? frameEnd : b.end, "event Content-Length '"
          + abbreviate(inner.value()) + "' is not a byte count");
      if (m > w.limit()) return malformed(b.end, "event Content-Length " + m + " exceeds the maximum frame");
      bodyStart = b.end;
      int want = (int) (bodyStart + m);
      bodyEnd = w.ensure(want) ? want : w.available();
      boolean consistent = frameComplete && bodyEnd <= frameEnd && isBlank(bodyEnd, frameEnd);
      if (!consistent) {
        bodyEnd = cutAtNextMessage(bodyStart, bodyEnd);
        if (bodyEnd > bodyStart && w.at(bodyEnd - 1) != '\n') {
          // An untrusted length that stops inside a line (indented documentation samples): the line is body.
          int e = w.lineEnd(bodyEnd);
          bodyEnd = e == Integer.MIN_VALUE ? bodyEnd : e < 0 ? -e - 1 : e;
        }
      }
      own = bodyEnd;
    }
    int end;
    if (framed && frameComplete && own <= frameEnd && isBlank(own, frameEnd)) {
      end = frameEnd;
    } else {
      end = own;
      if (framed && !frameComplete && end >= w.available() && w.atEof() && end > 0 && w.at(end - 1) != '\n') {
        return malformed(w.available(), "truncated: input ends inside an event (" + declared
            + " bytes declared, " + (w.available() - start) + " present)");
      }
      // Only dumps split an event with an empty line; a protocol message (outbound mode's CHANNEL_DATA reply has a
      // Content-Type) is never continued, so a live connection is not asked for bytes beyond it.
      if (!framed && inner == null && find(b, CONTENT_TYPE) == null) end = withContinuations(end);
    }
    if (event == null) return malformed(end, "event body without Event-Name");
    // The block's lines are the event's header lines when nothing but blank bytes follows the block within the
    // event (the usual case); continuation blocks are scanned again.
    boolean sameLines = (bodyStart >= 0 ? bodyStart : end) == b.end || isBlank(b.end, end);
    return plainEvent(start, end, bodyStart, bodyEnd, sameLines ? b.lines : null);
  }

  /**
   * Where an event body read without a trustworthy outer frame really ends: at a line that starts a new message
   * after an empty line (documentation samples whose declared body length is longer than the body shown).
   */
  private int cutAtNextMessage(int from, int to) throws IOException {
    int rel = from;
    boolean afterBlank = false;
    while (rel < to) {
      int e = w.lineEnd(rel);
      if (e < 0) return to;
      int lineEnd = Math.min(e, to);
      if (isBlank(rel, lineEnd)) {
        afterBlank = true;
      } else {
        if (afterBlank && startsMessage(rel, lineEnd)) return rel;
        afterBlank = false;
      }
      rel = e;
    }
    return to;
  }

  private boolean startsMessage(int from, int to) {
    byte[] line = w.copy(from, to - from);
    int colon = EslValues.headerColon(line, 0, contentEnd(line, 0, line.length));
    if (colon < 0) return false;
    String key = Text.decode(line, 0, colon).text().strip();
    return key.equalsIgnoreCase(CONTENT_LENGTH) || key.equalsIgnoreCase(CONTENT_TYPE) || key.equalsIgnoreCase(EVENT_NAME);
  }

  /** Extends a bare event over following header blocks that have no Event-Name or Content-Type of their own. */
  private int withContinuations(int end) throws IOException {
    while (true) {
      int rel = end;
      while (w.ensure(rel + 1) && isBlank(rel, rel + 1)) rel++;
      if (!w.ensure(rel + 1) || rel >= w.limit()) return end;
      int e = w.lineEnd(rel);
      if (e == Integer.MIN_VALUE) return end;
      byte[] line = w.copy(rel, (e < 0 ? -e - 1 : e) - rel);
      if (EslValues.headerColon(line, 0, contentEnd(line, 0, line.length)) < 0) return end;
      Block next = scan(rel);
      if (next.oversize || next.endsMidLine) return end;
      if (find(next, EVENT_NAME) != null || find(next, CONTENT_TYPE) != null || find(next, CONTENT_LENGTH) != null) {
        return end;
      }
      end = next.end;
    }
  }

  /**
   * The event in {@code [0, end)} whose headers start at {@code start}; {@code lines} are its header lines as
   * {@link #scan} found them ({start, content end}, blank lines left out), or null to find them here.
   */
  private Parsed plainEvent(int start, int end, int bodyStart, int bodyEnd, List<int[]> lines) {
    byte[] raw = w.copy(0, end);
    int headersEnd = bodyStart >= 0 ? bodyStart : end;
    // sized for about one header per 24 bytes, so that a 150-header channel event is not rehashed four times
    Map<String, Object> fields = new LinkedHashMap<>(Math.max(16, (headersEnd - start) / 24));
    boolean lossy = false;
    String action = null;
    String lastKey = null;
    int rel = start;
    int next = 0;
    while (lines != null ? next < lines.size() : rel < headersEnd) {
      int lineEnd;
      int ce;
      if (lines != null) {
        int[] l = lines.get(next++);
        rel = l[0];
        ce = l[1];
        lineEnd = ce; // not used past this line: the next one comes from the list
      } else {
        int e = Bytes.indexOf(raw, (byte) '\n', rel, headersEnd);
        lineEnd = e >= 0 ? e + 1 : headersEnd;
        ce = contentEnd(raw, rel, lineEnd);
      }
      if (!EslValues.blank(raw, rel, ce)) {
        int colon = EslValues.headerColon(raw, rel, ce);
        if (colon < 0) {
          Text.Decoded d = Text.decode(raw, rel, ce - rel);
          lossy |= d.lossy();
          // An unencoded multi-line value (raw SDP in some dumps) continues the previous header; text before the
          // first header (a separator line in a dump) stays only in the raw bytes.
          if (lastKey != null) appendLine(fields, lastKey, d.text());
        } else {
          String key = keys.name(raw, rel, colon);
          int vs = colon + 1;
          int ve = ce;
          while (vs < ve && (raw[vs] == ' ' || raw[vs] == '\t')) vs++;
          while (ve > vs && (raw[ve - 1] == ' ' || raw[ve - 1] == '\t')) ve--;
          Text.Decoded d = EslValues.percentDecode(raw, vs, ve);
          lossy |= d.lossy();
          EslValues.put(fields, key, EslValues.shape(d.text()));
          if (action == null && key.equalsIgnoreCase(EVENT_NAME)) action = d.text().strip();
          lastKey = key;
        }
      }
      rel = lineEnd;
    }
    if (bodyStart >= 0 && bodyEnd > bodyStart) {
      Text.Decoded body = Text.decode(raw, bodyStart, bodyEnd - bodyStart);
      lossy |= body.lossy();
      fields.put("_body", body.text());
    }
    if (action == null || action.isEmpty()) return malformed(end, "event body without Event-Name");
    return event(action, fields, lossy, raw);
  }

  @SuppressWarnings("unchecked")
  private static void appendLine(Map<String, Object> fields, String key, String line) {
    Object v = fields.get(key);
    if (v instanceof List<?> l && !l.isEmpty() && l.get(l.size() - 1) instanceof String last) {
      ((List<Object>) l).set(l.size() - 1, last + "\n" + line);
    } else if (v instanceof String s) {
      fields.put(key, s + "\n" + line);
    }
  }

  // ------------------------------------------------------------------------------------------------ json, xml

  private Parsed json(int start, long declared) throws IOException {
    int rel = start;
    while (w.ensure(rel + 1) && rel < w.limit() && isBlank(rel, rel + 1)) rel++;
    int own = objectEnd(rel);
    if (own == Integer.MIN_VALUE) return malformed(Math.min(w.available(), w.limit()), "JSON object longer than " + w.limit() + " bytes");
    if (own < 0) return malformed(w.available(), "truncated: input ends inside a JSON object");
    int end = frameEnd(start, declared, own);
    Text.Decoded text = Text.decode(w.copy(rel, own - rel));
    Map<String, Object> fields;
    try {
      fields = EslStructured.parseJsonObject(text.text());
    } catch (IOException | RuntimeException e) {
      return malformed(end, "invalid JSON event: " + abbreviate(String.valueOf(e.getMessage())));
    }
    Object name = fields.get(EVENT_NAME);
    String action = name instanceof String s ? s.strip() : null;
    if (action == null && (fields.containsKey("channel_data") || fields.containsKey("callflow"))) {
      action = FreeswitchFormat.JSON_CDR;
    }
    if (action == null || action.isEmpty()) return malformed(end, "JSON object without Event-Name");
    return event(action, fields, text.lossy(), w.copy(0, end));
  }

  /** Index just past the '}' closing the object that starts at {@code from}; -1 at end of input, MIN at limit. */
  private int objectEnd(int from) throws IOException {
    int depth = 0;
    boolean inString = false;
    boolean escaped = false;
    for (int i = from; ; i++) {
      if (i >= w.limit()) return Integer.MIN_VALUE;
      if (!w.ensure(i + 1)) return -1;
      byte c = w.at(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c == '\\') escaped = true;
        else if (c == '"') inString = false;
      } else if (c == '"') {
        inString = true;
      } else if (c == '{') {
        depth++;
      } else if (c == '}') {
        if (--depth == 0) return i + 1;
      }
    }
  }

  /**
   * Whether an {@code <event>} document starts here: looks at the first line and, after an XML declaration, the
   * next one only, so that a live connection is never asked for bytes the server has not sent.
   */
  private boolean startsXmlEvent(byte[] firstLine) throws IOException {
    String first = new String(firstLine, StandardCharsets.ISO_8859_1).strip();
    if (first.startsWith("<event>")) return true;
    if (!first.startsWith("<?xml")) return false;
    int close = first.indexOf("?>");
    if (close < 0) return false;
    if (first.length() > close + 2) return first.substring(close + 2).stripLeading().startsWith("<event>");
    int e = w.lineEnd(firstLine.length);
    int end = e == Integer.MIN_VALUE ? 0 : e < 0 ? -e - 1 : e;
    if (end <= firstLine.length) return false;
    String next = new String(w.copy(firstLine.length, end - firstLine.length), StandardCharsets.ISO_8859_1);
    return next.stripLeading().startsWith("<event>");
  }

  private Parsed xml(int start, long declared) throws IOException {
    byte[] close = "</event>".getBytes(StandardCharsets.US_ASCII);
    int own = -1;
    for (int i = start; ; i++) {
      if (i + close.length > w.limit()) {
        return malformed(Math.min(w.available(), w.limit()), "XML event longer than " + w.limit() + " bytes");
      }
      if (!w.ensure(i + close.length)) break;
      boolean match = true;
      for (int k = 0; k < close.length && match; k++) match = w.at(i + k) == close[k];
      if (match) {
        own = i + close.length;
        break;
      }
    }
    if (own < 0) return malformed(w.available(), "truncated: input ends inside an XML event");
    int end = frameEnd(start, declared, own);
    byte[] raw = w.copy(0, end);
    EslStructured.XmlEvent x = EslStructured.parseXml(raw, start, own);
    if (x == null) return malformed(end, "not an <event> document");
    String action = EslValues.first(x.fields(), EVENT_NAME);
    if (action == null) return malformed(end, "XML event without Event-Name");
    return event(action, x.fields(), x.lossy(), raw);
  }

  /** The declared frame end when it agrees with the object's own end (blank bytes between), else the own end. */
  private int frameEnd(int start, long declared, int own) throws IOException {
    if (declared < 0) return own;
    int frameEnd = (int) (start + declared);
    if (w.ensure(frameEnd) && own <= frameEnd && isBlank(own, frameEnd)) return frameEnd;
    return own;
  }

  // ------------------------------------------------------------------------------------------------------ text

  /**
   * Lines outside any message up to the next empty line or header line. Text is skipped (console output, log
   * lines, commands a capture recorded from the client); bytes that are not text are malformed. A command glued in
   * front of an envelope ({@code uuid_transfer Content-Length: 720}) ends where the envelope starts.
   */
  private Parsed text() throws IOException {
    int rel = 0;
    while (rel < w.limit()) {
      int e = w.lineEnd(rel);
      int lineEnd = e == Integer.MIN_VALUE ? w.limit() : e < 0 ? -e - 1 : e;
      if (lineEnd <= rel) break;
      byte[] line = w.copy(rel, lineEnd - rel);
      int ce = contentEnd(line, 0, line.length);
      if (rel > 0 && (EslValues.blank(line, 0, ce) || EslValues.headerColon(line, 0, ce) >= 0 || line[0] == '{')) break;
      int glued = gluedEnvelope(line, ce);
      if (glued > 0) {
        rel += glued;
        break;
      }
      rel = lineEnd;
      if (e < 0) break;
    }
    byte[] raw = w.copy(0, rel);
    Text.Decoded d = Text.decode(raw);
    if (d.lossy()) return malformed(rel, "bytes outside any message that are not UTF-8 text");
    for (byte c : raw) {
      if ((c >= 0 && c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
        return malformed(rel, "binary bytes outside any message");
      }
    }
    String word = d.text().strip().split("\\s+", 2)[0];
    if (CLIENT_COMMANDS.contains(word)) return skipped(rel, "client command '" + word + "'");
    return skipped(rel, "text outside ESL messages (console output, log line or client command)");
  }

  private static int gluedEnvelope(byte[] line, int ce) {
    String s = new String(line, 0, ce, StandardCharsets.ISO_8859_1);
    int best = -1;
    for (String marker : new String[] {" Content-Length: ", " Content-Type: "}) {
      int i = s.indexOf(marker);
      if (i >= 0 && (best < 0 || i < best)) best = i;
    }
    return best < 0 ? -1 : best + 1;
  }

  // --------------------------------------------------------------------------------------------------- pieces

  private Parsed event(String action, Map<String, Object> fields, boolean lossy, byte[] raw) {
    Provenance p = new Provenance(origin, w.offset(), raw.length);
    w.skip(raw.length);
    Instant[] time = new Instant[1];
    String precision = timeOf(fields, time);
    return new Parsed.Event(action, fields, time[0], precision, lossy, raw, p);
  }

  private Parsed malformed(int end, String reason) {
    int n = Math.max(1, Math.min(end, w.available()));
    byte[] raw = w.copy(0, n);
    Provenance p = new Provenance(origin, w.offset(), n);
    w.skip(n);
    return new Parsed.Malformed(reason, raw, p);
  }

  private Parsed skipped(int end, String reason) {
    int n = Math.max(1, Math.min(end, w.available()));
    byte[] raw = w.copy(0, n);
    Provenance p = new Provenance(origin, w.offset(), n);
    w.skip(n);
    return new Parsed.Skipped(reason, raw, p);
  }

  /**
   * {@code Event-Date-Timestamp} (microseconds since the Unix epoch), else {@code Event-Date-GMT} (RFC 1123,
   * seconds); {@code Event-Date-Local} has no zone and is never used (event-sources §3.5). A mod_json_cdr record
   * uses its {@code variables.end_uepoch}, else {@code start_uepoch} (microseconds, event-sources §3.5).
   */
  static String timeOf(Map<String, Object> fields, Instant[] out) {
    EslValues.Lookup h = new EslValues.Lookup(fields);
    String us = h.first("Event-Date-Timestamp");
    if (us == null && fields.get("variables") instanceof Map<?, ?> vars) {
      @SuppressWarnings("unchecked")
      Map<String, Object> v = (Map<String, Object>) vars;
      us = EslValues.first(v, "end_uepoch");
      if (us == null || us.equals("0")) us = EslValues.first(v, "start_uepoch");
    }
    if (us != null) {
      long micros = digits(us, 18);
      if (micros > 0) {
        out[0] = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
        return "us";
      }
    }
    String gmt = h.first("Event-Date-GMT");
    if (gmt != null) {
      try {
        out[0] = ZonedDateTime.parse(gmt, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return "s";
      } catch (DateTimeParseException e) {
        // no usable time: the pipeline falls back to the receipt time
      }
    }
    return null;
  }


  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
