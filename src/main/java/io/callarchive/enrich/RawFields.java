package io.callarchive.enrich;

import io.callarchive.model.Doc;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Read access to the platform's raw key/values that the pipeline keeps under one object of an events document
 * ({@code ami}, {@code ari}, {@code freeswitch}, {@code kazoo}, {@code ccs}). Keys are matched exactly first and
 * then case-insensitively, since AMI and ESL header case varies between versions (event-sources §0, §1.12).
 * Immutable and thread-safe as long as the underlying map is not modified; never throws on odd shapes.
 */
public final class RawFields {
  /** The raw objects in the order they are looked for. */
  public static final List<String> SOURCES = List.of("ami", "ari", "freeswitch", "kazoo", "ccs");

  private final String source;
  private final Map<String, Object> fields;

  private RawFields(String source, Map<String, Object> fields) {
    this.source = source;
    this.fields = fields;
  }

  /** The raw object of a document, or null when it has none. */
  @SuppressWarnings("unchecked")
  public static RawFields of(Doc doc) {
    for (String s : SOURCES) {
      if (doc.get(s) instanceof Map<?, ?> m) return new RawFields(s, (Map<String, Object>) m);
    }
    return null;
  }

  /** A raw object given directly, e.g. in tests or for a wrapped payload. */
  public static RawFields of(String source, Map<String, Object> fields) {
    return new RawFields(source, fields == null ? Map.of() : fields);
  }

  /** The raw object a document keeps under {@code rawField}; empty (never null) when it has none. */
  @SuppressWarnings("unchecked")
  public static RawFields of(Doc doc, String rawField) {
    Object raw = doc.get(rawField);
    return new RawFields(rawField, raw instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
  }

  /** Flat raw key/values of a text format (tests, and events read outside a document). */
  public static RawFields of(Map<String, Object> fields) {
    return of("ami", fields);
  }

  /** Same as {@link #text}: the first value of a key, stripped; null when absent or blank. */
  public String get(String key) {
    return text(key);
  }

  /** Same as {@link #firstText}. */
  public String first(String... keys) {
    return firstText(keys);
  }

  /** Every value of a key (a repeated key holds several), stripped, blanks dropped. */
  public List<String> all(String key) {
    Object v = value(key);
    List<?> values = v instanceof List<?> l ? l : v == null ? List.of() : List.of(v);
    List<String> out = new java.util.ArrayList<>(values.size());
    for (Object o : values) {
      if (o == null || o instanceof Map<?, ?> || o instanceof List<?>) continue;
      String s = o.toString().strip();
      if (!s.isEmpty()) out.add(s);
    }
    return out;
  }

  /** Every key as found on the wire, in order, with its value. */
  public Map<String, Object> entries() {
    return java.util.Collections.unmodifiableMap(fields);
  }

  public boolean isEmpty() {
    return fields.isEmpty();
  }

  /** {@code ami}, {@code ari}, {@code freeswitch}, {@code kazoo} or {@code ccs}. */
  public String source() {
    return source;
  }

  public Map<String, Object> fields() {
    return fields;
  }

  /**
   * The value at a dotted path ({@code channel.state}, {@code failure.q850}). Kazoo and ccs payloads may still
   * be wrapped ({@code args}, {@code data}, {@code payload}; event-sources §4.2, §5.3): a path that is absent at
   * the top is also looked for inside those wrappers.
   */
  public Object value(String path) {
    // A wire key may itself contain dots; the whole key wins over a path.
    Object v = lookup(fields, path);
    if (v == null && path.indexOf('.') > 0) v = walk(fields, path);
    if (v == null && (source.equals("kazoo") || source.equals("ccs"))) {
      for (String wrapper : new String[] {"args", "data", "payload"}) {
        if (lookup(fields, wrapper) instanceof Map<?, ?> inner) {
          v = walk(inner, path);
          if (v != null) return v;
        }
      }
    }
    return v;
  }

  /**
   * The value at a path as trimmed text: the first element of a repeated key, numbers and booleans as text;
   * null for absent, blank, and FreeSWITCH's {@code _undef_} placeholder (event-sources §3.12 item 4).
   */
  public String text(String path) {
    Object v = value(path);
    if (v instanceof List<?> l) v = l.isEmpty() ? null : l.get(0);
    if (v == null || v instanceof Map<?, ?> || v instanceof List<?>) return null;
    String s = v.toString().strip();
    if (s.isEmpty() || s.equals("_undef_")) return null;
    return s;
  }

  /** The first non-null {@link #text} of several paths. */
  public String firstText(String... paths) {
    for (String p : paths) {
      String s = text(p);
      if (s != null) return s;
    }
    return null;
  }

  private static Object walk(Map<?, ?> node, String path) {
    Object cur = node;
    int start = 0;
    while (true) {
      if (!(cur instanceof Map<?, ?> m)) return null;
      int dot = path.indexOf('.', start);
      String key = dot < 0 ? path.substring(start) : path.substring(start, dot);
      cur = lookup(m, key);
      if (dot < 0) return cur;
      start = dot + 1;
    }
  }

  private static Object lookup(Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (v != null) return v;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (e.getKey() instanceof String k && k.strip().toLowerCase(Locale.ROOT).equals(key.toLowerCase(Locale.ROOT))) {
        return e.getValue();
      }
    }
    return null;
  }
}
