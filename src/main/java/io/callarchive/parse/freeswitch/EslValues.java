package io.callarchive.parse.freeswitch;

import io.callarchive.parse.Bytes;
import io.callarchive.parse.KeyFilter;
import io.callarchive.parse.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Value decoding of the FreeSWITCH plain and xml event serialisations (event-sources §3.3). Stateless. */
final class EslValues {
  private EslValues() {}

  /** FreeSWITCH writes an empty header value as this literal ({@code switch_event_serialize}, event-sources §3.3). */
  static final String UNDEF = "_undef_";

  /** Prefix and separator of array-valued headers ({@code switch_event_add_array}, event-sources §3.3). */
  static final String ARRAY_PREFIX = "ARRAY::";

  static final String ARRAY_SEPARATOR = "|:";

  /**
   * Percent-decodes to bytes, then decodes UTF-8 with replacement. Tolerant: a {@code %} not followed by two hex
   * digits stays literal (Java's URLDecoder would throw), and {@code +} is kept because FreeSWITCH encodes space as
   * {@code %20} and a literal plus as {@code %2B} (event-sources §3.3). Decodes exactly once.
   */
  static Text.Decoded percentDecode(byte[] b, int from, int to) {
    if (Bytes.indexOf(b, (byte) '%', from, to) < 0) return Text.decode(b, from, to - from);
    // A plain array rather than a ByteArrayOutputStream, whose synchronized write(int) ran once per byte.
    byte[] bytes = new byte[to - from];
    int n = 0;
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c == '%' && i + 2 < to) {
        int hi = hex(b[i + 1]);
        int lo = hex(b[i + 2]);
        if (hi >= 0 && lo >= 0) {
          bytes[n++] = (byte) (hi << 4 | lo);
          i += 2;
          continue;
        }
      }
      bytes[n++] = c;
    }
    return Text.decode(bytes, 0, n);
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  }

  /** A decoded value as stored: {@code _undef_} becomes empty, {@code ARRAY::a|:b} a list. */
  static Object shape(String decoded) {
    if (decoded.equals(UNDEF)) return "";
    if (decoded.startsWith(ARRAY_PREFIX)) {
      String rest = decoded.substring(ARRAY_PREFIX.length());
      List<String> items = new ArrayList<>();
      int start = 0;
      int sep;
      while ((sep = rest.indexOf(ARRAY_SEPARATOR, start)) >= 0) {
        items.add(rest.substring(start, sep));
        start = sep + ARRAY_SEPARATOR.length();
      }
      items.add(rest.substring(start));
      return items;
    }
    return decoded;
  }

  /** Adds a header value, turning a repeated name into a list in order of arrival (event-sources §3.12 item 5). */
  @SuppressWarnings("unchecked")
  static void put(Map<String, Object> fields, String key, Object value) {
    // One map operation for the usual first occurrence (three showed in the parse profile). Stored values are
    // never null (shape() gives a String or a list), so a null answer means the key was absent.
    Object existing = fields.putIfAbsent(key, value instanceof List<?> l ? new ArrayList<>(l) : value);
    if (existing == null) return;
    List<Object> list;
    if (existing instanceof List<?> l) {
      list = (List<Object>) l;
    } else {
      list = new ArrayList<>();
      list.add(existing);
      fields.put(key, list);
    }
    if (value instanceof List<?> l) list.addAll(l);
    else list.add(value);
  }

  /** First value of a header, matched case-insensitively (event-sources conventions), stripped; null if absent. */
  static String first(Map<String, Object> f, String key) {
    return new Lookup(f).first(key);
  }

  /**
   * {@link #first} over one event that is asked for many headers: the case-insensitive scan of its 150 or so
   * headers runs only when a {@link KeyFilter} built once for the event says the header may be there under
   * another case (the scans for absent headers showed in the profile). Same answers; use while the map is unchanged.
   */
  static final class Lookup {
    private final Map<String, Object> f;
    private KeyFilter filter;

    Lookup(Map<String, Object> f) {
      this.f = f;
    }

    String first(String key) {
      Object v = f.get(key);
      if (v == null) {
        if (filter == null) filter = KeyFilter.of(f, KeyFilter.Fold.IGNORE_CASE);
        if (filter.mayContain(key)) {
          for (Map.Entry<String, Object> e : f.entrySet()) {
            if (e.getKey().equalsIgnoreCase(key)) {
              v = e.getValue();
              break;
            }
          }
        }
      }
      return shaped(v);
    }

    /** The first of several headers that is present: later ones are not looked up once one is found. */
    String first(String key, String... fallbacks) {
      String v = first(key);
      for (int i = 0; v == null && i < fallbacks.length; i++) v = first(fallbacks[i]);
      return v;
    }
  }

  private static String shaped(Object v) {
    if (v instanceof List<?> l) v = l.isEmpty() ? null : l.get(0);
    if (v instanceof String s) {
      String t = s.strip();
      return t.isEmpty() ? null : t;
    }
    return v == null ? null : v.toString();
  }

  /**
   * Index of the colon of a {@code Name: value} header line in {@code b[from, to)}, or -1 when the line is not one.
   * A header name is non-empty and has no blank or control byte (FreeSWITCH header names never do); the colon is
   * followed by a blank or ends the line. Leading blanks (indented documentation samples) are allowed.
   */
  static int headerColon(byte[] b, int from, int to) {
    int i = from;
    while (i < to && (b[i] == ' ' || b[i] == '\t')) i++;
    int nameStart = i;
    while (i < to && b[i] != ':') {
      int c = b[i] & 0xff;
      if (c <= 0x20 || c == 0x7f) return -1;
      i++;
    }
    if (i == to || i == nameStart) return -1;
    if (i + 1 < to && b[i + 1] != ' ' && b[i + 1] != '\t' && b[i + 1] != '\r') return -1;
    return i;
  }

  /** True when {@code b[from, to)} holds only blanks, tabs and CR. */
  static boolean blank(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r' && b[i] != '\n') return false;
    }
    return true;
  }
}
