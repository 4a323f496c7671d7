package io.callarchive.alert;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregate;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import io.callarchive.index.BulkIndexer;
import io.callarchive.index.Templates;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.model.Provenance;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch path of the alert rules: reads the documents of a time range back from the indices, in time order
 * (ties by id), feeds them to a fresh {@link AlertEngine} and ticks it once at the end of the range, so the
 * alerts carry the events' own times and equal those the live path raises on the same documents. Only the
 * documents some rule can match are read (each rule's {@code where} becomes a query: terms, ranges, exists; no
 * painless), with only the fields the rules use. Alerts already in {@code callarchive-alerts} (same id: same
 * rule, key and window) are neither written nor notified again, so running twice over a range adds nothing.
 * Documents of the alerts index are not read: the engine derives alerts about alerts (recidive) itself.
 */
public final class AlertRun {
  private static final Logger log = LoggerFactory.getLogger(AlertRun.class);
  private static final int PAGE = 5000;

  private AlertRun() {}

  /**
   * @param alerts every notice the rules gave over the range
   * @param added the notices that were new, written and notified now
   */
  public record Result(Instant from, Instant to, long documents, List<Alert> alerts, List<Alert> added,
      Map<String, Notifier.Counts> notifiers) {}

  /** Evaluates the rules over [from, to] and writes and notifies the new alerts. */
  public static Result run(ElasticsearchClient client, AlertConfig config, Instant from, Instant to, Path templates)
      throws IOException {
    // What was just written (an import that ended a moment ago, a stream) is searchable only after a refresh.
    client.indices().refresh(r -> r.index(IndexType.PREFIX + "*").ignoreUnavailable(true).allowNoIndices(true));
    List<Alert> all = new ArrayList<>();
    long docs;
    try (AlertEngine engine = new AlertEngine(config.rules(), all::add, null)) {
      docs = feed(client, config.rules(), from, to, engine::accept);
      engine.tick(to);
    }
    Set<String> present = present(client, all);
    List<Alert> added = all.stream().filter(a -> !present.contains(a.id())).toList();
    Map<String, Notifier.Counts> counts = Map.of();
    if (!added.isEmpty()) {
      new Templates(templates).install(client);
      try (BulkIndexer indexer = new BulkIndexer(client)) {
        Notifiers notifiers = new Notifiers(config, indexer, Clock.systemUTC());
        try {
          for (Alert a : added) notifiers.accept(a);
        } finally {
          notifiers.close(Duration.ofSeconds(60));
        }
        counts = notifiers.counts();
      }
    }
    log.info("Alert rules over {} .. {}: {} documents, {} notices, {} new", from, to, docs, all.size(), added.size());
    return new Result(from, to, docs, all, added, counts);
  }

  /**
   * After a batch import: evaluates the rules over the event-time range of what the import indexed (events
   * ingested since {@code importStarted}). Nothing imported, nothing evaluated (null).
   */
  public static Result afterImport(ElasticsearchClient client, AlertConfig config, Instant importStarted, Path templates)
      throws IOException {
    client.indices().refresh(r -> r.index(IndexType.PREFIX + "*").ignoreUnavailable(true).allowNoIndices(true));
    SearchResponse<Void> r = client.search(s -> s.index(IndexType.EVENTS.alias()).ignoreUnavailable(true)
        .allowNoIndices(true).size(0)
        .query(q -> q.range(g -> g.date(d -> d.field("event.ingested").gte(importStarted.toString()))))
        .aggregations("first", a -> a.min(m -> m.field("@timestamp")))
        .aggregations("last", a -> a.max(m -> m.field("@timestamp"))), Void.class);
    Aggregate first = r.aggregations().get("first");
    Aggregate last = r.aggregations().get("last");
    Double min = first == null ? null : first.min().value();
    Double max = last == null ? null : last.max().value();
    if (min == null || max == null || min.isInfinite() || max.isInfinite()) return null;
    Instant from = Instant.ofEpochMilli(min.longValue());
    // The date field keeps milliseconds; the last event may be later within its millisecond.
    Instant to = Instant.ofEpochMilli(max.longValue()).plusMillis(1);
    return run(client, config, from, to, templates);
  }

