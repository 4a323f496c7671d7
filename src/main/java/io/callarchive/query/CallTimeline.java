package io.callarchive.query;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callarchive.model.IndexType;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything the archive holds about one call ({@code callarchive call ID}): the summary document found by any of
 * its keys ({@code call.keys}: Uniqueid, Linkedid, Call-ID, channel UUID, seance; or its {@code call.id} or
 * {@code _id}), every event of every leg in time order, queue stays, RTCP reports summarised per leg and
 * direction, charges, and the dead letters that name one of its keys. Stateless; a handful of searches per call.
 */
public final class CallTimeline {
  /** The most events, reports or charges read for one call (Elasticsearch's default result window). */
  static final int MAX_DOCS = 10_000;

  public record Timeline(
      String key,
      JsonNode call,
      List<JsonNode> otherCalls,
      Set<String> keys,
      List<JsonNode> events,
      List<JsonNode> queueStays,
      List<JsonNode> qualityReports,
      JsonNode callQuality,
      List<JsonNode> charges,
      List<JsonNode> deadLetters) {}

  private final ElasticsearchClient es;

  public CallTimeline(ElasticsearchClient es) {
    this.es = es;
  }

  /** The timeline of the call that has {@code key}, optionally on one PBX; throws when no call or event has it. */
  public Timeline find(String key, String pbx) throws IOException {
    String k = key.strip();
    if (k.isEmpty()) throw new IllegalArgumentException("give the call's id or one of its keys (Uniqueid, Linkedid, Call-ID, UUID)");
    List<JsonNode> calls = callsWithKey(k, pbx);
    String observer = pbx;
    if (calls.isEmpty()) {
      // The key may be one the summary does not list (an event's own call.id or channel.id): go through an event.
      List<JsonNode> ev = search(IndexType.EVENTS, keyQuery(Set.of(k), pbx, "call.id", "channel.id"), 1, false);
      if (!ev.isEmpty()) {
        String callId = Docs.text(ev.get(0), "call.id");
        observer = Docs.text(ev.get(0), "observer.name");
        if (callId != null) calls = callsWithKey(callId, observer);
      }
    }
    JsonNode call = calls.isEmpty() ? null : calls.get(0);
    Set<String> keys = new LinkedHashSet<>();
    keys.add(k);
    if (call != null) {
      observer = Docs.text(call, "observer.name");
      String id = Docs.text(call, "call.id");
      if (id != null) keys.add(id);
      keys.addAll(Docs.texts(call, "call.keys"));
    }
    List<JsonNode> events = search(IndexType.EVENTS, keyQuery(keys, observer, "call.id", "channel.id"), MAX_DOCS, true);
    if (call == null && events.isEmpty()) {
      throw new IllegalArgumentException("no call has the key " + k + (pbx != null ? " on " + pbx : "")
          + " (give a call id, Uniqueid, Linkedid, Call-ID or channel UUID that 'callarchive calls' shows)");
    }
    List<JsonNode> queue = search(IndexType.QUEUE, keyQuery(keys, observer, "call.id", "queue.keys"), MAX_DOCS, true);
    List<JsonNode> quality = search(IndexType.QUALITY, keyQuery(keys, observer, "call.id"), MAX_DOCS, true);
    List<JsonNode> reports = new ArrayList<>();
    JsonNode callQuality = null;
    for (JsonNode q : quality) {
      if ("call".equals(Docs.text(q, "quality.kind"))) callQuality = q;
      else reports.add(q);
    }
    List<JsonNode> charges = search(IndexType.CHARGES, keyQuery(keys, observer, "call.id"), MAX_DOCS, true);
    List<JsonNode> letters = deadLetters(keys, events);
    return new Timeline(k, call, calls.size() > 1 ? calls.subList(1, calls.size()) : List.of(), keys, events, queue,
        reports, callQuality, charges, letters);
  }

  private List<JsonNode> callsWithKey(String k, String pbx) throws IOException {
    List<Query> should = List.of(
        CallSearch.term("call.keys", k), CallSearch.term("call.id", k), Query.of(q -> q.ids(i -> i.values(k))));
    Query q = Query.of(x -> x.bool(b -> {
      b.should(should).minimumShouldMatch("1");
      if (pbx != null) b.filter(CallSearch.term("observer.name", pbx));
      return b;
    }));
    try {
      List<JsonNode> out = new ArrayList<>();
      for (Hit<JsonNode> h : es.search(s -> s.index(IndexType.CALLS.alias()).query(q).size(20)
          .sort(o -> o.field(f -> f.field("call.start").order(SortOrder.Desc))), JsonNode.class).hits().hits()) {
        out.add(h.source());
      }
      return out;
    } catch (ElasticsearchException e) {
      throw Failures.of(e, null, null);
    }
  }

