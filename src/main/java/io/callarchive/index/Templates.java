package io.callarchive.index;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callarchive.model.IndexType;
import io.callarchive.pipeline.DocIds;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the component and index templates of {@code index-templates/} (the source of truth, one JSON file
 * per template, usable with plain curl too) and creates the current month's index of every type so that every
 * read alias exists from the start. Idempotent: a template whose installed {@code version} equals the file's is
 * left alone; a changed file (new version) replaces it.
 */
public final class Templates {
  private static final Logger log = LoggerFactory.getLogger(Templates.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where templates are read from: a folder, or the copy packaged in the jar when null. */
  private final Path dir;

  /**
   * Index settings per type laid over the template's ({@code number_of_shards}, {@code number_of_replicas},
   * {@code lifecycle.name}...), from {@code setup --shards/--replicas/--ilm}. They are recorded in the template's
   * {@code _meta.callarchive_settings}, so a changed choice replaces the installed template like a new version.
   */
  private final Map<IndexType, Map<String, Object>> indexSettings;

  public Templates(Path dir) {
    this(dir, Map.of());
  }

  public Templates(Path dir, Map<IndexType, Map<String, Object>> indexSettings) {
    this.dir = dir;
    this.indexSettings = Map.copyOf(indexSettings);
  }

  public record Result(List<String> installed, List<String> unchanged, List<String> indicesCreated) {}

  public Result install(ElasticsearchClient client) throws IOException {
    List<String> installed = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    Set<String> components = new LinkedHashSet<>();
    for (IndexType t : IndexType.values()) {
      for (JsonNode c : indexTemplate(t).path("composed_of")) components.add(c.asText());
    }
    for (String c : components) {
      String body = read("component/" + c + ".json");
      long version = JSON.readTree(body).path("version").asLong();
      if (installedComponentVersion(client, c) == version) {
        unchanged.add(c);
        continue;
      }
      client.cluster().putComponentTemplate(r -> r.name(c).withJson(new StringReader(body)));
      installed.add(c);
    }
    for (IndexType t : IndexType.values()) {
      String name = t.alias();
      ObjectNode tree = (ObjectNode) JSON.readTree(read("index/" + name + ".json"));
      String overrides = applySettings(tree, indexSettings.get(t));
      String body = JSON.writeValueAsString(tree);
      long version = tree.path("version").asLong();
      if (installedIndexTemplateVersion(client, name) == version
          && Objects.equals(installedSettingsMark(client, name), overrides)) {
        unchanged.add(name);
        continue;
      }
      client.indices().putIndexTemplate(r -> r.name(name).withJson(new StringReader(body)));
      installed.add(name);
    }
    List<String> created = new ArrayList<>();
    for (IndexType t : IndexType.values()) {
      String index = DocIds.indexName(t, Instant.now());
      if (!client.indices().exists(r -> r.index(index)).value()) {
        try {
          client.indices().create(r -> r.index(index));
          created.add(index);
        } catch (ElasticsearchException e) {
          if (!"resource_already_exists_exception".equals(e.error().type())) throw e;
        }
      }
    }
    log.info("Templates installed: {}; unchanged: {}; indices created: {}", installed, unchanged, created);
    return new Result(installed, unchanged, created);
  }

  /**
   * Lays {@code settings} over the template's {@code template.settings.index} and marks them in
   * {@code _meta.callarchive_settings}; returns the mark (null when there is nothing to lay over).
   */
  static String applySettings(ObjectNode tree, Map<String, Object> settings) {
    if (settings == null || settings.isEmpty()) return null;
    ObjectNode index = tree.withObject("/template/settings/index");
    Map<String, Object> sorted = new TreeMap<>(settings);
    sorted.forEach((k, v) -> index.set(k, JSON.valueToTree(v)));
    String mark;
    try {
      mark = JSON.writeValueAsString(sorted);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    tree.withObject("/_meta").put("callarchive_settings", mark);
    return mark;
  }

  private String installedSettingsMark(ElasticsearchClient client, String name) throws IOException {
    try {
      var resp = client.indices().getIndexTemplate(r -> r.name(name));
      if (resp.indexTemplates().isEmpty()) return null;
      var meta = resp.indexTemplates().get(0).indexTemplate().meta();
      if (meta == null || !meta.containsKey("callarchive_settings")) return null;
      return meta.get("callarchive_settings").to(String.class);
    } catch (ElasticsearchException e) {
      if (e.status() == 404) return null;
      throw e;
    }
  }

  /**
   * Sets dynamic settings (replicas) on the existing indices of a type, which the template only gives to indices
   * created later. The number of shards is fixed at creation, so it only applies from the next month on.
   */
  public List<String> updateExisting(ElasticsearchClient client, IndexType t, Map<String, Object> dynamicSettings)
      throws IOException {
    if (dynamicSettings.isEmpty()) return List.of();
    String pattern = IndexType.PREFIX + t.typeName() + "-*";
    var existing = client.indices().get(r -> r.index(pattern).allowNoIndices(true)).indices().keySet();
    if (existing.isEmpty()) return List.of();
    StringBuilder json = new StringBuilder("{\"index\":");
    json.append(JSON.writeValueAsString(new TreeMap<>(dynamicSettings))).append('}');
    client.indices().putSettings(r -> r.index(pattern).withJson(new StringReader(json.toString())));
    return List.copyOf(new TreeSet<>(existing));
  }

  public JsonNode indexTemplate(IndexType t) {
    try {
      return JSON.readTree(read("index/" + t.alias() + ".json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonNode componentTemplate(String name) {
    try {
      return JSON.readTree(read("component/" + name + ".json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private long installedComponentVersion(ElasticsearchClient client, String name) throws IOException {
    try {
      var resp = client.cluster().getComponentTemplate(r -> r.name(name));
      if (resp.componentTemplates().isEmpty()) return -1;
      Long v = resp.componentTemplates().get(0).componentTemplate().version();
      return v == null ? -1 : v;
    } catch (ElasticsearchException e) {
      if (e.status() == 404) return -1;
      throw e;
    }
  }

  private long installedIndexTemplateVersion(ElasticsearchClient client, String name) throws IOException {
    try {
      var resp = client.indices().getIndexTemplate(r -> r.name(name));
      if (resp.indexTemplates().isEmpty()) return -1;
      Long v = resp.indexTemplates().get(0).indexTemplate().version();
      return v == null ? -1 : v;
    } catch (ElasticsearchException e) {
      if (e.status() == 404) return -1;
      throw e;
    }
  }

  private String read(String rel) throws IOException {
    if (dir != null) return Files.readString(dir.resolve(rel));
    try (InputStream in = Templates.class.getResourceAsStream("/index-templates/" + rel)) {
      if (in == null) throw new IOException("template not packaged: index-templates/" + rel);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
