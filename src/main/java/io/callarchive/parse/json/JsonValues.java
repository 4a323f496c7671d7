package io.callarchive.parse.json;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** Null-safe reading of parsed JSON trees; a repeated key (a list of values) reads as its first value. */
public final class JsonValues {
  private JsonValues() {}

  /** The value at a path of keys, or null when any step is missing or not an object. */
  public static Object at(Object root, String... keys) {
    Object node = root;
    for (String k : keys) {
      if (!(node instanceof Map<?, ?> m)) return null;
      node = m.get(k);
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(Object v) {
    return v instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
  }

  /** Text of a string, number or boolean, stripped; null when absent, empty or structured. */
  public static String text(Object v) {
    if (v instanceof List<?> l && !l.isEmpty() && !(l.get(0) instanceof List<?>)) v = l.get(0);
    String s;
    if (v instanceof String str) s = str.strip();
    else if (v instanceof BigDecimal b) s = b.toPlainString();
    else if (v instanceof Number || v instanceof Boolean) s = v.toString();
    else return null;
    return s.isEmpty() ? null : s;
  }

  /** An integer from a number or a numeric string (sources send both, event-sources §4.2); null otherwise. */
  public static Long integer(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short) return ((Number) v).longValue();
    String s = text(v);
    if (s == null) return null;
    try {
      return new BigDecimal(s).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }
}
