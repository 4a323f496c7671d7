package io.callarchive.correlate;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a platform's events say about legs, sessions and queue stays: one implementation per dataset, pure and
 * stateless (thread-safe). Each reads the common fields of the normalised document and the platform's raw object
 * ({@code ami}, {@code freeswitch}, {@code kazoo}, {@code ari}, {@code ccs}) and fills an {@link Observation}.
 * Odd or missing fields are skipped, never thrown on.
 */
interface CallRules {
  void observe(Observation o);

  static CallRules forDataset(String dataset) {
    if (dataset == null) return o -> {};
    return switch (dataset) {
      case "asterisk.ami" -> new AmiRules();
      case "asterisk.ari" -> new AriRules();
      case "freeswitch.esl" -> new FreeswitchRules();
      case "kazoo.amqp" -> new KazooRules();
      case "ccs.events" -> new CcsRules();
      default -> o -> {};
    };
  }

  // --- helpers over raw platform objects ---

  /** The raw object of the event ({@code ami}, {@code freeswitch}, ...), or an empty map. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> raw(Observation o, String field) {
    Object v = o.doc.get(field);
    return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  /** A text value: the first of a repeated key, numbers and booleans as text, blank as null. */
  static String s(Map<String, Object> f, String key) {
    return text(f.get(key));
  }

  static String text(Object v) {
    if (v instanceof List<?> l) v = l.isEmpty() ? null : l.get(0);
    if (v == null || v instanceof Map<?, ?>) return null;
    String s = v.toString().strip();
    return s.isEmpty() ? null : s;
  }

  /** A nested value of a JSON tree. */
  static Object at(Object node, String... path) {
    for (String p : path) {
      if (!(node instanceof Map<?, ?> m)) return null;
      node = m.get(p);
    }
    return node;
  }

  static Integer integer(String s) {
    if (s == null) return null;
    try {
      return Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Unix seconds or microseconds as an instant (FreeSWITCH {@code *-Time} headers, §3.5; 0 means unset). */
  static java.time.Instant epoch(String s, boolean micros) {
    if (s == null) return null;
    try {
      long v = Long.parseLong(s.strip());
      if (v <= 0) return null;
      return micros
          ? java.time.Instant.ofEpochSecond(v / 1_000_000, (v % 1_000_000) * 1000)
          : java.time.Instant.ofEpochSecond(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static boolean hasEnrichedCause(Observation o) {
    return o.doc.get("hangup.cause.q850") != null || o.doc.get("hangup.cause.name") != null;
  }

  static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}
