package io.callarchive.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON document under construction, addressed by dotted paths ({@code put("call.id", x)} builds
 * {@code {"call":{"id":x}}}). Not thread-safe: one stage works on a document at a time.
 */
public final class Doc {
  private final Map<String, Object> root;

  public Doc() {
    this(new LinkedHashMap<>());
  }

  public Doc(Map<String, Object> root) {
    this.root = root;
  }

  /** Sets a value at a dotted path; a null or empty-string value is ignored so absent stays absent. */
  public Doc put(String path, Object value) {
    if (value == null || (value instanceof String s && s.isEmpty())) return this;
    String[] segments = segments(path);
    Map<String, Object> node = root;
    int last = segments.length - 1;
    for (int i = 0; i < last; i++) node = child(node, segments[i]);
    node.put(segments[last], value);
    return this;
  }

  /**
   * Paths are nearly all constants of the code, so their split is cached instead of cut up on every put (it
   * showed in the parse profile). The cache is bounded: paths built from input data cannot grow it without end.
   */
  private static final int MAX_CACHED_PATHS = 4096;

  private static final java.util.concurrent.ConcurrentHashMap<String, String[]> SEGMENTS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static String[] segments(String path) {
    String[] s = SEGMENTS.get(path);
    if (s != null) return s;
    s = path.split("\\.", -1);
    if (SEGMENTS.size() < MAX_CACHED_PATHS) SEGMENTS.putIfAbsent(path, s);
    return s;
  }

  /** Sets a value only when the path is still absent. */
  public Doc putIfAbsent(String path, Object value) {
    if (get(path) == null) put(path, value);
    return this;
  }

  /** Appends to a multi-valued field, keeping order and dropping duplicates. */
  @SuppressWarnings("unchecked")
  public Doc add(String path, Object value) {
    if (value == null) return this;
    Object existing = get(path);
    List<Object> list;
    if (existing instanceof List<?> l) {
      list = (List<Object>) l;
    } else {
      list = new ArrayList<>();
      if (existing != null) list.add(existing);
      put(path, list);
    }
    if (!list.contains(value)) list.add(value);
    return this;
  }

  public Object get(String path) {
    // the cached split, as for put: cutting a new key per segment (and hashing it afresh) was 5 % of the import's
    // main thread, the enrichers asking every event for "event.dataset" and the like (BENCHMARKS.md, issue 9)
    Object node = root;
    for (String segment : segments(path)) {
      if (!(node instanceof Map<?, ?> m)) return null;
      node = m.get(segment);
    }
    return node;
  }

  public String getString(String path) {
    Object v = get(path);
    return v == null ? null : v.toString();
  }

  public Map<String, Object> asMap() {
    return root;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> child(Map<String, Object> node, String key) {
    Object existing = node.get(key);
    if (existing instanceof Map<?, ?> m) return (Map<String, Object>) m;
    Map<String, Object> created = new LinkedHashMap<>();
    node.put(key, created);
    return created;
  }

  @Override
  public String toString() {
    return root.toString();
  }
}
