package io.callarchive.kibana;

import com.fasterxml.jackson.databind.JsonNode;
import io.callarchive.index.Templates;
import io.callarchive.model.IndexType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The mapped fields of each read alias as the index templates compose them (the source of truth for types):
 * dotted field name to its mapping ({@code type}, {@code index}, {@code doc_values}, ...). Test helper.
 */
final class Mappings {
  private Mappings() {}

  static Templates templates() {
    return new Templates(Path.of(System.getProperty("callarchive.project", "."), "index-templates"));
  }

  /** alias → field → mapping. */
  static Map<String, Map<String, JsonNode>> byAlias() {
    Templates t = templates();
    Map<String, Map<String, JsonNode>> out = new LinkedHashMap<>();
    for (IndexType type : IndexType.values()) {
      Map<String, JsonNode> fields = new LinkedHashMap<>();
      for (JsonNode c : t.indexTemplate(type).path("composed_of")) {
        flatten("", t.componentTemplate(c.asText()).path("template").path("mappings").path("properties"), fields);
      }
      out.put(type.alias(), fields);
    }
    return out;
  }

  private static void flatten(String prefix, JsonNode props, Map<String, JsonNode> out) {
    props.fields().forEachRemaining(e -> {
      String name = prefix + e.getKey();
      JsonNode m = e.getValue();
      if (m.has("properties")) flatten(name + ".", m.get("properties"), out);
      else out.put(name, m);
    });
  }

  /** Kibana's field type for an Elasticsearch type (spec §3.3), or null when Lens cannot use the field. */
  static String kibanaType(JsonNode mapping) {
    String t = mapping.path("type").asText("object");
    return switch (t) {
      case "keyword", "constant_keyword", "wildcard" -> "string";
      case "long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float", "unsigned_long" -> "number";
      case "date", "date_nanos" -> "date";
      case "boolean" -> "boolean";
      case "ip" -> "ip";
      default -> null;
    };
  }

  /** Aggregatable as Kibana sees it: doc values on, a scalar type, indexed. */
  static boolean aggregatable(JsonNode mapping) {
    return kibanaType(mapping) != null && mapping.path("doc_values").asBoolean(true) && mapping.path("index").asBoolean(true);
  }
}
