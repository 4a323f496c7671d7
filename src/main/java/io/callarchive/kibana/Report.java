package io.callarchive.kibana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The dashboards without Kibana: every panel computed from its saved object (a Lens layer translated by
 * {@link LensQuery}, a saved search run as a search) over a time range, as tables. Stateless; thread-safe when the
 * searcher is.
 */
public final class Report {
  /** Rows of a saved-search panel: the most recent ones, as Discover's first page would show them. */
  static final int SEARCH_ROWS = 10;

  /** Runs a search body on an index expression and returns the response JSON. */
  public interface Searcher {
    JsonNode search(String index, ObjectNode body) throws IOException;
  }

  /** @param kind {@code lens}, {@code search} or {@code markdown} (no table) */
  public record Panel(String panelIndex, String title, String kind, String objectId, Table table) {}

  public record Dashboard(String id, String name, String title, List<Panel> panels) {
    /** The panel showing that saved object (e.g. {@code callarchive-lens-calls-asr}), or null. */
    public Panel panel(String objectId) {
      return panels.stream().filter(p -> objectId.equals(p.objectId())).findFirst().orElse(null);
    }
  }

  private Report() {}

  /**
   * Computes the dashboards whose short name or title is {@code only} (every dashboard when null).
   *
   * @throws IllegalArgumentException when no dashboard has that name
   */
  public static List<Dashboard> run(SavedObjects objects, Searcher es, Instant from, Instant to, String only)
      throws IOException {
    List<Dashboard> out = new ArrayList<>();
    for (ObjectNode d : objects.dashboards()) {
      String name = SavedObjects.shortName(d);
      String title = d.path("attributes").path("title").asText();
      if (only != null && !only.equalsIgnoreCase(name) && !only.equalsIgnoreCase(title)) continue;
      out.add(dashboard(objects, es, d, from, to));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no dashboard named " + only + "; there are "
          + objects.dashboards().stream().map(SavedObjects::shortName).toList());
    }
    return out;
  }

  static Dashboard dashboard(SavedObjects objects, Searcher es, ObjectNode d, Instant from, Instant to)
      throws IOException {
    JsonNode attrs = d.path("attributes");
    String dashQuery = attrs.path("kibanaSavedObjectMeta").path("searchSourceJSON").path("query").path("query").asText("");
    List<Panel> panels = new ArrayList<>();
    for (JsonNode p : attrs.path("panelsJSON")) {
      String pi = p.path("panelIndex").asText();
      String type = p.path("type").asText();
      if (!p.has("panelRefName")) {
        panels.add(new Panel(pi, p.path("title").asText("Definitions"), "markdown", null, null));
        continue;
      }
      ObjectNode target = objects.panelTarget(d, p);
      if (target == null) throw new IllegalStateException(d.path("id").asText() + " panel " + pi + " has no target");
      String title = target.path("attributes").path("title").asText();
      String id = target.path("id").asText();
      Table t;
      if (type.equals("lens")) {
        LensQuery q = new LensQuery(target, objects);
        t = q.read(es.search(q.index(), q.request(from, to, dashQuery)));
      } else if (type.equals("search")) {
        t = savedSearch(objects, es, target, from, to, dashQuery);
      } else {
        throw new IllegalStateException("panel " + pi + " of " + d.path("id").asText() + " has type " + type);
      }
      panels.add(new Panel(pi, title, type, id, t));
    }
    return new Dashboard(d.path("id").asText(), SavedObjects.shortName(d), attrs.path("title").asText(), panels);
  }

  /** The first page of a saved search: its columns, sorted as it says, newest first by default. */
  static Table savedSearch(SavedObjects objects, Searcher es, ObjectNode search, Instant from, Instant to,
      String dashQuery) throws IOException {
    JsonNode a = search.path("attributes");
    ObjectNode dv = null;
    for (JsonNode r : search.path("references")) {
      if (r.path("name").asText().equals("kibanaSavedObjectMeta.searchSourceJSON.index")) {
        dv = objects.get("index-pattern", r.path("id").asText());
      }
    }
    if (dv == null) throw new IllegalStateException(search.path("id").asText() + " has no data view");
    ObjectNode body = SavedObjects.JSON.createObjectNode();
    body.put("size", SEARCH_ROWS);
    body.put("_source", false);
    ArrayNode fields = body.putArray("fields");
    List<Table.Column> cols = new ArrayList<>();
    for (JsonNode c : a.path("columns")) {
      fields.add(c.asText());
      cols.add(new Table.Column(c.asText(), c.asText(), "string"));
    }
    ArrayNode sort = body.putArray("sort");
    for (JsonNode s : a.path("sort")) sort.addObject().put(s.path(0).asText(), s.path(1).asText("desc"));
    ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
    String tf = dv.path("attributes").path("timeFieldName").asText(null);
    if (tf != null) {
      ObjectNode r = filter.addObject().putObject("range").putObject(tf);
      r.put("gte", from.toString());
      r.put("lte", to.toString());
      r.put("format", "strict_date_optional_time");
    }
    String q = a.path("kibanaSavedObjectMeta").path("searchSourceJSON").path("query").path("query").asText("");
    for (String k : new String[] {q, dashQuery}) {
      ObjectNode dsl = Kql.parse(k).dsl();
      if (dsl != null) filter.add(dsl);
    }
    JsonNode resp = es.search(dv.path("attributes").path("title").asText(), body);
    List<List<Object>> rows = new ArrayList<>();
    for (JsonNode hit : resp.path("hits").path("hits")) {
      List<Object> row = new ArrayList<>();
      for (Table.Column c : cols) {
        JsonNode v = hit.path("fields").path(c.id());
        if (!v.isArray() || v.isEmpty()) {
          row.add(null);
        } else {
          List<String> parts = new ArrayList<>();
          v.forEach(x -> parts.add(x.asText()));
          row.add(String.join(", ", parts));
        }
      }
      rows.add(row);
    }
    return new Table(cols, rows);
  }

  /** Tables for a terminal; rows of a time series whose values are all zero or empty are left out. */
  public static String text(List<Dashboard> dashboards, Instant from, Instant to) {
    StringBuilder sb = new StringBuilder();
    for (Dashboard d : dashboards) {
      sb.append("== ").append(d.title()).append("  (").append(from).append(" .. ").append(to).append(")\n\n");
      for (Panel p : d.panels()) {
        if (p.table() == null) continue;
        sb.append("-- ").append(p.title()).append('\n');
        table(sb, p.table());
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  private static void table(StringBuilder sb, Table t) {
    List<String[]> lines = new ArrayList<>();
    String[] head = t.columns().stream().map(Table.Column::label).toArray(String[]::new);
    lines.add(head);
    boolean hasDateBucket = !t.columns().isEmpty() && t.columns().stream().anyMatch(c -> c.format().equals("date"));
    for (List<Object> r : t.rows()) {
      if (hasDateBucket && emptyValues(t, r)) continue;
      String[] line = new String[r.size()];
      for (int i = 0; i < r.size(); i++) line[i] = format(r.get(i), t.columns().get(i).format());
      lines.add(line);
    }
    if (lines.size() == 1) {
      sb.append("   (no data)\n");
      return;
    }
    int[] w = new int[head.length];
    for (String[] l : lines) for (int i = 0; i < l.length; i++) w[i] = Math.max(w[i], Math.min(l[i].length(), 48));
    for (String[] l : lines) {
      sb.append("  ");
      for (int i = 0; i < l.length; i++) {
        String cell = l[i].length() > 48 ? l[i].substring(0, 45) + "..." : l[i];
        sb.append(' ').append(cell).append(" ".repeat(w[i] - cell.length())).append(' ');
      }
      sb.append('\n');
    }
  }

  private static boolean emptyValues(Table t, List<Object> r) {
    for (int i = 0; i < r.size(); i++) {
      String f = t.columns().get(i).format();
      Object v = r.get(i);
      if (f.equals("date") || f.equals("string")) continue;
      if (v instanceof Number n && n.doubleValue() != 0) return false;
    }
    return true;
  }

  static String format(Object v, String format) {
    if (v == null) return "-";
    if (v instanceof Number n) {
      double d = n.doubleValue();
      if (format.equals("percent")) return String.format(Locale.ROOT, "%.1f %%", d * 100);
      if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
      return String.format(Locale.ROOT, "%.2f", d);
    }
    return v.toString();
  }

  /** The same as JSON: raw values (ratios as ratios, instants as ISO-8601 text). */
  public static ObjectNode json(List<Dashboard> dashboards, Instant from, Instant to) {
    ObjectNode root = SavedObjects.JSON.createObjectNode();
    root.put("from", from.toString());
    root.put("to", to.toString());
    ArrayNode ds = root.putArray("dashboards");
    for (Dashboard d : dashboards) {
      ObjectNode dn = ds.addObject();
      dn.put("id", d.id());
      dn.put("name", d.name());
      dn.put("title", d.title());
      ArrayNode ps = dn.putArray("panels");
      for (Panel p : d.panels()) {
        if (p.table() == null) continue;
        ObjectNode pn = ps.addObject();
        pn.put("panel", p.panelIndex());
        pn.put("object", p.objectId());
        pn.put("type", p.kind());
        pn.put("title", p.title());
        ArrayNode cols = pn.putArray("columns");
        for (Table.Column c : p.table().columns()) {
          ObjectNode cn = cols.addObject();
          cn.put("id", c.id());
          cn.put("label", c.label());
          cn.put("format", c.format());
        }
        ArrayNode rows = pn.putArray("rows");
        for (List<Object> r : p.table().rows()) rows.add(SavedObjects.JSON.valueToTree(r));
      }
    }
    return root;
  }
}
