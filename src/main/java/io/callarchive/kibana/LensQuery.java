package io.callarchive.kibana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One Lens layer turned into the Elasticsearch search Kibana runs for it (spec kibana-saved-objects §8: the
 * {@code esaggs} expression, metrics at the innermost level only) and the response turned back into the table
 * the panel shows, formulas included. Immutable; thread-safe.
 */
public final class LensQuery {
  /** Column types computed by Kibana after the search, from other columns. */
  static final Set<String> REFERENCE_BASED = Set.of("formula", "math", "overall_sum", "overall_min", "overall_max",
      "overall_average", "cumulative_sum", "differences", "moving_average", "counter_rate", "static_value");

  /** Fixed intervals a test or report may pick for {@code auto} (spec §8: any giving at most 100 buckets). */
  private static final List<String> INTERVALS = List.of("1m", "5m", "10m", "30m", "1h", "3h", "12h", "1d", "7d", "30d");

  private final String index;
  private final String timeField;
  private final JsonNode runtime;
  private final String query;
  private final Map<String, JsonNode> columns;
  private final List<String> buckets = new ArrayList<>();
  private final List<String> metrics = new ArrayList<>();
  private final List<String> order;

  /** The first (our panels have one) layer of a Lens object, with the data view it reads. */
  public LensQuery(ObjectNode lens, SavedObjects objects) {
    JsonNode layers = lens.path("attributes").path("state").path("datasourceStates").path("formBased").path("layers");
    if (!layers.fieldNames().hasNext()) throw new IllegalArgumentException(lens.path("id").asText() + " has no layer");
    String layerId = layers.fieldNames().next();
    JsonNode layer = layers.get(layerId);
    ObjectNode dv = objects.dataViewOfLayer(lens, layerId);
    if (dv == null) throw new IllegalArgumentException(lens.path("id").asText() + ": layer " + layerId + " has no data view");
    index = dv.path("attributes").path("title").asText();
    timeField = dv.path("attributes").path("timeFieldName").asText(null);
    runtime = dv.path("attributes").path("runtimeFieldMap");
    query = lens.path("attributes").path("state").path("query").path("query").asText("");
    columns = new LinkedHashMap<>();
    List<String> ord = new ArrayList<>();
    for (JsonNode id : layer.path("columnOrder")) {
      String c = id.asText();
      JsonNode col = layer.path("columns").path(c);
      columns.put(c, col);
      ord.add(c);
      if (REFERENCE_BASED.contains(col.path("operationType").asText())) continue;
      (col.path("isBucketed").asBoolean() ? buckets : metrics).add(c);
    }
    order = List.copyOf(ord);
  }

  public String index() {
    return index;
  }

  /** The search body for the time range, with an optional extra KQL query (the dashboard's). */
  public ObjectNode request(Instant from, Instant to, String dashboardQuery) {
    ObjectNode body = SavedObjects.JSON.createObjectNode();
    body.put("size", 0);
    body.put("track_total_hits", true);
    if (runtime.isObject() && !runtime.isEmpty()) body.set("runtime_mappings", runtime.deepCopy());
    ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
    // Kibana filters time on the date-histogram fields when the layer has one, else on the data view's field.
    String tf = timeField;
    for (String b : buckets) {
      if (columns.get(b).path("operationType").asText().equals("date_histogram")) {
        tf = columns.get(b).path("sourceField").asText();
      }
    }
    if (tf != null) {
      ObjectNode r = filter.addObject().putObject("range").putObject(tf);
      r.put("gte", from.toString());
      r.put("lte", to.toString());
      r.put("format", "strict_date_optional_time");
    }
    for (String q : new String[] {query, dashboardQuery}) {
      ObjectNode dsl = Kql.parse(q).dsl();
      if (dsl != null) filter.add(dsl);
    }
    ObjectNode level = body;
    for (String b : buckets) {
      ObjectNode agg = bucketAgg(b, from, to);
      aggsOf(level).set(agg(b), agg);
      level = agg;
    }
    ObjectNode metricParent = aggsOf(level);
    for (String m : metrics) {
      ObjectNode a = metricAgg(m);
      if (a != null) metricParent.set(agg(m), a);
    }
    if (metricParent.isEmpty()) level.remove("aggs");
    return body;
  }

  /** Aggregation names apart from the response's own keys ({@code key}, {@code doc_count}, ...). */
  private static String agg(String columnId) {
    return "c_" + columnId;
  }

