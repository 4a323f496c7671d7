package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.mapping.Property;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import io.callarchive.Corpus;
import io.callarchive.index.Templates;
import io.callarchive.model.IndexType;
import io.callarchive.pipeline.DocIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Conformance with the shared ground truth beside the corpus: every field of the index contract
 * ({@code ../shared/spec/schema.md}) is mapped by the installed templates with its type.
 */
class SetupCorpusIT {
  private static ElasticsearchClient es;

  @BeforeAll
  static void install() throws Exception {
    es = TestCluster.client();
    TestCluster.wipe();
    new Templates(Path.of(System.getProperty("callarchive.project"), "index-templates")).install(es);
  }

  /** Reads the field tables of schema.md: the contract the indices must honour. */
  static Map<String, Map<String, String>> contract() throws Exception {
    List<String> lines = Files.readAllLines(Corpus.shared().resolve("spec").resolve("schema.md"));
    Map<String, Map<String, String>> byType = new LinkedHashMap<>();
    String section = null;
    Pattern row = Pattern.compile("^\\|\\s*(`[^|]+)\\|\\s*([^|]+)\\|");
    for (String line : lines) {
      if (line.startsWith("## ")) {
        section = line.substring(3).trim();
        continue;
      }
      Matcher m = row.matcher(line);
      if (section == null || !m.find()) continue;
      List<String> fields = new ArrayList<>();
      Matcher f = Pattern.compile("`([^`]+)`").matcher(m.group(1));
      while (f.find()) fields.add(f.group(1));
      String[] types = m.group(2).trim().split(",\\s*");
      for (int i = 0; i < fields.size(); i++) {
        // One field: the whole type text ("keyword, not indexed, no doc values"); several: the types in turn
        // ("source.ip, source.port, destination.ip, destination.port | ip, integer").
        String type = fields.size() == 1 ? m.group(2).trim() : types[i % types.length];
        byType.computeIfAbsent(section, k -> new LinkedHashMap<>()).put(fields.get(i), type.trim());
      }
    }
    return byType;
  }

  @Test
  void everyFieldOfTheContractIsMappedWithItsType() throws Exception {
    Map<String, Map<String, String>> contract = contract();
    assertTrue(contract.containsKey("Fields common to every type"), contract.keySet().toString());
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (IndexType t : IndexType.values()) {
      String index = DocIds.indexName(t, Instant.now());
      TypeMapping mapping = es.indices().getMapping(r -> r.index(index)).get(index).mappings();
      Map<String, String> expected = new LinkedHashMap<>(contract.get("Fields common to every type"));
      Map<String, String> own = contract.get(t.typeName());
      if (own != null) expected.putAll(own);
      for (Map.Entry<String, String> e : expected.entrySet()) {
        checked++;
        String actual = typeOf(mapping.properties(), e.getKey());
        if (!matches(e.getValue(), actual, mapping.properties(), e.getKey())) {
          problems.add(index + ": " + e.getKey() + " is " + actual + ", contract says " + e.getValue());
        }
      }
    }
    assertTrue(checked > 100, "the contract tables were read (" + checked + " checks)");
    assertEquals(List.of(), problems);
  }

  private static boolean matches(String contractType, String actual, Map<String, Property> props, String path) {
    String c = contractType.toLowerCase();
    if (actual == null) return false;
    if (c.startsWith("keyword, not indexed")) {
      Property p = property(props, path);
      return actual.equals("keyword") && Boolean.FALSE.equals(p.keyword().index()) && Boolean.FALSE.equals(p.keyword().docValues());
    }
    if (c.startsWith("object of keywords")) return actual.equals("object");
    if (c.startsWith("date")) return actual.equals("date") || actual.equals("date_nanos");
    if (c.startsWith("keyword")) return actual.equals("keyword");
    return actual.equals(c.split("\\s")[0]);
  }

  private static Property property(Map<String, Property> props, String path) {
    String[] parts = path.split("\\.");
    Map<String, Property> level = props;
    Property p = null;
    for (int i = 0; i < parts.length; i++) {
      p = level.get(parts[i]);
      if (p == null) return null;
      if (i < parts.length - 1) {
        if (!p.isObject()) return null;
        level = p.object().properties();
      }
    }
    return p;
  }

  private static String typeOf(Map<String, Property> props, String path) {
    Property p = property(props, path);
    return p == null ? null : p._kind().jsonValue();
  }
}
