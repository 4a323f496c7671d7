package io.callarchive.enrich;

import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the start of a document derived from an events document (a {@code charges} or {@code quality} copy):
 * the fields common to every index type and the call/channel/party fields, never {@code event.original} nor the
 * raw platform object (schema.md: only events and deadletter keep the original). Stateless and thread-safe.
 */
public final class DerivedDocs {
  /** Copied when present; containers are copied so the derived document never shares state with its source. */
  private static final List<String> COMMON =
      List.of(
          "@timestamp",
          "event.dataset",
          "event.action",
          "event.kind",
          "event.category",
          "event.type",
          "event.outcome",
          "event.ingested",
          "event.timestamp_origin",
          "event.timestamp_precision",
          "observer.name",
          "labels",
          "call.id",
          "channel.id",
          "channel.name",
          "caller.number",
          "caller.name",
          "callee.number",
          "callee.name",
          "log.file.path",
          "log.offset");

  private DerivedDocs() {}

  public static Doc common(IndexDoc event) {
    Doc from = event.doc();
    Doc to = new Doc();
    for (String path : COMMON) to.put(path, copy(from.get(path)));
    return to;
  }

  private static Object copy(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> c = new LinkedHashMap<>();
      m.forEach((k, x) -> c.put(k, copy(x)));
      return c;
    }
    if (v instanceof List<?> l) {
      List<Object> c = new ArrayList<>();
      l.forEach(x -> c.add(copy(x)));
      return c;
    }
    return v;
  }
}