  private static ObjectNode aggsOf(ObjectNode agg) {
    return agg.has("aggs") ? (ObjectNode) agg.get("aggs") : agg.putObject("aggs");
  }

  private ObjectNode bucketAgg(String id, Instant from, Instant to) {
    JsonNode c = columns.get(id);
    JsonNode p = c.path("params");
    ObjectNode agg = SavedObjects.JSON.createObjectNode();
    switch (c.path("operationType").asText()) {
      case "terms" -> {
        ObjectNode t = agg.putObject("terms");
        t.put("field", c.path("sourceField").asText());
        t.put("size", p.path("size").asInt(10));
        String dir = p.path("orderDirection").asText("desc");
        JsonNode orderBy = p.path("orderBy");
        if (orderBy.path("type").asText().equals("column")) {
          String target = orderBy.path("columnId").asText();
          JsonNode tc = columns.get(target);
          if (tc.path("operationType").asText().equals("count") && !tc.has("filter")) {
            t.putObject("order").put("_count", dir);
          } else {
            // Sorting needs the metric beside the terms (spec §8); under the innermost bucket it is there anyway.
            String name = "order_" + target;
            aggsOf(agg).set(name, metricAgg(target));
            // A filtered count is a single-bucket aggregation: ES orders by its doc_count.
            boolean filteredMetric = tc.has("filter") && !tc.path("operationType").asText().equals("count");
            t.putObject("order").put(name + (filteredMetric ? ">m" : ""), dir);
          }
        } else {
          t.putObject("order").put("_key", orderBy.path("type").asText().equals("alphabetical") ? dir : "asc");
        }
        if (p.path("missingBucket").asBoolean()) t.put("missing", "__missing__");
      }
      case "date_histogram" -> {
        ObjectNode h = agg.putObject("date_histogram");
        h.put("field", c.path("sourceField").asText());
        String interval = p.path("interval").asText("auto");
        if (interval.equals("auto")) interval = autoInterval(from, to);
        h.put(interval.matches("\\d*[wMqy]") ? "calendar_interval" : "fixed_interval", interval);
        h.put("time_zone", "UTC");
        if (p.path("includeEmptyRows").asBoolean()) {
          h.put("min_doc_count", 0);
          ObjectNode eb = h.putObject("extended_bounds");
          eb.put("min", from.toEpochMilli());
          eb.put("max", to.toEpochMilli());
        }
      }
      case "range" -> {
        if (!p.path("type").asText().equals("range")) {
          throw new IllegalArgumentException("column " + id + ": only explicit ranges are supported, not histograms");
        }
        ObjectNode r = agg.putObject("range");
        r.put("field", c.path("sourceField").asText());
        ArrayNode rs = r.putArray("ranges");
        for (JsonNode x : p.path("ranges")) {
          ObjectNode o = rs.addObject();
          if (x.has("from")) o.set("from", x.get("from"));
          if (x.has("to")) o.set("to", x.get("to"));
          o.put("key", x.path("label").asText());
        }
      }
      case "filters" -> {
        ObjectNode fs = agg.putObject("filters").putObject("filters");
        for (JsonNode x : p.path("filters")) {
          ObjectNode dsl = Kql.parse(x.path("input").path("query").asText()).dsl();
          if (dsl == null) {
            dsl = SavedObjects.JSON.createObjectNode();
            dsl.putObject("match_all");
          }
          fs.set(x.path("label").asText(), dsl);
        }
      }
      default -> throw new IllegalArgumentException("column " + id + ": unsupported bucket operation "
          + c.path("operationType").asText());
    }
    return agg;
  }

  /** The interval Kibana's auto would approach: the finest of ours giving at most 100 buckets. */
  static String autoInterval(Instant from, Instant to) {
    long span = Duration.between(from, to).toMillis();
    for (String i : INTERVALS) if (span / millis(i) <= 100) return i;
    return "30d";
  }

  private static long millis(String interval) {
    long n = Long.parseLong(interval.replaceAll("\\D", ""));
    return n * switch (interval.replaceAll("\\d", "")) {
      case "m" -> 60_000L;
      case "h" -> 3_600_000L;
      default -> 86_400_000L;
    };
  }

