package io.callarchive.kibana;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The static checks of spec kibana-saved-objects §7.2, on the assembled NDJSON and the index templates. */
class SavedObjectsTest {
  static final Path DIR = Path.of(System.getProperty("callarchive.project", "."), "dashboards");
  static final Map<String, String> MIGRATION = Map.of(
      "index-pattern", "8.0.0", "lens", "8.9.0", "dashboard", "8.9.0", "search", "8.0.0");
  static final Set<String> VIS = Set.of("lnsMetric", "lnsXY", "lnsDatatable", "lnsPie", "lnsHeatmap");
  static final Map<String, Set<String>> ATTRIBUTES = Map.of(
      "index-pattern", Set.of("title", "name", "timeFieldName", "fields", "fieldFormatMap", "runtimeFieldMap",
          "fieldAttrs", "sourceFilters", "allowNoIndex"),
      "lens", Set.of("title", "description", "visualizationType", "state"),
      "dashboard", Set.of("title", "description", "panelsJSON", "optionsJSON", "timeRestore", "timeFrom", "timeTo",
          "refreshInterval", "kibanaSavedObjectMeta", "controlGroupInput"),
      "search", Set.of("title", "description", "columns", "sort", "grid", "hideChart", "isTextBasedQuery",
          "kibanaSavedObjectMeta"));
  /** Operations and the Kibana field types they accept (spec §3.2). */
  static final Map<String, Set<String>> OPERATIONS = Map.of(
      "count", Set.of("string", "number", "date", "boolean", "ip"),
      "average", Set.of("number"), "sum", Set.of("number"), "median", Set.of("number"),
      "min", Set.of("number", "date"), "max", Set.of("number", "date"),
      "unique_count", Set.of("string", "number", "date", "boolean", "ip"),
      "last_value", Set.of("string", "number", "date", "boolean", "ip"),
      "terms", Set.of("string", "number", "boolean", "ip"),
      "date_histogram", Set.of("date"));
  static final Set<String> BUCKET_OPS = Set.of("terms", "date_histogram", "range", "filters");

  static final Map<String, Map<String, JsonNode>> FIELDS = Mappings.byAlias();

  static SavedObjects load() throws Exception {
    return SavedObjects.load(DIR, DashboardSettings.DEFAULTS);
  }

  /** The objects as Kibana would receive them: parsed back from the NDJSON lines. */
  static List<ObjectNode> stored() throws Exception {
    String nd = SavedObjects.ndjson(load().all());
    List<ObjectNode> out = new ArrayList<>();
    for (String line : nd.split("\n")) {
      if (line.isBlank()) continue;
      JsonNode n = SavedObjects.JSON.readTree(line);
      assertTrue(n.isObject(), line);
      if (!n.has("exportedCount")) out.add((ObjectNode) n);
    }
    return out;
  }

  @Test
  void ndjsonAssemblesWithATrueSummaryLineAndUniqueIds() throws Exception {
    SavedObjects so = load();
    for (Map.Entry<String, String> f : so.files().entrySet()) {
      assertTrue(f.getKey().endsWith(".ndjson"));
      String[] lines = f.getValue().split("\n");
      assertTrue(f.getValue().length() < 25_000_000 && lines.length < 10_000);
      JsonNode summary = SavedObjects.JSON.readTree(lines[lines.length - 1]);
      assertEquals(lines.length - 1, summary.path("exportedCount").asInt(), f.getKey());
      Set<String> keys = new HashSet<>();
      for (int i = 0; i < lines.length - 1; i++) {
        JsonNode o = SavedObjects.JSON.readTree(lines[i]);
        assertTrue(keys.add(o.path("type").asText() + ":" + o.path("id").asText()), "duplicate " + o.path("id"));
      }
    }
    // Data views first, dashboards last (Kibana's own export order).
    List<ObjectNode> all = stored();
    assertEquals("index-pattern", all.get(0).path("type").asText());
    assertEquals("dashboard", all.get(all.size() - 1).path("type").asText());
    assertEquals(5, so.dashboards().size());
    assertEquals(8, all.stream().filter(o -> o.path("type").asText().equals("index-pattern")).count());
  }