  private static Query keyQuery(Set<String> keys, String observer, String... fields) {
    List<FieldValue> values = keys.stream().map(FieldValue::of).toList();
    return Query.of(x -> x.bool(b -> {
      for (String f : fields) b.should(s -> s.terms(t -> t.field(f).terms(v -> v.value(values))));
      b.minimumShouldMatch("1");
      if (observer != null) b.filter(CallSearch.term("observer.name", observer));
      return b;
    }));
  }

  private List<JsonNode> search(IndexType type, Query q, int size, boolean timeOrder) throws IOException {
    try {
      List<JsonNode> out = new ArrayList<>();
      var r = es.search(s -> {
        s.index(type.alias()).query(q).size(size).ignoreUnavailable(true).allowNoIndices(true);
        if (timeOrder) {
          s.sort(o -> o.field(f -> f.field("@timestamp").order(SortOrder.Asc)));
          s.sort(o -> o.field(f -> f.field("log.offset").order(SortOrder.Asc).unmappedType(
              co.elastic.clients.elasticsearch._types.mapping.FieldType.Long)));
        }
        return s;
      }, JsonNode.class);
      for (Hit<JsonNode> h : r.hits().hits()) out.add(h.source());
      return out;
    } catch (ElasticsearchException e) {
      throw Failures.of(e, null, null);
    }
  }

