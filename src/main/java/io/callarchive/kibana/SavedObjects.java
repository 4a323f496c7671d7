package io.callarchive.kibana;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Kibana saved objects of {@code dashboards/}: one JSON file per object ({@code <type>/<id>.json}), written
 * in the decoded form of Elastic's integration packages (the attributes Kibana stores as JSON text are real JSON
 * there, so they can be read and reviewed), with the thresholds of {@link DashboardSettings} as placeholders.
 * {@link #ndjson} re-encodes them into the import format of Kibana 9.2 (spec kibana-saved-objects §1).
 * Immutable once loaded; thread-safe.
 */
public final class SavedObjects {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Kibana writes referenced objects before the objects that use them (spec §1.1); so do we. */
  public static final List<String> TYPE_ORDER = List.of("index-pattern", "search", "lens", "dashboard");

  /** Attributes that Kibana stores as stringified JSON, per type (spec §2, §4.1, §5). */
  public static final Map<String, List<String>> STRINGIFIED = Map.of(
      "index-pattern", List.of("fields", "fieldFormatMap", "runtimeFieldMap", "fieldAttrs", "sourceFilters"),
      "search", List.of("kibanaSavedObjectMeta.searchSourceJSON"),
      "lens", List.of(),
      "dashboard", List.of("panelsJSON", "optionsJSON", "kibanaSavedObjectMeta.searchSourceJSON",
          "controlGroupInput.panelsJSON", "controlGroupInput.ignoreParentSettingsJSON"));

  private final Map<String, ObjectNode> byKey;
  private final DashboardSettings settings;

  private SavedObjects(Map<String, ObjectNode> byKey, DashboardSettings settings) {
    this.byKey = byKey;
    this.settings = settings;
  }

  /** Loads from a folder, or from the copy packaged in the jar when {@code dir} is null. */
  public static SavedObjects load(Path dir, DashboardSettings settings) throws IOException {
    if (dir != null) return read(dir, settings);
    URL url = SavedObjects.class.getResource("/dashboards");
    if (url == null) throw new IOException("the dashboards are not packaged with this build");
    try {
      URI uri = url.toURI();
      if (!"jar".equals(uri.getScheme())) return read(Path.of(uri), settings);
      FileSystem fs;
      try {
        fs = FileSystems.newFileSystem(uri, Map.of());
      } catch (FileSystemAlreadyExistsException e) {
        fs = FileSystems.getFileSystem(uri);
      }
      return read(fs.getPath("/dashboards"), settings);
    } catch (URISyntaxException e) {
      throw new IOException("cannot locate the packaged dashboards: " + e.getMessage(), e);
    }
  }

  private static SavedObjects read(Path dir, DashboardSettings settings) throws IOException {
    if (!Files.isDirectory(dir)) throw new IOException("no dashboards folder at " + dir);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
    Map<String, ObjectNode> byKey = new LinkedHashMap<>();
    for (Path f : files) {
      String where = dir.relativize(f).toString();
      JsonNode n;
      try {
        n = JSON.readTree(settings.apply(Files.readString(f), where));
      } catch (JsonProcessingException e) {
        throw new IOException("saved object " + where + " is not valid JSON: " + e.getOriginalMessage(), e);
      }
      if (!(n instanceof ObjectNode o) || !o.path("type").isTextual() || !o.path("id").isTextual()) {
        throw new IOException("saved object " + where + " has no type and id");
      }
      String expected = o.get("type").asText() + "/" + o.get("id").asText() + ".json";
      if (!where.replace('\\', '/').equals(expected)) {
        throw new IOException("saved object " + where + " must live in " + expected);
      }
      if (byKey.put(key(o.get("type").asText(), o.get("id").asText()), o) != null) {
        throw new IOException("saved object " + expected + " is defined twice");
      }
    }
    List<ObjectNode> sorted = new ArrayList<>(byKey.values());
    sorted.sort(Comparator.comparingInt((ObjectNode o) -> rank(o.get("type").asText()))
        .thenComparing(o -> o.get("id").asText()));
    Map<String, ObjectNode> ordered = new LinkedHashMap<>();
    for (ObjectNode o : sorted) ordered.put(key(o.get("type").asText(), o.get("id").asText()), o);
    return new SavedObjects(ordered, settings);
  }

  private static int rank(String type) {
    int i = TYPE_ORDER.indexOf(type);
    return i < 0 ? TYPE_ORDER.size() : i;
  }

  static String key(String type, String id) {
    return type + ":" + id;
  }

  public DashboardSettings settings() {
    return settings;
  }

  /** Every object in import order, decoded. */
  public List<ObjectNode> all() {
    return List.copyOf(byKey.values());
  }

  /** The object of that type and id, decoded, or null. */
  public ObjectNode get(String type, String id) {
    return byKey.get(key(type, id));
  }

  public List<ObjectNode> dashboards() {
    return byKey.values().stream().filter(o -> o.get("type").asText().equals("dashboard")).toList();
  }

  /** The short name of a dashboard: its id without the {@code callarchive-dash-} prefix. */
  public static String shortName(ObjectNode dashboard) {
    return dashboard.get("id").asText().replaceFirst("^callarchive-dash-", "");
  }

  /** The object and everything it references, transitively, in import order. */
  public List<ObjectNode> closure(ObjectNode root) {
    Set<String> seen = new LinkedHashSet<>();
    Deque<ObjectNode> todo = new ArrayDeque<>(List.of(root));
    while (!todo.isEmpty()) {
      ObjectNode o = todo.pop();
      if (!seen.add(key(o.get("type").asText(), o.get("id").asText()))) continue;
      for (JsonNode r : o.path("references")) {
        ObjectNode target = get(r.path("type").asText(), r.path("id").asText());
        if (target == null) {
          throw new IllegalStateException(o.get("id").asText() + " references a missing " + r.path("type").asText()
              + " " + r.path("id").asText());
        }
        todo.push(target);
      }
    }
    return byKey.entrySet().stream().filter(e -> seen.contains(e.getKey())).map(Map.Entry::getValue).toList();
  }

  /** File name → NDJSON: one file with everything, and one per dashboard with what it needs. */
  public Map<String, String> files() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("callarchive-all.ndjson", ndjson(all()));
    for (ObjectNode d : dashboards()) out.put("callarchive-" + shortName(d) + ".ndjson", ndjson(closure(d)));
    return out;
  }

  /**
   * The import file: one encoded object per line, and Kibana's export summary line with true counts (spec §1.1:
   * the importer drops it, a diff against a real export stays clean).
   */
  public static String ndjson(List<ObjectNode> objects) {
    StringBuilder sb = new StringBuilder();
    try {
      for (ObjectNode o : objects) sb.append(JSON.writeValueAsString(encode(o))).append('\n');
      ObjectNode summary = JSON.createObjectNode();
      summary.putArray("excludedObjects");
      summary.put("excludedObjectsCount", 0);
      summary.put("exportedCount", objects.size());
      summary.put("missingRefCount", 0);
      summary.putArray("missingReferences");
      sb.append(JSON.writeValueAsString(summary)).append('\n');
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    return sb.toString();
  }

  /** The stored form of a decoded object: the attributes of {@link #STRINGIFIED} become JSON text. */
  public static ObjectNode encode(ObjectNode decoded) {
    ObjectNode o = decoded.deepCopy();
    for (String path : STRINGIFIED.getOrDefault(o.path("type").asText(), List.of())) {
      String[] parts = path.split("\\.");
      JsonNode parent = o.path("attributes");
      for (int i = 0; i < parts.length - 1; i++) parent = parent.path(parts[i]);
      String last = parts[parts.length - 1];
      if (parent instanceof ObjectNode p && p.has(last) && !p.get(last).isTextual()) {
        try {
          p.put(last, JSON.writeValueAsString(p.get(last)));
        } catch (JsonProcessingException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return o;
  }

  /** The inverse of {@link #encode}: a stored object (a line of an NDJSON file) in decoded form. */
  public static ObjectNode decode(ObjectNode stored) throws JsonProcessingException {
    ObjectNode o = stored.deepCopy();
    for (String path : STRINGIFIED.getOrDefault(o.path("type").asText(), List.of())) {
      String[] parts = path.split("\\.");
      JsonNode parent = o.path("attributes");
      for (int i = 0; i < parts.length - 1; i++) parent = parent.path(parts[i]);
      String last = parts[parts.length - 1];
      if (parent instanceof ObjectNode p && p.path(last).isTextual()) p.set(last, JSON.readTree(p.get(last).asText()));
    }
    return o;
  }

  /** The data view a Lens layer reads, by its reference {@code indexpattern-datasource-layer-<layer>}. */
  public ObjectNode dataViewOfLayer(ObjectNode lens, String layerId) {
    for (JsonNode r : lens.path("references")) {
      if (r.path("name").asText().equals("indexpattern-datasource-layer-" + layerId)) {
        return get("index-pattern", r.path("id").asText());
      }
    }
    return null;
  }

  /** The object a dashboard panel shows, by its reference {@code <panelIndex>:<panelRefName>}. */
  public ObjectNode panelTarget(ObjectNode dashboard, JsonNode panel) {
    String name = panel.path("panelIndex").asText() + ":" + panel.path("panelRefName").asText();
    for (JsonNode r : dashboard.path("references")) {
      if (r.path("name").asText().equals(name)) return get(r.path("type").asText(), r.path("id").asText());
    }
    return null;
  }
}