  @Test
  void everyObjectHasItsEnvelopeAndOnlyKnownAttributes() throws Exception {
    for (ObjectNode o : stored()) {
      String id = o.path("id").asText();
      String type = o.path("type").asText();
      assertTrue(id.matches("[a-z0-9-]+"), "id " + id);
      assertTrue(MIGRATION.containsKey(type), id + " type " + type);
      assertEquals("8.8.0", o.path("coreMigrationVersion").asText(), id);
      assertEquals(MIGRATION.get(type), o.path("typeMigrationVersion").asText(), id);
      assertFalse(o.has("migrationVersion"), id);
      assertTrue(o.path("managed").isBoolean(), id);
      assertTrue(o.path("attributes").isObject() && o.path("references").isArray(), id);
      assertFalse(o.path("attributes").path("title").asText().isBlank(), id + " has a title");
      o.path("attributes").fieldNames().forEachRemaining(k ->
          assertTrue(ATTRIBUTES.get(type).contains(k), id + ": unknown attribute " + k));
      Set<String> names = new HashSet<>();
      for (JsonNode r : o.path("references")) {
        for (String k : List.of("name", "type", "id")) assertFalse(r.path(k).asText().isBlank(), id + " reference " + r);
        assertTrue(names.add(r.path("name").asText()), id + ": reference name twice " + r);
      }
    }
  }

  @Test
  void stringifiedAttributesAreJsonTextThatParses() throws Exception {
    for (ObjectNode o : stored()) {
      for (String path : SavedObjects.STRINGIFIED.get(o.path("type").asText())) {
        JsonNode v = o.path("attributes");
        for (String p : path.split("\\.")) v = v.path(p);
        if (v.isMissingNode()) continue;
        assertTrue(v.isTextual(), o.path("id") + " " + path + " must be JSON text");
        JsonNode parsed = SavedObjects.JSON.readTree(v.asText());
        boolean array = path.equals("panelsJSON") || path.equals("fields") || path.equals("sourceFilters");
        assertTrue(array ? parsed.isArray() : parsed.isObject(), o.path("id") + " " + path);
      }
      // And the round trip gives back the decoded object.
      assertEquals(load().get(o.path("type").asText(), o.path("id").asText()), SavedObjects.decode(o));
    }
  }

  @Test
  void everyReferenceResolvesAndNothingIsOrphaned() throws Exception {
    SavedObjects so = load();
    Set<String> referenced = new HashSet<>();
    for (ObjectNode o : so.all()) {
      for (JsonNode r : o.path("references")) {
        assertNotNull(so.get(r.path("type").asText(), r.path("id").asText()), o.path("id") + " → " + r);
        referenced.add(r.path("type").asText() + ":" + r.path("id").asText());
      }
    }
    for (ObjectNode o : so.all()) {
      String t = o.path("type").asText();
      if (t.equals("dashboard")) continue;
      // The charges data view is for Discover (AOC messages); every other object is on a dashboard.
      if (o.path("id").asText().equals("callarchive-dv-charges")) continue;
      assertTrue(referenced.contains(t + ":" + o.path("id").asText()), o.path("id") + " is not used");
    }
  }

  @Test
  void dataViewsReadAnAliasTimedByAMappedDate() throws Exception {
    for (ObjectNode o : load().all()) {
      if (!o.path("type").asText().equals("index-pattern")) continue;
      JsonNode a = o.path("attributes");
      Map<String, JsonNode> fields = FIELDS.get(a.path("title").asText());
      assertNotNull(fields, o.path("id") + " title " + a.path("title") + " is no read alias");
      assertEquals("date", fields.get(a.path("timeFieldName").asText()).path("type").asText());
      a.path("fieldFormatMap").fieldNames().forEachRemaining(f ->
          assertTrue(fields.containsKey(f), o.path("id") + " formats unmapped " + f));
      // Runtime fields are painless scripts, which the minimal distribution we run does not have (decision 0001).
      assertTrue(a.path("runtimeFieldMap").isEmpty(), o.path("id") + " has no runtime fields");
    }
  }

