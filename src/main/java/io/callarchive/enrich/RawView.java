package io.callarchive.enrich;

import io.callarchive.model.Doc;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A read-only view of the flat raw key/values of a text-format event (AMI, FreeSWITCH plain) as the pipeline
 * keeps them under {@code EventFormat.rawField()}. Keys are matched case-insensitively and with surrounding blanks
 * trimmed (event-sources: AMI and ESL header names are case-insensitive; some dumps pad them); a repeated key
 * yields its first value. Immutable and thread-safe. Never null: an absent or non-object raw field is empty.
 */
public final class RawView {
  private final Map<String, Object> byLowerKey;
  private final Map<String, Object> original;

  private RawView(Map<String, Object> original) {
    this.original = original;
    Map<String, Object> m = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : original.entrySet()) {
      if (e.getKey() == null) continue;
      m.putIfAbsent(e.getKey().strip().toLowerCase(Locale.ROOT), e.getValue());
    }
    this.byLowerKey = Collections.unmodifiableMap(m);
  }

  /** The raw object of a document, e.g. {@code of(doc, "ami")}. */
  @SuppressWarnings("unchecked")
  public static RawView of(Doc doc, String rawField) {
    Object raw = doc.get(rawField);
    return of(raw instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
  }

  public static RawView of(Map<String, Object> fields) {
    return new RawView(fields == null ? Map.of() : fields);
  }

  /** The first value of the key, stripped; null when absent or blank. */
  public String get(String key) {
    return text(byLowerKey.get(key.toLowerCase(Locale.ROOT)));
  }

  /** The first present value among the keys. */
  public String first(String... keys) {
    for (String k : keys) {
      String v = get(k);
      if (v != null) return v;
    }
    return null;
  }

  /** Every value of the key (a repeated key holds several), stripped, blanks dropped. */
  public List<String> all(String key) {
    Object v = byLowerKey.get(key.toLowerCase(Locale.ROOT));
    if (v instanceof List<?> l) {
      return l.stream().map(RawView::text).filter(s -> s != null).toList();
    }
    String s = text(v);
    return s == null ? List.of() : List.of(s);
  }

  /** Every key as found on the wire, in order, with its value. */
  public Map<String, Object> entries() {
    return Collections.unmodifiableMap(original);
  }

  public boolean isEmpty() {
    return byLowerKey.isEmpty();
  }

  private static String text(Object v) {
    if (v instanceof List<?> l) v = l.isEmpty() ? null : l.get(0);
    if (v == null) return null;
    String s = v.toString().strip();
    return s.isEmpty() ? null : s;
  }
}