  /** The aggregation of a metric column, wrapped in a filter when the column has its own KQL; null for a plain count. */
  private ObjectNode metricAgg(String id) {
    JsonNode c = columns.get(id);
    String op = c.path("operationType").asText();
    String field = c.path("sourceField").asText();
    ObjectNode m = SavedObjects.JSON.createObjectNode();
    switch (op) {
      case "count" -> {
        if (!field.equals("___records___")) m.putObject("value_count").put("field", field);
        else m = null;
      }
      case "average" -> m.putObject("avg").put("field", field);
      case "sum", "min", "max" -> m.putObject(op).put("field", field);
      case "unique_count" -> m.putObject("cardinality").put("field", field);
      case "median" -> percentiles(m, field, 50);
      case "percentile" -> percentiles(m, field, c.path("params").path("percentile").asDouble(95));
      case "last_value" -> {
        ObjectNode th = m.putObject("top_hits");
        th.put("size", 1);
        th.putArray("sort").addObject().putObject(c.path("params").path("sortField").asText("@timestamp"))
            .put("order", "desc");
        th.put("_source", false);
        th.putArray("fields").add(field);
      }
      default -> throw new IllegalArgumentException("column " + id + ": unsupported metric operation " + op);
    }
    if (!c.has("filter")) return m;
    ObjectNode wrapped = SavedObjects.JSON.createObjectNode();
    ObjectNode dsl = Kql.parse(c.path("filter").path("query").asText()).dsl();
    if (dsl == null) {
      dsl = SavedObjects.JSON.createObjectNode();
      dsl.putObject("match_all");
    }
    wrapped.set("filter", dsl);
    if (m != null) wrapped.putObject("aggs").set("m", m);
    return wrapped;
  }

  private static void percentiles(ObjectNode m, String field, double p) {
    ObjectNode pc = m.putObject("percentiles");
    pc.put("field", field);
    pc.putArray("percents").add(p);
  }

