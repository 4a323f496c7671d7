package io.callarchive.alert;

import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.model.Provenance;
import io.callarchive.pipeline.DocIds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One notice of an alert's life: it fired, it is still firing after the cooldown, or it recovered. The id
 * depends only on the rule, the key, the start of the window and the notice, so that evaluating the same
 * documents again (a second {@code alerts run} over the same range) yields the same ids and adds nothing.
 * Immutable.
 *
 * @param time when it happened, in the events' own time
 * @param value the measured value (for a recovery: the value that no longer crosses the bound)
 * @param docIds ids of a few of the documents in the window (at most {@link #MAX_DOC_IDS})
 */
public record Alert(
    String id,
    String rule,
    Rule.Kind kind,
    State state,
    String key,
    List<String> keyFields,
    IndexType index,
    double value,
    double threshold,
    String condition,
    Instant windowStart,
    Instant windowEnd,
    Instant time,
    List<String> docIds) {

  public static final int MAX_DOC_IDS = 10;

  public enum State {
    FIRED,
    RENOTIFIED,
    RECOVERED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Alert {
    keyFields = List.copyOf(keyFields);
    docIds = List.copyOf(docIds);
  }

  static String id(String rule, String key, Instant openedWindowStart, State state, Instant time) {
    return state == State.FIRED
        ? DocIds.of("alert", rule, key, openedWindowStart)
        : DocIds.of("alert", rule, key, openedWindowStart, state.label(), time);
  }

  /** One line for the log, a chat message or a mail subject. */
  public String message() {
    String what = switch (state) {
      case FIRED -> "FIRING";
      case RENOTIFIED -> "STILL FIRING";
      case RECOVERED -> "RECOVERED";
    };
    String measured = kind == Rule.Kind.FLATLINE
        ? "silent for " + Durations.format(Duration.ofMillis((long) (value * 1000)))
        : "value " + number(value);
    return what + " " + rule + " for " + key + ": " + measured + " (" + condition + "), window " + windowStart + " .. "
        + windowEnd;
  }

  /** The alert document of the index contract (schema.md: alerts), plus the notice's life-cycle fields. */
  public IndexDoc toIndexDoc(Instant ingested) {
    Doc d = new Doc();
    d.put("@timestamp", time.toString());
    d.put("event.kind", "alert");
    d.put("event.dataset", "callarchive.alerts");
    d.put("event.action", state.label());
    d.put("event.ingested", ingested.toString());
    d.put("alert.rule", rule);
    d.put("alert.kind", kind.name().toLowerCase(Locale.ROOT));
    d.put("alert.state", state.label());
    d.put("alert.key", key);
    d.put("alert.index", index.alias());
    d.put("alert.value", value);
    d.put("alert.threshold", threshold);
    d.put("alert.condition", condition);
    d.put("alert.window_start", windowStart.toString());
    d.put("alert.window_end", windowEnd.toString());
    d.put("alert.message", message());
    if (!docIds.isEmpty()) d.put("alert.doc_ids", docIds);
    // The key's own fields, where the contract maps them for every type, so dashboards can filter on them.
    String[] parts = key.split("\\|", -1);
    if (parts.length == keyFields.size()) {
      for (int i = 0; i < parts.length; i++) {
        String f = keyFields.get(i);
        if (f.equals("call.id") || f.equals("observer.name")) d.put(f, parts[i]);
      }
    }
    byte[] raw = message().getBytes(StandardCharsets.UTF_8);
    return new IndexDoc(IndexType.ALERTS, id, time, d, raw, new Provenance("alert:" + rule, 0, raw.length));
  }

  /** The notice as a JSON-ready map (webhook body, {@code --json}). */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("@timestamp", time.toString());
    m.put("rule", rule);
    m.put("kind", kind.name().toLowerCase(Locale.ROOT));
    m.put("state", state.label());
    m.put("key", key);
    m.put("key_fields", keyFields);
    m.put("index", index.alias());
    m.put("value", value);
    m.put("threshold", threshold);
    m.put("condition", condition);
    m.put("window_start", windowStart.toString());
    m.put("window_end", windowEnd.toString());
    m.put("doc_ids", docIds);
    m.put("message", message());
    return m;
  }

  /** A number without a useless fraction: 5 rather than 5.0, 4.25 as is. */
  static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "");
  }
}
