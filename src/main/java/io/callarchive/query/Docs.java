package io.callarchive.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads fields of stored documents by their dotted schema name, whether the source holds them as nested objects
 * ({@code {"call": {"id": ..}}}) or as dotted keys ({@code {"call.id": ..}}): both shapes are valid
 * Elasticsearch sources for the same mapping.
 */
final class Docs {
  private Docs() {}

  static JsonNode get(JsonNode doc, String path) {
    if (doc == null || doc.isMissingNode() || doc.isNull()) return null;
    JsonNode direct = doc.get(path);
    if (direct != null) return direct;
    int dot = path.indexOf('.');
    while (dot > 0) {
      JsonNode head = doc.get(path.substring(0, dot));
      if (head != null && head.isObject()) {
        JsonNode v = get(head, path.substring(dot + 1));
        if (v != null) return v;
      }
      dot = path.indexOf('.', dot + 1);
    }
    return null;
  }

  static String text(JsonNode doc, String path) {
    JsonNode v = get(doc, path);
    if (v == null || v.isNull()) return null;
    if (v.isArray()) return v.isEmpty() ? null : v.get(0).asText();
    return v.asText();
  }

  static Double number(JsonNode doc, String path) {
    JsonNode v = get(doc, path);
    if (v == null) return null;
    if (v.isNumber()) return v.asDouble();
    return v.isTextual() ? parse(v.asText()) : null;
  }

  static List<String> texts(JsonNode doc, String path) {
    JsonNode v = get(doc, path);
    List<String> out = new ArrayList<>();
    if (v == null || v.isNull()) return out;
    if (v.isArray()) v.forEach(e -> out.add(e.asText()));
    else out.add(v.asText());
    return out;
  }

  private static Double parse(String s) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