  /**
   * {@link #afterImport} for the import command: the import has succeeded whatever happens here, so a failure is
   * one line on {@code err} (and the log) saying how to run the rules later, never an exception.
   */
  public static void afterImport(
      ElasticsearchClient client, AlertConfig config, Instant importStarted, Path templates, java.io.PrintWriter err) {
    try {
      Result r = afterImport(client, config, importStarted, templates);
      if (r != null) {
        err.println("alerts: " + r.added().size() + " new over " + r.from() + " .. " + r.to() + " (callarchive alerts list)");
      }
    } catch (IOException | RuntimeException e) {
      log.error("The alert rules could not run after the import", e);
      err.println("callarchive import: the import is complete, but the alert rules could not run (" + e.getMessage()
          + "); run 'callarchive alerts run --from ... --to ...' over the imported range later");
    }
    err.flush();
  }

  /** Reads the documents some rule can match, in (time, id) order, and hands each to {@code sink}. */
  static long feed(ElasticsearchClient client, List<Rule> rules, Instant from, Instant to,
      java.util.function.Consumer<IndexDoc> sink) throws IOException {
    Set<IndexType> types = EnumSet.noneOf(IndexType.class);
    Set<String> fields = new LinkedHashSet<>();
    fields.add("@timestamp");
    List<Query> perRule = new ArrayList<>();
    for (Rule r : rules) {
      if (r.index() == IndexType.ALERTS) continue;
      types.add(r.index());
      fields.addAll(r.fields());
      List<Query> must = new ArrayList<>();
      String prefix = IndexType.PREFIX + r.index().typeName() + "-";
      must.add(Query.of(q -> q.prefix(p -> p.field("_index").value(prefix))));
      for (Condition c : r.where()) must.add(c.query());
      perRule.add(Query.of(q -> q.bool(b -> b.filter(must))));
    }
    List<String> indices = new ArrayList<>();
    for (IndexType t : types) {
      if (client.indices().exists(e -> e.index(t.alias())).value()) indices.add(t.alias());
    }
    if (indices.isEmpty()) return 0;
    Query query = Query.of(q -> q.bool(b -> b
        .filter(f -> f.range(g -> g.date(d -> d.field("@timestamp").gte(from.toString()).lte(to.toString()))))
        .should(perRule).minimumShouldMatch("1")));
    String pit = client.openPointInTime(p -> p.index(indices).keepAlive(k -> k.time("2m"))).id();
    long n = 0;
    List<IndexDoc> sameMillisecond = new ArrayList<>();
    long groupMillis = Long.MIN_VALUE;
    try {
      List<FieldValue> after = null;
      while (true) {
        final List<FieldValue> searchAfter = after;
        final String pitId = pit;
        @SuppressWarnings({"rawtypes", "unchecked"})
        SearchResponse<Map> page = client.search(s -> {
          s.pit(p -> p.id(pitId).keepAlive(k -> k.time("2m"))).size(PAGE).query(query).trackTotalHits(t -> t.enabled(false))
              .sort(o -> o.field(f -> f.field("@timestamp").order(SortOrder.Asc)))
              .sort(o -> o.field(f -> f.field("_shard_doc").order(SortOrder.Asc)))
              .source(src -> src.filter(f -> f.includes(new ArrayList<>(fields))));
          if (searchAfter != null) s.searchAfter(searchAfter);
          return s;
        }, Map.class);
        if (page.pitId() != null) pit = page.pitId();
        List<Hit<Map>> hits = page.hits().hits();
        if (hits.isEmpty()) break;
        for (Hit<Map> h : hits) {
          IndexDoc d = indexDoc(h);
          if (d == null) continue;
          long ms = h.sort().get(0).longValue();
          if (ms != groupMillis) {
            n += flush(sameMillisecond, sink);
            groupMillis = ms;
          }
          sameMillisecond.add(d);
        }
        after = hits.get(hits.size() - 1).sort();
      }
      n += flush(sameMillisecond, sink);
    } finally {
      final String pitId = pit;
      client.closePointInTime(c -> c.id(pitId));
    }
    return n;
  }