  /**
   * Dead letters have no parsed fields to search by: those read from the files of this call's events, between the
   * first and last of its offsets there, whose bytes name one of its keys; and any that carry its call id.
   */
  private List<JsonNode> deadLetters(Set<String> keys, List<JsonNode> events) throws IOException {
    Map<String, long[]> ranges = new TreeMap<>();
    for (JsonNode e : events) {
      String file = Docs.text(e, "log.file.path");
      Double off = Docs.number(e, "log.offset");
      if (file == null || off == null) continue;
      long o = off.longValue();
      ranges.merge(file, new long[] {o, o}, (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
    }
    List<Query> should = new ArrayList<>();
    should.add(Query.of(x -> x.terms(t -> t.field("call.id").terms(v -> v.value(keys.stream().map(FieldValue::of).toList())))));
    for (Map.Entry<String, long[]> r : ranges.entrySet()) {
      should.add(Query.of(x -> x.bool(b -> b.filter(CallSearch.term("log.file.path", r.getKey()))
          .filter(f -> f.range(g -> g.number(n -> n.field("log.offset").gte((double) r.getValue()[0]).lte((double) r.getValue()[1])))))));
    }
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode d : search(IndexType.DEADLETTER, Query.of(x -> x.bool(b -> b.should(should).minimumShouldMatch("1"))), 1000, true)) {
      String original = Docs.text(d, "event.original");
      boolean named = keys.contains(Docs.text(d, "call.id"))
          || original != null && keys.stream().anyMatch(original::contains);
      if (named) out.add(d);
    }
    return out;
  }

  // --- output ---

  /** The timeline as text: events with their offset from the first, then stays, quality, charges, summary. */
  public static void print(Timeline t, PrintWriter out) {
    JsonNode c = t.call();
    if (c != null) {
      out.printf("call %s on %s: %s -> %s, %s%n", Docs.text(c, "call.id"), Tables.orDash(Docs.text(c, "observer.name")),
          Tables.orDash(Docs.text(c, "caller.number")), Tables.orDash(Docs.text(c, "callee.number")),
          Boolean.TRUE.equals(bool(c, "call.answered")) ? "answered" : "not answered");
    } else {
      out.printf("no summary document for %s (events only)%n", t.key());
    }
    if (!t.otherCalls().isEmpty()) {
      out.printf("(%d other call(s) share the key %s, e.g. on %s: give --pbx to choose)%n", t.otherCalls().size(),
          t.key(), Docs.text(t.otherCalls().get(0), "observer.name"));
    }
    Map<String, String> legNames = legNames(c);
    Instant first = t.events().isEmpty() ? null : instant(Docs.text(t.events().get(0), "@timestamp"));
    out.printf("%nevents (%d%s)%n", t.events().size(), t.events().size() >= MAX_DOCS ? ", first " + MAX_DOCS + " only" : "");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"offset", "time", "leg", "event", "details"});
    List<JsonNode> transfers = new ArrayList<>();
    for (JsonNode e : t.events()) {
      Instant at = instant(Docs.text(e, "@timestamp"));
      String offset = first == null || at == null ? "-" : offset(Duration.between(first, at));
      String action = Tables.orDash(Docs.text(e, "event.action"));
      if (isTransfer(action)) transfers.add(e);
      rows.add(new String[] {offset, Tables.time(Docs.text(e, "@timestamp")), leg(e, legNames), action, details(e)});
    }
    if (rows.size() > 1) Tables.print(rows, out);
    if (!transfers.isEmpty()) {
      out.printf("%ntransfers (%d)%n", transfers.size());
      for (JsonNode e : transfers) {
        out.printf("  %s  %s  %s%n", Tables.time(Docs.text(e, "@timestamp")), Docs.text(e, "event.action"), leg(e, legNames));
      }
    }
    if (!t.queueStays().isEmpty()) {
      out.printf("%nqueue stays (%d)%n", t.queueStays().size());
      for (JsonNode q : t.queueStays()) {
        out.printf("  %s  queue %s  waited %s  %s%s%n", Tables.time(Docs.text(q, "queue.join")),
            Tables.orDash(Docs.text(q, "queue.name")), seconds(Docs.number(q, "queue.wait_s")),
            Tables.orDash(Docs.text(q, "queue.outcome")),
            Docs.text(q, "agent.name") != null ? " by " + Docs.text(q, "agent.name") : "");
      }
    }
    if (!t.qualityReports().isEmpty() || t.callQuality() != null) {
      out.printf("%nRTCP reports (%d)%n", t.qualityReports().size());
      for (Map.Entry<String, Summary> s : summarise(t.qualityReports(), legNames).entrySet()) {
        out.printf("  %s: %s%n", s.getKey(), s.getValue());
      }
      if (t.callQuality() != null) {
        JsonNode q = t.callQuality();
        out.printf("  call: MOS min %s avg %s, loss max %s, jitter max %s, RTT max %s%n",
            num(Docs.number(q, "quality.mos_min")), num(Docs.number(q, "quality.mos_avg")),
            pct(Docs.number(q, "quality.loss_pct_max")), ms(Docs.number(q, "quality.jitter_ms_max")),
            ms(Docs.number(q, "quality.rtt_ms_max")));
      }
    }
    if (!t.charges().isEmpty()) {
      out.printf("%ncharges (%d)%n", t.charges().size());
      for (JsonNode ch : t.charges()) {
        out.printf("  %s  AOC-%s  %s %s%n", Tables.time(Docs.text(ch, "@timestamp")), Tables.orDash(Docs.text(ch, "charge.type")),
            num(Docs.number(ch, "charge.amount")), Tables.orDash(Docs.text(ch, "charge.currency")));
      }
    }
    if (!t.deadLetters().isEmpty()) {
      out.printf("%ndead letters (%d)%n", t.deadLetters().size());
      for (JsonNode d : t.deadLetters()) {
        out.printf("  %s offset %s: %s%n", Docs.text(d, "log.file.path"), Docs.text(d, "log.offset"), Docs.text(d, "error.message"));
      }
    }
    if (c != null) {
      out.printf("%nsummary document%n");
      out.println(Json.pretty(withoutLegState(c)));
    }
  }

  /** The same content as one JSON object. */
  public static JsonNode toJson(Timeline t) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("key", t.key());
    ArrayNode keys = o.putArray("keys");
    t.keys().forEach(keys::add);
    Map<String, String> legNames = legNames(t.call());
    Instant first = t.events().isEmpty() ? null : instant(Docs.text(t.events().get(0), "@timestamp"));
    ArrayNode ev = o.putArray("events");
    for (JsonNode e : t.events()) {
      ObjectNode x = ev.addObject();
      Instant at = instant(Docs.text(e, "@timestamp"));
      if (first != null && at != null) x.put("offset_s", Duration.between(first, at).toNanos() / 1e9);
      x.put("leg", leg(e, legNames));
      x.put("transfer", isTransfer(Docs.text(e, "event.action")));
      x.set("event", e);
    }
    o.set("queue_stays", array(t.queueStays()));
    ObjectNode q = o.putObject("quality");
    ObjectNode per = q.putObject("reports");
    for (Map.Entry<String, Summary> s : summarise(t.qualityReports(), legNames).entrySet()) per.set(s.getKey(), s.getValue().toJson());
    q.put("report_count", t.qualityReports().size());
    if (t.callQuality() != null) q.set("call", t.callQuality());
    o.set("charges", array(t.charges()));
    o.set("dead_letters", array(t.deadLetters()));
    o.set("call", t.call() == null ? JsonNodeFactory.instance.nullNode() : withoutLegState(t.call()));
    if (!t.otherCalls().isEmpty()) o.set("other_calls_with_key", array(t.otherCalls().stream().map(CallTimeline::withoutLegState).toList()));
    return o;
  }

  private static ArrayNode array(List<JsonNode> docs) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    docs.forEach(a::add);
    return a;
  }

  /** The summary without its merge state ({@code call.legs_detail}, stored for the correlator, not for people). */
  static JsonNode withoutLegState(JsonNode call) {
    JsonNode copy = call.deepCopy();
    if (copy instanceof ObjectNode o) {
      o.remove("call.legs_detail");
      if (o.get("call") instanceof ObjectNode inner) inner.remove("legs_detail");
    }
    return copy;
  }

  static boolean isTransfer(String action) {
    return action != null && action.toLowerCase(Locale.ROOT).contains("transfer");
  }

  private static Map<String, String> legNames(JsonNode call) {
    Map<String, String> names = new LinkedHashMap<>();
    JsonNode legs = call == null ? null : Docs.get(call, "call.legs_detail");
    if (legs != null && legs.isArray()) {
      for (JsonNode l : legs) {
        String id = l.path("id").asText(null);
        String name = l.path("name").asText(null);
        if (id != null && name != null) names.put(id, name);
      }
    }
    return names;
  }

  private static String leg(JsonNode e, Map<String, String> names) {
    String id = Docs.text(e, "channel.id");
    String name = Docs.text(e, "channel.name");
    if (name == null && id != null) name = names.get(id);
    if (name != null && id != null && !name.equals(id)) return name + " [" + id + "]";
    return Tables.orDash(name != null ? name : id);
  }

  private static String details(JsonNode e) {
    List<String> parts = new ArrayList<>();
    String caller = Docs.text(e, "caller.number");
    String callee = Docs.text(e, "callee.number");
    if (caller != null || callee != null) parts.add(Tables.orDash(caller) + " -> " + Tables.orDash(callee));
    String cause = Docs.text(e, "hangup.cause.name");
    if (cause != null) parts.add("cause " + cause);
    String queue = Docs.text(e, "queue.name");
    if (queue != null) parts.add("queue " + queue);
    String codecs = String.join(" ", Docs.texts(e, "sdp.codecs"));
    if (!codecs.isEmpty()) parts.add(codecs);
    return String.join(", ", parts);
  }

  /** Per leg and direction: how many reports, worst MOS, loss, jitter and RTT. */
  static final class Summary {
    int reports;
    Double mosMin, lossMax, jitterMax, rttMax;

    void add(JsonNode r) {
      reports++;
      mosMin = min(mosMin, Docs.number(r, "rtcp.mos"));
      lossMax = max(lossMax, Docs.number(r, "rtcp.fraction_lost_pct"));
      jitterMax = max(jitterMax, Docs.number(r, "rtcp.jitter_ms"));
      rttMax = max(rttMax, Docs.number(r, "rtcp.rtt_ms"));
    }

    JsonNode toJson() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("reports", reports);
      if (mosMin != null) o.put("mos_min", mosMin);
      if (lossMax != null) o.put("loss_pct_max", lossMax);
      if (jitterMax != null) o.put("jitter_ms_max", jitterMax);
      if (rttMax != null) o.put("rtt_ms_max", rttMax);
      return o;
    }

    @Override
    public String toString() {
      return reports + " report" + (reports == 1 ? "" : "s") + ", MOS min " + num(mosMin) + ", loss max " + pct(lossMax)
          + ", jitter max " + ms(jitterMax) + ", RTT max " + ms(rttMax);
    }

    private static Double min(Double a, Double b) {
      return a == null ? b : b == null ? a : Math.min(a, b);
    }

    private static Double max(Double a, Double b) {
      return a == null ? b : b == null ? a : Math.max(a, b);
    }
  }

  static Map<String, Summary> summarise(List<JsonNode> reports, Map<String, String> legNames) {
    Map<String, Summary> out = new TreeMap<>();
    for (JsonNode r : reports) {
      String key = leg(r, legNames) + " " + Tables.orDash(Docs.text(r, "rtcp.direction"));
      out.computeIfAbsent(key, x -> new Summary()).add(r);
    }
    return out;
  }

  private static Boolean bool(JsonNode d, String path) {
    JsonNode v = Docs.get(d, path);
    return v == null ? null : v.asBoolean();
  }

  private static Instant instant(String iso) {
    if (iso == null) return null;
    try {
      return Instant.parse(iso);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static String offset(Duration d) {
    return String.format(Locale.ROOT, "+%.3fs", d.toNanos() / 1e9);
  }

  private static String num(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String pct(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f%%", v);
  }

  private static String ms(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f ms", v);
  }

  private static String seconds(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1fs", v);
  }
}
