package io.callarchive.enrich;

import io.callarchive.model.Doc;
import io.callarchive.parse.KeyFilter;
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
    String lower = lower(key);
    if (m.size() >= FILTER_FROM && !filter(m).mayContain(lower)) return null;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (e.getKey() instanceof String k && sameKey(k, lower)) return e.getValue();
    }
    return null;
  }

  /**
   * The enrichers ask each event for a dozen or more keys it does not have, and each miss scanned every key: on
   * FreeSWITCH's 150 headers these scans were a fifth of the import's main thread (BENCHMARKS.md, issue 9). A
   * {@link KeyFilter} of the map rules most of them out; built once per map and kept for the next look-ups on
   * this thread (the enrichers take turns on one event), it is rebuilt when another map, or the same map with
   * another size, is asked. Raw maps are not changed after parsing (class comment).
   */
  private static final int FILTER_FROM = 12;

  private static final class Filtered {
    Map<?, ?> map;
    int size;
    KeyFilter filter;
  }

  // two: a wrapped Kazoo or ccs payload alternates between the outer map and the wrapper's
  private static final ThreadLocal<Filtered[]> FILTERS =
      ThreadLocal.withInitial(() -> new Filtered[] {new Filtered(), new Filtered()});

  private static KeyFilter filter(Map<?, ?> m) {
    Filtered[] cache = FILTERS.get();
    for (Filtered f : cache) {
      if (f.map == m && f.size == m.size()) return f.filter;
    }
    Filtered f = cache[1];
    cache[1] = cache[0];
    cache[0] = f;
    f.map = m;
    f.size = m.size();
    f.filter = KeyFilter.of(m, KeyFilter.Fold.STRIPPED_LOWER_CASE);
    return f.filter;
  }

  private static final java.util.concurrent.ConcurrentHashMap<String, String> LOWER =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** {@code key.toLowerCase(Locale.ROOT)}, kept for the code's constant keys (bounded: keys may come from input). */
  private static String lower(String key) {
    String l = LOWER.get(key);
    if (l != null) return l;
    l = key.toLowerCase(Locale.ROOT);
    if (LOWER.size() < 4096) LOWER.putIfAbsent(key, l);
    return l;
  }

  /**
   * {@code k.strip().toLowerCase(Locale.ROOT).equals(lower)} without the two strings it builds per key and per
   * look-up: the scans for absent keys ran over every key of every event, and those strings were the largest
   * cost of the enrichers in the import profile. ASCII keys are compared in place; a key with another character
   * where it matters takes the string path. Lower-casing never shortens a string (only U+0130 changes length,
   * and it grows), so an ASCII key longer than the target cannot match.
   */
  static boolean sameKey(String k, String lower) {
    int s = 0;
    int e = k.length();
    while (s < e && k.charAt(s) < 0x80 && Character.isWhitespace(k.charAt(s))) s++;
    while (e > s && k.charAt(e - 1) < 0x80 && Character.isWhitespace(k.charAt(e - 1))) e--;
    if (s < e && (k.charAt(s) >= 0x80 || k.charAt(e - 1) >= 0x80)) return slowSameKey(k, lower);
    int n = e - s;
    if (n > lower.length()) return false;
    if (n < lower.length()) {
      for (int i = s; i < e; i++) if (k.charAt(i) >= 0x80) return slowSameKey(k, lower);
      return false;
    }
    for (int i = s; i < e; i++) {
      char c = k.charAt(i);
      if (c >= 0x80) return slowSameKey(k, lower);
      char l = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
      if (l != lower.charAt(i - s)) return false;
    }
    return true;
  }

  private static boolean slowSameKey(String k, String lower) {
    return k.strip().toLowerCase(Locale.ROOT).equals(lower);
  }
}