  /** The order both paths agree on: time (full precision), then id. */
  public static final Comparator<IndexDoc> ORDER =
      Comparator.comparing(IndexDoc::timestamp).thenComparing(IndexDoc::id);

  private static int flush(List<IndexDoc> group, java.util.function.Consumer<IndexDoc> sink) {
    group.sort(ORDER);
    for (IndexDoc d : group) sink.accept(d);
    int n = group.size();
    group.clear();
    return n;
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static IndexDoc indexDoc(Hit<Map> h) {
    String index = h.index();
    if (!index.startsWith(IndexType.PREFIX) || h.source() == null) return null;
    String rest = index.substring(IndexType.PREFIX.length());
    int dash = rest.lastIndexOf('-');
    String typeName = dash < 0 ? rest : rest.substring(0, dash);
    IndexType type;
    try {
      type = IndexType.valueOf(typeName.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
    Doc doc = new Doc((Map<String, Object>) h.source());
    Object ts = doc.get("@timestamp");
    if (ts == null) return null;
    Instant t;
    try {
      t = Instant.parse(ts.toString());
    } catch (java.time.format.DateTimeParseException e) {
      t = Instant.ofEpochMilli(h.sort().get(0).longValue());
    }
    return new IndexDoc(type, h.id(), t, doc, new byte[0], new Provenance(index, 0, 0));
  }

  /** Ids of the given alerts that the alerts index already holds. */
  private static Set<String> present(ElasticsearchClient client, List<Alert> alerts) throws IOException {
    Set<String> found = new HashSet<>();
    if (alerts.isEmpty()) return found;
    if (!client.indices().exists(e -> e.index(IndexType.ALERTS.alias())).value()) return found;
    client.indices().refresh(r -> r.index(IndexType.ALERTS.alias()));
    List<String> ids = alerts.stream().map(Alert::id).distinct().toList();
    for (int i = 0; i < ids.size(); i += 1000) {
      List<String> chunk = ids.subList(i, Math.min(ids.size(), i + 1000));
      SearchResponse<Void> r = client.search(s -> s.index(IndexType.ALERTS.alias()).size(chunk.size()).source(f -> f.fetch(false))
          .query(q -> q.ids(x -> x.values(chunk))), Void.class);
      for (Hit<Void> h : r.hits().hits()) found.add(h.id());
    }
    return found;
  }

  /** Recent alert notices, newest first, and the keys whose latest notice is not a recovery (still open). */
  public record Listing(List<Map<String, Object>> recent, List<Map<String, Object>> open) {}

  @SuppressWarnings({"rawtypes", "unchecked"})
  public static Listing list(ElasticsearchClient client, Instant since, int max) throws IOException {
    List<Map<String, Object>> recent = new ArrayList<>();
    List<Map<String, Object>> open = new ArrayList<>();
    if (!client.indices().exists(e -> e.index(IndexType.ALERTS.alias())).value()) return new Listing(recent, open);
    SearchResponse<Map> r = client.search(s -> s.index(IndexType.ALERTS.alias()).size(max)
        .query(q -> q.range(g -> g.date(d -> d.field("@timestamp").gte(since.toString()))))
        .sort(o -> o.field(f -> f.field("@timestamp").order(SortOrder.Desc)))
        .source(f -> f.filter(x -> x.includes("@timestamp", "alert.*"))), Map.class);
    Set<String> seen = new HashSet<>();
    for (Hit<Map> h : r.hits().hits()) {
      Map<String, Object> src = (Map<String, Object>) h.source();
      Map<String, Object> a = new java.util.LinkedHashMap<>();
      a.put("id", h.id());
      a.put("@timestamp", src.get("@timestamp"));
      Object alert = src.get("alert");
      if (alert instanceof Map<?, ?> m) ((Map<String, Object>) m).forEach(a::put);
      recent.add(a);
      String rk = a.get("rule") + "\u0000" + a.get("key");
      if (seen.add(rk) && !"recovered".equals(a.get("state"))) open.add(a);
    }
    return new Listing(recent, open);
  }
}