  /** The fields a Lens layer can use: mapped in the data view's alias, or its runtime fields. */
  static Map<String, String> kibanaTypes(ObjectNode dv) {
    Map<String, String> out = new HashMap<>();
    FIELDS.get(dv.path("attributes").path("title").asText()).forEach((f, m) -> {
      if (Mappings.aggregatable(m)) out.put(f, Mappings.kibanaType(m));
    });
    dv.path("attributes").path("runtimeFieldMap").fields().forEachRemaining(e -> out.put(e.getKey(),
        switch (e.getValue().path("type").asText()) {
          case "long", "double" -> "number";
          case "keyword" -> "string";
          default -> e.getValue().path("type").asText();
        }));
    return out;
  }

  static void kqlFieldsExist(String kql, Map<String, String> types, String where) {
    for (String f : Kql.parse(kql).fields()) assertTrue(types.containsKey(f), where + ": KQL field " + f + " is not aggregatable/mapped");
  }

  @Test
  void everyLensColumnUsesAMappedAggregatableFieldOfTheRightType() throws Exception {
    SavedObjects so = load();
    int lenses = 0;
    for (ObjectNode o : so.all()) {
      if (!o.path("type").asText().equals("lens")) continue;
      lenses++;
      String id = o.path("id").asText();
      JsonNode a = o.path("attributes");
      assertTrue(VIS.contains(a.path("visualizationType").asText()), id);
      JsonNode ds = a.path("state").path("datasourceStates");
      assertFalse(ds.has("indexpattern"), id + " uses the pre-8.6 datasource key");
      JsonNode layers = ds.path("formBased").path("layers");
      assertEquals(1, layers.size(), id);
      String layerId = layers.fieldNames().next();
      JsonNode layer = layers.get(layerId);
      ObjectNode dv = so.dataViewOfLayer(o, layerId);
      assertNotNull(dv, id + " layer reference");
      Map<String, String> types = kibanaTypes(dv);
      String timeField = dv.path("attributes").path("timeFieldName").asText();

      JsonNode cols = layer.path("columns");
      Set<String> order = new HashSet<>();
      boolean metricSeen = false;
      for (JsonNode c : layer.path("columnOrder")) {
        assertTrue(order.add(c.asText()), id + " column twice");
        JsonNode col = cols.path(c.asText());
        assertFalse(col.isMissingNode(), id + " columnOrder names a missing column " + c);
        boolean bucket = col.path("isBucketed").asBoolean();
        if (bucket) assertFalse(metricSeen, id + ": bucket " + c + " after a metric");
        else metricSeen = true;
      }
      assertEquals(cols.size(), order.size(), id + " columnOrder covers every column");
      kqlFieldsExist(a.path("state").path("query").path("query").asText(), types, id);
      assertEquals("kuery", a.path("state").path("query").path("language").asText(), id);

      for (var it = cols.fields(); it.hasNext(); ) {
        var e = it.next();
        String cid = id + "." + e.getKey();
        JsonNode c = e.getValue();
        String op = c.path("operationType").asText();
        assertFalse(c.path("label").asText().isBlank(), cid + " label");
        assertEquals(BUCKET_OPS.contains(op), c.path("isBucketed").asBoolean(), cid + " isBucketed");
        if (c.has("filter")) {
          assertEquals("kuery", c.path("filter").path("language").asText());
          kqlFieldsExist(c.path("filter").path("query").asText(), types, cid);
        }
        if (LensQuery.REFERENCE_BASED.contains(op)) {
          for (JsonNode r : c.path("references")) assertTrue(cols.has(r.asText()), cid + " references " + r);
          continue;
        }
        if (op.equals("filters")) {
          for (JsonNode f : c.path("params").path("filters")) kqlFieldsExist(f.path("input").path("query").asText(), types, cid);
          continue;
        }
        String field = c.path("sourceField").asText();
        if (op.equals("count") && field.equals("___records___")) continue;
        String ft = types.get(field);
        assertNotNull(ft, cid + ": " + field + " is not a mapped aggregatable field of " + dv.path("id").asText());
        if (op.equals("range")) {
          assertEquals("number", ft, cid);
          assertEquals("range", c.path("params").path("type").asText(), cid + " uses explicit ranges");
        } else {
          assertTrue(OPERATIONS.get(op).contains(ft), cid + ": " + op + " on a " + ft + " field");
        }
        if (!op.equals("count") && !op.equals("unique_count")) assertEquals(ft, c.path("dataType").asText(), cid + " dataType");
        if (op.equals("date_histogram")) assertEquals(timeField, field, cid + " histogram on the time field");
        if (op.equals("last_value")) assertEquals("date", types.get(c.path("params").path("sortField").asText()), cid);
        if (op.equals("terms")) {
          JsonNode ob = c.path("params").path("orderBy");
          if (ob.path("type").asText().equals("column")) {
            JsonNode target = cols.path(ob.path("columnId").asText());
            assertFalse(target.isMissingNode() || target.path("isBucketed").asBoolean(), cid + " orders by a metric");
          }
        }
      }
      accessorsAreColumns(id, a.path("visualizationType").asText(), a.path("state").path("visualization"), layerId, cols);
    }
    assertEquals(42, lenses);
  }