  /** The rows of the panel from the search response. */
  public Table read(JsonNode response) {
    List<Map<String, Object>> rows = new ArrayList<>();
    walk(response.path("aggregations"), 0, new LinkedHashMap<>(), rows,
        response.path("hits").path("total").path("value").asLong());
    computeReferences(rows);
    List<Table.Column> cols = new ArrayList<>();
    for (String id : visible()) {
      JsonNode c = columns.get(id);
      String format = c.path("params").path("format").path("id").asText(null);
      if (format == null) {
        format = switch (c.path("dataType").asText()) {
          case "date" -> "date";
          case "number" -> "number";
          default -> "string";
        };
      }
      if (c.path("operationType").asText().equals("date_histogram")) format = "date";
      cols.add(new Table.Column(id, c.path("label").asText(id), format));
    }
    List<List<Object>> out = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      List<Object> line = new ArrayList<>();
      for (Table.Column c : cols) line.add(r.get(c.id()));
      out.add(line);
    }
    return new Table(List.copyOf(cols), out);
  }

  /** Column ids a user sees: the layer's columns without the hidden parts of formulas, in column order. */
  List<String> visible() {
    java.util.Set<String> hidden = new java.util.HashSet<>();
    for (JsonNode c : columns.values()) {
      if (!c.path("operationType").asText().equals("formula")) continue;
      List<String> stack = new ArrayList<>();
      c.path("references").forEach(r -> stack.add(r.asText()));
      while (!stack.isEmpty()) {
        String x = stack.remove(stack.size() - 1);
        hidden.add(x);
        columns.getOrDefault(x, SavedObjects.JSON.createObjectNode()).path("references")
            .forEach(r -> stack.add(r.asText()));
      }
    }
    List<String> v = new ArrayList<>();
    for (String id : order) if (!hidden.contains(id)) v.add(id);
    // Buckets first, as Kibana's tables show them.
    v.sort((a, b) -> Boolean.compare(!columns.get(a).path("isBucketed").asBoolean(),
        !columns.get(b).path("isBucketed").asBoolean()));
    return v;
  }

  private void walk(JsonNode node, int depth, Map<String, Object> keys, List<Map<String, Object>> rows, long total) {
    if (depth == buckets.size()) {
      Map<String, Object> row = new HashMap<>(keys);
      for (String m : metrics) row.put(m, metricValue(m, node, depth == 0 ? total : node.path("doc_count").asLong()));
      rows.add(row);
      return;
    }
    String id = buckets.get(depth);
    JsonNode agg = node.path(agg(id));
    JsonNode bs = agg.path("buckets");
    if (bs.isObject()) {
      // filters: keyed by label; keep the order the panel defines.
      for (JsonNode f : columns.get(id).path("params").path("filters")) {
        String label = f.path("label").asText();
        Map<String, Object> k = new LinkedHashMap<>(keys);
        k.put(id, label);
        walk(bs.path(label), depth + 1, k, rows, total);
      }
      return;
    }
    boolean date = columns.get(id).path("operationType").asText().equals("date_histogram");
    for (JsonNode b : bs) {
      Map<String, Object> k = new LinkedHashMap<>(keys);
      Object key;
      if (date) key = Instant.ofEpochMilli(b.path("key").asLong()).toString();
      else if (b.has("key_as_string") && columns.get(id).path("dataType").asText().equals("boolean")) {
        key = b.path("key_as_string").asText();
      } else key = scalar(b.path("key"));
      k.put(id, key);
      walk(b, depth + 1, k, rows, total);
    }
  }

  private Object metricValue(String id, JsonNode bucket, long docCount) {
    JsonNode c = columns.get(id);
    String op = c.path("operationType").asText();
    JsonNode a = bucket.path(agg(id));
    if (c.has("filter")) {
      if (op.equals("count") && c.path("sourceField").asText().equals("___records___")) return a.path("doc_count").asLong();
      a = a.path("m");
    }
    return switch (op) {
      case "count" -> c.path("sourceField").asText().equals("___records___") ? (Object) docCount : number(a.path("value"));
      case "median", "percentile" -> {
        JsonNode values = a.path("values");
        yield values.fieldNames().hasNext() ? number(values.get(values.fieldNames().next())) : null;
      }
      case "last_value" -> {
        JsonNode hits = a.path("hits").path("hits");
        if (hits.isEmpty()) yield null;
        JsonNode v = hits.get(0).path("fields").path(c.path("sourceField").asText());
        if (!v.isArray() || v.isEmpty()) yield null;
        List<String> parts = new ArrayList<>();
        v.forEach(x -> parts.add(x.asText()));
        yield String.join(", ", parts);
      }
      case "min", "max" -> c.path("dataType").asText().equals("date")
          ? (a.has("value_as_string") ? Instant.ofEpochMilli(a.path("value").asLong()).toString() : null)
          : number(a.path("value"));
      case "unique_count" -> a.path("value").isNull() ? null : (Object) a.path("value").asLong();
      default -> number(a.path("value"));
    };
  }

  private static Object number(JsonNode v) {
    return v == null || v.isNull() || v.isMissingNode() ? null : v.asDouble();
  }

  private static Object scalar(JsonNode v) {
    if (v.isIntegralNumber()) return v.asLong();
    if (v.isNumber()) return v.asDouble();
    return v.asText();
  }

  /** overall_* over all rows, then math per row, then each formula takes its math column's value. */
  private void computeReferences(List<Map<String, Object>> rows) {
    for (Map.Entry<String, JsonNode> e : columns.entrySet()) {
      String op = e.getValue().path("operationType").asText();
      if (!op.startsWith("overall_")) continue;
      String ref = e.getValue().path("references").path(0).asText();
      Double acc = null;
      for (Map<String, Object> r : rows) {
        Double v = toDouble(r.get(ref));
        if (v == null) continue;
        acc = acc == null ? v : switch (op) {
          case "overall_sum", "overall_average" -> acc + v;
          case "overall_min" -> Math.min(acc, v);
          case "overall_max" -> Math.max(acc, v);
          default -> throw new IllegalArgumentException("unsupported " + op);
        };
      }
      if (op.equals("overall_average") && acc != null) {
        acc = acc / rows.stream().filter(r -> r.get(ref) != null).count();
      }
      for (Map<String, Object> r : rows) r.put(e.getKey(), acc);
    }
    for (Map<String, Object> r : rows) {
      for (Map.Entry<String, JsonNode> e : columns.entrySet()) {
        if (e.getValue().path("operationType").asText().equals("math")) {
          r.put(e.getKey(), Tinymath.eval(e.getValue().path("params").path("tinymathAst"), x -> toDouble(r.get(x))));
        }
      }
      for (Map.Entry<String, JsonNode> e : columns.entrySet()) {
        if (e.getValue().path("operationType").asText().equals("formula")) {
          r.put(e.getKey(), r.get(e.getValue().path("references").path(0).asText()));
        }
      }
    }
  }

  private static Double toDouble(Object o) {
    return o instanceof Number n ? n.doubleValue() : null;
  }
}
