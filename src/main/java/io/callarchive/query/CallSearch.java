package io.callarchive.query;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callarchive.model.IndexType;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds calls in {@code callarchive-calls} by party, cause, queue, PBX, time, answer and loss, newest first
 * ({@code callarchive calls}). Stateless; one search per call of {@link #run}.
 */
public final class CallSearch {
  /** The causes a {@code --cause} word may name (schema.md: {@code hangup.cause.category}). */
  static final List<String> CATEGORIES =
      List.of("answered", "busy", "no_answer", "rejected", "unavailable", "failure", "cancelled", "other");

  /**
   * What to look for; null means "any". {@code cause} is a category ({@code busy}), a Q.850 code ({@code 17}) or
   * a canonical cause name ({@code USER_BUSY}); {@code from}/{@code to} are ISO-8601 times or Elasticsearch date
   * math ({@code now-1d/d}), {@code to} exclusive.
   */
  public record Filter(
      String caller,
      String callee,
      String number,
      String cause,
      String queue,
      String pbx,
      String from,
      String to,
      Boolean answered,
      Double minLossPct,
      int limit) {
    public Filter {
      if (limit < 1 || limit > 10_000) throw new IllegalArgumentException("--limit must be between 1 and 10000, got " + limit);
      if (minLossPct != null && (minLossPct < 0 || minLossPct > 100)) {
        throw new IllegalArgumentException("--min-loss is a percentage between 0 and 100, got " + minLossPct);
      }
    }
  }

  public record Result(long total, List<JsonNode> calls) {}

  private final ElasticsearchClient es;

  public CallSearch(ElasticsearchClient es) {
    this.es = es;
  }

  public Result run(Filter f) throws IOException {
    List<Query> filters = new ArrayList<>();
    if (f.caller() != null) filters.add(term("caller.number", f.caller()));
    if (f.callee() != null) filters.add(term("callee.number", f.callee()));
    if (f.number() != null) {
      filters.add(Query.of(q -> q.bool(b -> b.should(term("caller.number", f.number()))
          .should(term("callee.number", f.number())).minimumShouldMatch("1"))));
    }
    if (f.cause() != null) filters.add(causeQuery(f.cause()));
    if (f.queue() != null) filters.add(term("queue.name", f.queue()));
    if (f.pbx() != null) filters.add(term("observer.name", f.pbx()));
    if (f.from() != null || f.to() != null) {
      filters.add(Query.of(q -> q.range(r -> r.date(d -> {
        d.field("call.start");
        if (f.from() != null) d.gte(f.from());
        if (f.to() != null) d.lt(f.to());
        return d;
      }))));
    }
    if (f.answered() != null) filters.add(Query.of(q -> q.term(t -> t.field("call.answered").value(f.answered()))));
    if (f.minLossPct() != null) {
      filters.add(Query.of(q -> q.range(r -> r.number(n -> n.field("quality.loss_pct_max").gte(f.minLossPct())))));
    }
    SearchResponse<JsonNode> r;
    try {
      r = es.search(s -> s.index(IndexType.CALLS.alias())
              .query(q -> q.bool(b -> b.filter(filters)))
              .sort(o -> o.field(x -> x.field("call.start").order(SortOrder.Desc)))
              .sort(o -> o.field(x -> x.field("call.id").order(SortOrder.Asc)))
              .source(src -> src.filter(sf -> sf.excludes("call.legs_detail")))
              .trackTotalHits(t -> t.enabled(true))
              .size(f.limit()),
          JsonNode.class);
    } catch (ElasticsearchException e) {
      throw Failures.of(e, f.from(), f.to());
    }
    List<JsonNode> calls = new ArrayList<>();
    for (Hit<JsonNode> h : r.hits().hits()) calls.add(h.source());
    return new Result(r.hits().total() == null ? calls.size() : r.hits().total().value(), calls);
  }

  static Query term(String field, String value) {
    return Query.of(q -> q.term(t -> t.field(field).value(value)));
  }

  static Query causeQuery(String cause) {
    String c = cause.strip();
    if (c.matches("\\d{1,3}")) {
      return Query.of(q -> q.term(t -> t.field("hangup.cause.q850").value(Integer.parseInt(c))));
    }
    String lower = c.toLowerCase(Locale.ROOT);
    if (CATEGORIES.contains(lower)) return term("hangup.cause.category", lower);
    if (c.matches("[A-Za-z_]+")) return term("hangup.cause.name", c.toUpperCase(Locale.ROOT));
    throw new IllegalArgumentException("--cause takes a category (" + String.join(", ", CATEGORIES)
        + "), a Q.850 code such as 17, or a cause name such as USER_BUSY; got " + cause);
  }

  // --- output ---

  static final String[] COLUMNS = {"start", "caller", "callee", "duration", "cause", "MOS", "queue", "PBX", "call id"};

  /** The readable table: one line per call, newest first, then how many matched. */
  public static void printTable(Result r, PrintWriter out) {
    List<String[]> rows = new ArrayList<>();
    rows.add(COLUMNS);
    for (JsonNode c : r.calls()) rows.add(row(c));
    Tables.print(rows, out);
    out.printf("%d of %d matching call%s%n", r.calls().size(), r.total(), r.total() == 1 ? "" : "s");
  }

  static String[] row(JsonNode c) {
    Double duration = Docs.number(c, "call.duration_s");
    Double mos = Docs.number(c, "quality.mos_min");
    String cause = Docs.text(c, "hangup.cause.category");
    String q850 = Docs.text(c, "hangup.cause.q850");
    return new String[] {
      Tables.time(Docs.text(c, "call.start")),
      Tables.orDash(Docs.text(c, "caller.number")),
      Tables.orDash(Docs.text(c, "callee.number")),
      duration == null ? "open" : String.format(Locale.ROOT, "%.1fs", duration),
      cause == null ? "-" : q850 == null ? cause : cause + " (" + q850 + ")",
      mos == null ? "-" : String.format(Locale.ROOT, "%.2f", mos),
      Tables.orDash(Docs.text(c, "queue.name")),
      Tables.orDash(Docs.text(c, "observer.name")),
      Tables.orDash(Docs.text(c, "call.id"))
    };
  }

  /** {@code {"total": N, "calls": [...]}} with the stored documents. */
  public static JsonNode toJson(Result r) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("total", r.total());
    ArrayNode a = o.putArray("calls");
    r.calls().forEach(a::add);
    return o;
  }
}