  private static void accessorsAreColumns(String id, String vt, JsonNode v, String layerId, JsonNode cols) {
    List<String> acc = new ArrayList<>();
    List<String> buckets = new ArrayList<>();
    List<String> metrics = new ArrayList<>();
    switch (vt) {
      case "lnsMetric" -> {
        assertEquals(layerId, v.path("layerId").asText(), id);
        metrics.add(v.path("metricAccessor").asText());
        if (v.has("secondaryMetricAccessor")) metrics.add(v.path("secondaryMetricAccessor").asText());
      }
      case "lnsDatatable" -> {
        assertEquals(layerId, v.path("layerId").asText(), id);
        v.path("columns").forEach(c -> acc.add(c.path("columnId").asText()));
        if (v.has("sorting")) acc.add(v.path("sorting").path("columnId").asText());
      }
      case "lnsXY" -> {
        for (JsonNode l : v.path("layers")) {
          assertEquals(layerId, l.path("layerId").asText(), id);
          buckets.add(l.path("xAccessor").asText());
          if (l.has("splitAccessor")) buckets.add(l.path("splitAccessor").asText());
          l.path("accessors").forEach(x -> metrics.add(x.asText()));
        }
      }
      case "lnsPie" -> {
        for (JsonNode l : v.path("layers")) {
          assertEquals(layerId, l.path("layerId").asText(), id);
          l.path("primaryGroups").forEach(x -> buckets.add(x.asText()));
          l.path("metrics").forEach(x -> metrics.add(x.asText()));
        }
      }
      case "lnsHeatmap" -> {
        assertEquals(layerId, v.path("layerId").asText(), id);
        buckets.add(v.path("xAccessor").asText());
        buckets.add(v.path("yAccessor").asText());
        metrics.add(v.path("valueAccessor").asText());
      }
      default -> fail(id + " " + vt);
    }
    for (String b : buckets) assertTrue(cols.path(b).path("isBucketed").asBoolean(), id + ": accessor " + b + " is a bucket");
    for (String m : metrics) {
      assertTrue(cols.has(m) && !cols.path(m).path("isBucketed").asBoolean(), id + ": accessor " + m + " is a metric");
    }
    for (String x : acc) assertTrue(cols.has(x), id + ": accessor " + x + " is a column");
    assertFalse(buckets.isEmpty() && metrics.isEmpty() && acc.isEmpty(), id + " shows something");
  }

  /** A column in the normal form of {@link Formula#canonical}. */
  private static String canonical(JsonNode cols, String id) {
    JsonNode c = cols.path(id);
    String op = c.path("operationType").asText();
    String kql = c.has("filter") ? "kql='" + c.path("filter").path("query").asText() + "'" : null;
    return switch (op) {
      case "math" -> math(cols, c.path("params").path("tinymathAst"));
      case "overall_sum" -> "overall_sum(" + canonical(cols, c.path("references").path(0).asText()) + ")";
      case "count" -> "count(" + (kql == null ? "" : kql) + ")";
      default -> op + "(" + c.path("sourceField").asText() + (kql == null ? "" : "," + kql) + ")";
    };
  }

  private static String math(JsonNode cols, JsonNode ast) {
    if (ast.isTextual()) return canonical(cols, ast.asText());
    if (ast.isNumber()) return ast.asText();
    List<String> args = new ArrayList<>();
    ast.path("args").forEach(x -> args.add(math(cols, x)));
    return ast.path("name").asText() + "(" + String.join(",", args) + ")";
  }

  @Test
  void everyFormulaParsesAndMatchesTheColumnsKibanaCompilesItInto() throws Exception {
    int formulas = 0;
    for (ObjectNode o : load().all()) {
      if (!o.path("type").asText().equals("lens")) continue;
      JsonNode layers = o.path("attributes").path("state").path("datasourceStates").path("formBased").path("layers");
      JsonNode cols = layers.elements().next().path("columns");
      for (var it = cols.fields(); it.hasNext(); ) {
        var e = it.next();
        if (!e.getValue().path("operationType").asText().equals("formula")) continue;
        formulas++;
        String text = e.getValue().path("params").path("formula").asText();
        String parsed = Formula.canonical(text);
        String compiled = canonical(cols, e.getValue().path("references").path(0).asText());
        assertEquals(parsed, compiled, o.path("id") + "." + e.getKey() + ": " + text);
        assertFalse(e.getValue().path("params").path("isFormulaBroken").asBoolean(), o.path("id").asText());
      }
    }
    assertTrue(formulas >= 8, "formulas: " + formulas);
    assertThrows(IllegalArgumentException.class, () -> Formula.canonical("count(kql='a : 1' / count()"));
  }

  @Test
  void dashboardsHaveTimePanelsOnTheGridDefinitionsAndControls() throws Exception {
    SavedObjects so = load();
    for (ObjectNode d : so.dashboards()) {
      String id = d.path("id").asText();
      JsonNode a = d.path("attributes");
      assertTrue(a.path("timeRestore").asBoolean(), id);
      assertTrue(a.path("timeFrom").asText().matches("now(-\\d+[smhdwMy])?") && a.path("timeTo").asText().equals("now"), id);
      kqlFieldsExist(a.path("kibanaSavedObjectMeta").path("searchSourceJSON").path("query").path("query").asText(),
          Map.of(), id);
      Set<String> usedRefs = new HashSet<>();
      Set<String> indexes = new HashSet<>();
      List<int[]> cells = new ArrayList<>();
      boolean markdown = false;
      for (JsonNode p : a.path("panelsJSON")) {
        String pi = p.path("panelIndex").asText();
        assertTrue(indexes.add(pi), id + " panelIndex " + pi);
        JsonNode g = p.path("gridData");
        assertEquals(pi, g.path("i").asText());
        int x = g.path("x").asInt(), y = g.path("y").asInt(), w = g.path("w").asInt(), h = g.path("h").asInt();
        assertTrue(x >= 0 && y >= 0 && w >= 1 && h >= 1 && x + w <= 48, id + " " + pi + " on the grid");
        for (int[] c : cells) {
          boolean overlap = x < c[0] + c[2] && c[0] < x + w && y < c[1] + c[3] && c[1] < y + h;
          assertFalse(overlap, id + " " + pi + " overlaps another panel");
        }
        cells.add(new int[] {x, y, w, h});
        assertFalse(p.has("id"), id + " " + pi + " has no inline id");
        String type = p.path("type").asText();
        if (type.equals("visualization")) {
          JsonNode vis = p.path("embeddableConfig").path("savedVis");
          assertEquals("markdown", vis.path("type").asText(), id + " " + pi);
          String md = vis.path("params").path("markdown").asText();
          assertTrue(md.startsWith("**Definitions**"), id);
          assertFalse(md.contains("{{"), id + " placeholders substituted");
          markdown = true;
          continue;
        }
        assertTrue(Set.of("lens", "search").contains(type), id + " " + pi + " " + type);
        assertEquals("panel_" + pi, p.path("panelRefName").asText(), id + " " + pi);
        String refName = pi + ":" + p.path("panelRefName").asText();
        long n = 0;
        for (JsonNode r : d.path("references")) {
          if (r.path("name").asText().equals(refName)) {
            n++;
            assertEquals(type, r.path("type").asText(), id + " " + refName);
          }
        }
        assertEquals(1, n, id + " reference " + refName);
        usedRefs.add(refName);
        ObjectNode target = so.panelTarget(d, p);
        String title = target.path("attributes").path("title").asText();
        if (type.equals("lens")) assertTrue(title.matches(".*\\([^)]+\\).*"), id + ": panel title says its unit: " + title);
      }
      assertTrue(markdown, id + " has a definitions panel");
      JsonNode ctl = a.path("controlGroupInput");
      Set<String> controls = new HashSet<>();
      ctl.path("panelsJSON").fields().forEachRemaining(e -> {
        JsonNode c = e.getValue();
        assertEquals(e.getKey(), c.path("explicitInput").path("id").asText());
        controls.add(c.path("type").asText());
        if (!c.path("type").asText().equals("optionsListControl")) return;
        String refName = "controlGroup_" + e.getKey() + ":optionsListDataView";
        JsonNode ref = null;
        for (JsonNode r : d.path("references")) if (r.path("name").asText().equals(refName)) ref = r;
        assertNotNull(ref, id + " " + refName);
        usedRefs.add(refName);
        ObjectNode dv = so.get("index-pattern", ref.path("id").asText());
        assertTrue(kibanaTypes(dv).containsKey(c.path("explicitInput").path("fieldName").asText()), id + " control field");
      });
      assertEquals(Set.of("optionsListControl", "timeSlider"), controls, id);
      for (JsonNode r : d.path("references")) assertTrue(usedRefs.contains(r.path("name").asText()), id + " unused " + r);
    }
  }

  @Test
  void theCallsSearchShowsMappedColumnsSortedByTime() throws Exception {
    ObjectNode s = load().get("search", "callarchive-calls");
    assertNotNull(s);
    JsonNode a = s.path("attributes");
    Map<String, JsonNode> fields = FIELDS.get("callarchive-calls");
    for (JsonNode c : a.path("columns")) assertTrue(fields.containsKey(c.asText()), "column " + c);
    assertEquals(List.of("call.start", "caller.number", "callee.number", "call.answered", "call.duration_s",
        "hangup.cause.name", "quality.mos_min", "quality.loss_pct_max", "queue.name", "observer.name"),
        SavedObjects.JSON.convertValue(a.path("columns"), List.class));
    for (JsonNode srt : a.path("sort")) assertTrue(Mappings.aggregatable(fields.get(srt.path(0).asText())));
    String ref = a.path("kibanaSavedObjectMeta").path("searchSourceJSON").path("indexRefName").asText();
    assertEquals("kibanaSavedObjectMeta.searchSourceJSON.index", ref);
    assertEquals(ref, s.path("references").path(0).path("name").asText());
    assertFalse(a.has("tabs"));
  }

  @Test
  void thresholdsAreSettingsShownOnTheQueueDashboard() throws Exception {
    SavedObjects custom = SavedObjects.load(DIR, new DashboardSettings(30, 10));
    ObjectNode sl = custom.get("lens", "callarchive-lens-queue-service-level");
    String text = sl.toString();
    assertTrue(text.contains("queue.wait_s <= 30") && text.contains("queue.wait_s < 10"), text);
    assertTrue(sl.path("attributes").path("title").asText().contains("within 30 s"));
    String md = custom.get("dashboard", "callarchive-dash-queue").path("attributes").path("panelsJSON").toString();
    assertTrue(md.contains("T = 30 s") && md.contains("S = 10 s"), "the dashboard shows T and S");
    assertThrows(IllegalArgumentException.class, () -> new DashboardSettings(5, 5));
    assertThrows(IllegalArgumentException.class, () -> new DashboardSettings(0, 0));
  }

  @Test
  void thePackagedCopyIsTheFolder() throws Exception {
    // Maven copies dashboards/ into the classpath (target/classes) as it does index-templates/.
    SavedObjects packaged = SavedObjects.load(null, DashboardSettings.DEFAULTS);
    assertEquals(load().all(), packaged.all());
    try (var walk = Files.walk(DIR)) {
      assertEquals(walk.filter(p -> p.toString().endsWith(".json")).count(), packaged.all().size());
    }
  }
}
