package io.callarchive.it;

import static io.callarchive.it.DashboardData.inWindow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.cli.Main;
import io.callarchive.index.BulkIndexer;
import io.callarchive.index.Templates;
import io.callarchive.kibana.DashboardSettings;
import io.callarchive.kibana.EsSearch;
import io.callarchive.kibana.Report;
import io.callarchive.kibana.SavedObjects;
import io.callarchive.kibana.Table;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.model.Provenance;
import io.callarchive.pipeline.DocIds;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every panel of every dashboard, computed by {@code report} from its saved object against the real node, on
 * data with known answers ({@link DashboardData}); the expected values are computed here from the generated
 * documents with plain Java, never by the translation under test.
 */
class DashboardReportIT {
  static final DashboardData DATA = new DashboardData();
  static final Duration BUCKET = Duration.ofMinutes(30); // a two-day range gives half-hour buckets (<= 100)
  static Map<String, Report.Dashboard> report;

  @BeforeAll
  static void load() throws Exception {
    ElasticsearchClient es = TestCluster.client();
    TestCluster.wipe();
    new Templates(Path.of(System.getProperty("callarchive.project"), "index-templates")).install(es);
    try (BulkIndexer writer = new BulkIndexer(es)) {
      write(writer, IndexType.CALLS, DATA.calls);
      write(writer, IndexType.QUALITY, DATA.quality);
      write(writer, IndexType.QUEUE, DATA.queue);
      write(writer, IndexType.SECURITY, DATA.security);
      write(writer, IndexType.ALERTS, DATA.alerts);
      write(writer, IndexType.EVENTS, DATA.events);
      write(writer, IndexType.DEADLETTER, DATA.deadletter);
      writer.flush();
      assertEquals(0, writer.deadLettered.sum(), "every test document is mapped");
    }
    es.indices().refresh(r -> r.index("callarchive-*"));
    SavedObjects objects = SavedObjects.load(null, DashboardSettings.DEFAULTS);
    report = new LinkedHashMap<>();
    for (Report.Dashboard d : Report.run(objects, new EsSearch(es), DashboardData.FROM, DashboardData.TO, null)) {
      report.put(d.name(), d);
    }
  }

  private static void write(BulkIndexer writer, IndexType type, List<Map<String, Object>> docs) {
    int i = 0;
    for (Map<String, Object> flat : docs) {
      Doc d = new Doc();
      flat.forEach(d::put);
      Instant t = Instant.parse((String) flat.get("@timestamp"));
      String id = DocIds.of("dashboard-test", type, i);
      writer.accept(new IndexDoc(type, id, t, d, new byte[0], new Provenance("dashboard-test", i++, 0)));
    }
  }

  // ------------------------------------------------------------------ helpers computing the expectations

  static List<Map<String, Object>> in(List<Map<String, Object>> docs, Predicate<Map<String, Object>> p) {
    return docs.stream().filter(DashboardData::inWindow).filter(p).toList();
  }

  static List<Map<String, Object>> in(List<Map<String, Object>> docs) {
    return in(docs, d -> true);
  }

  static boolean is(Map<String, Object> d, String f, Object v) {
    return v.equals(d.get(f));
  }

  static boolean has(Map<String, Object> d, String f) {
    return d.get(f) != null;
  }

  static double num(Map<String, Object> d, String f) {
    return ((Number) d.get(f)).doubleValue();
  }

  /** Values of a field, expanding multi-valued fields. */
  static List<Object> values(Map<String, Object> d, String f) {
    Object v = d.get(f);
    if (v == null) return List.of();
    if (v instanceof Collection<?> c) return new ArrayList<>(c);
    return List.of(v);
  }

  static Map<String, List<Map<String, Object>>> groupBy(List<Map<String, Object>> docs, Function<Map<String, Object>, Object> key) {
    Map<String, List<Map<String, Object>>> out = new TreeMap<>();
    for (Map<String, Object> d : docs) {
      Object k = key.apply(d);
      if (k == null) continue;
      if (k instanceof Collection<?> c) {
        for (Object x : c) out.computeIfAbsent(String.valueOf(x), z -> new ArrayList<>()).add(d);
      } else {
        out.computeIfAbsent(String.valueOf(k), z -> new ArrayList<>()).add(d);
      }
    }
    return out;
  }

  static Double mean(List<Map<String, Object>> docs, String f) {
    List<Map<String, Object>> w = docs.stream().filter(d -> has(d, f)).toList();
    return w.isEmpty() ? null : w.stream().mapToDouble(d -> num(d, f)).sum() / w.size();
  }

  static Double sum(List<Map<String, Object>> docs, String f) {
    return docs.stream().filter(d -> has(d, f)).mapToDouble(d -> num(d, f)).sum();
  }

  static Double max(List<Map<String, Object>> docs, String f) {
    return docs.stream().filter(d -> has(d, f)).mapToDouble(d -> num(d, f)).max().stream().boxed().findFirst().orElse(null);
  }

  static Double min(List<Map<String, Object>> docs, String f) {
    return docs.stream().filter(d -> has(d, f)).mapToDouble(d -> num(d, f)).min().stream().boxed().findFirst().orElse(null);
  }

  static long distinct(List<Map<String, Object>> docs, String f) {
    return docs.stream().map(d -> d.get(f)).filter(x -> x != null).distinct().count();
  }

  static String firstTime(List<Map<String, Object>> docs) {
    return docs.stream().map(d -> Instant.parse((String) d.get("@timestamp"))).min(Instant::compareTo).map(Instant::toString).orElse(null);
  }

  static String lastTime(List<Map<String, Object>> docs) {
    return docs.stream().map(d -> Instant.parse((String) d.get("@timestamp"))).max(Instant::compareTo).map(Instant::toString).orElse(null);
  }

  static Double ratio(long a, long b) {
    return b == 0 ? null : (double) a / b;
  }

  static String bucket(Map<String, Object> d) {
    Instant t = Instant.parse((String) d.get("@timestamp"));
    long ms = BUCKET.toMillis();
    return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), ms) * ms).toString();
  }

  static Table table(String dashboard, String lens) {
    Report.Dashboard d = report.get(dashboard);
    assertNotNull(d, dashboard);
    Report.Panel p = d.panel("callarchive-lens-" + lens);
    assertNotNull(p, lens + " is a panel of " + dashboard);
    return p.table();
  }

  /** The single value of a metric panel. */
  static Object metric(String dashboard, String lens) {
    Table t = table(dashboard, lens);
    assertEquals(1, t.rows().size(), lens);
    return t.rows().get(0).get(0);
  }

  static void near(Object expected, Object actual, String what) {
    if (expected == null) {
      assertNull(actual, what);
      return;
    }
    assertNotNull(actual, what);
    if (expected instanceof Number e) {
      assertTrue(actual instanceof Number, what + ": " + actual);
      double a = ((Number) actual).doubleValue();
      double x = e.doubleValue();
      // Documents store floats: allow float rounding, nothing more.
      assertTrue(Math.abs(a - x) <= 1e-4 * Math.max(1, Math.abs(x)), what + ": expected " + x + " but was " + a);
    } else {
      assertEquals(String.valueOf(expected), String.valueOf(actual), what);
    }
  }

  /**
   * The rows of a table, keyed by its first {@code keys} columns joined with '|', without the empty rows of time
   * series (every metric 0 or empty), each as column id → value.
   */
  static Map<String, Map<String, Object>> rows(Table t, int keys) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (List<Object> r : t.rows()) {
      boolean empty = true;
      for (int i = keys; i < r.size(); i++) {
        Object v = r.get(i);
        if (v != null && !(v instanceof Number n && n.doubleValue() == 0)) empty = false;
      }
      if (empty) continue;
      List<String> k = new ArrayList<>();
      for (int i = 0; i < keys; i++) k.add(String.valueOf(r.get(i)));
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < r.size(); i++) m.put(t.columns().get(i).id(), r.get(i));
      assertNull(out.put(String.join("|", k), m), "row twice " + k);
    }
    return out;
  }

  /** Exactly these rows, with these values (only the columns the expectation names). */
  static void assertRows(String what, Table t, int keys, Map<String, Map<String, Object>> expected) {
    Map<String, Map<String, Object>> actual = rows(t, keys);
    assertEquals(new TreeMap<>(expected).keySet(), new TreeMap<>(actual).keySet(), what + ": rows");
    expected.forEach((k, cols) -> cols.forEach((c, v) -> near(v, actual.get(k).get(c), what + " [" + k + "] " + c)));
  }

  /**
   * A top-N table: N rows (or all keys), ordered by the column, every shown key at least as high (or low) as every
   * key left out, and each shown row with its expected values.
   */
  static void assertTop(String what, Table t, String orderCol, boolean desc, int size,
      Map<String, Map<String, Object>> expected) {
    Map<String, Map<String, Object>> actual = rows(t, 1);
    assertEquals(Math.min(size, expected.size()), actual.size(), what + ": row count");
    double prev = desc ? Double.MAX_VALUE : -Double.MAX_VALUE;
    for (Map.Entry<String, Map<String, Object>> e : actual.entrySet()) {
      Map<String, Object> exp = expected.get(e.getKey());
      assertNotNull(exp, what + ": unexpected row " + e.getKey());
      exp.forEach((c, v) -> near(v, e.getValue().get(c), what + " [" + e.getKey() + "] " + c));
      double v = ((Number) e.getValue().get(orderCol)).doubleValue();
      assertTrue(desc ? v <= prev : v >= prev, what + ": ordered by " + orderCol);
      prev = v;
    }
    double bound = prev;
    for (Map.Entry<String, Map<String, Object>> e : expected.entrySet()) {
      if (actual.containsKey(e.getKey())) continue;
      double v = ((Number) e.getValue().get(orderCol)).doubleValue();
      assertTrue(desc ? v <= bound : v >= bound, what + ": " + e.getKey() + " (" + v + ") should have been shown");
    }
  }

  static Map<String, Object> cols(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  /** Counts per (series, half-hour bucket) of a time-series panel. */
  static Map<String, Map<String, Object>> series(List<Map<String, Object>> docs, String field, String countCol) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    groupBy(docs, d -> d.get(field)).forEach((k, ds) -> groupBy(ds, DashboardReportIT::bucket).forEach((b, in) ->
        out.put(k + "|" + b, cols(countCol, (double) in.size()))));
    return out;
  }

  // ------------------------------------------------------------------ Calls

  @Test
  void callsKpisAreAttemptsAnsweredAsrNerAndAcd() {
    List<Map<String, Object>> calls = in(DATA.calls);
    List<Map<String, Object>> answered = in(DATA.calls, c -> is(c, "call.answered", true));
    Set<Object> delivered = Set.of("busy", "no_answer", "rejected", "cancelled");
    long ner = calls.stream().filter(c -> is(c, "call.answered", true) || delivered.contains(c.get("hangup.cause.category"))).count();
    assertTrue(calls.size() > 250 && calls.size() < DATA.calls.size(), "the window leaves calls out");
    near((double) calls.size(), metric("calls", "calls-attempts"), "attempts");
    near((double) answered.size(), metric("calls", "calls-answered"), "answered");
    near(ratio(answered.size(), calls.size()), metric("calls", "calls-asr"), "ASR");
    near(ratio(ner, calls.size()), metric("calls", "calls-ner"), "NER");
    near(mean(answered, "call.billsec_s"), metric("calls", "calls-acd"), "ACD");
  }

  @Test
  void callsOverTimeByCategoryAndDirection() {
    List<Map<String, Object>> calls = in(DATA.calls);
    assertRows("calls over time", table("calls", "calls-over-time-by-category"), 2,
        series(calls, "hangup.cause.category", "n"));
    Map<String, Map<String, Object>> dir = new TreeMap<>();
    groupBy(calls, c -> c.get("call.direction")).forEach((k, v) -> dir.put(k, cols("n", (double) v.size())));
    assertRows("direction", table("calls", "calls-direction"), 1, dir);
  }

  @Test
  void causesTableHasCodeNameCountAndShare() {
    List<Map<String, Object>> calls = in(DATA.calls, c -> has(c, "hangup.cause.q850"));
    Map<String, Map<String, Object>> exp = new TreeMap<>();
    groupBy(calls, c -> c.get("hangup.cause.q850") + "|" + c.get("hangup.cause.name")).forEach((k, v) ->
        exp.put(k, cols("n", (double) v.size(), "share", ratio(v.size(), calls.size()))));
    assertRows("causes", table("calls", "calls-causes"), 2, exp);
    Table t = table("calls", "calls-causes");
    assertEquals(List.of("Q.850 code", "Cause name", "Calls", "Share"), t.columns().stream().map(Table.Column::label).toList());
    assertEquals("percent", t.columns().get(3).format());
  }

  @Test
  void sipResponsesRingTimeAndCharges() {
    List<Map<String, Object>> calls = in(DATA.calls);
    Map<String, Map<String, Object>> sip = new TreeMap<>();
    groupBy(calls, c -> c.get("hangup.sip_code")).forEach((k, v) -> sip.put(k, cols("n", (double) v.size())));
    assertRows("sip", table("calls", "calls-sip-responses"), 1, sip);

    double[][] bands = {{0, 2}, {2, 5}, {5, 10}, {10, 20}, {20, 30}, {30, 60}, {60, Double.MAX_VALUE}};
    String[] labels = {"0-2 s", "2-5 s", "5-10 s", "10-20 s", "20-30 s", "30-60 s", "60 s and more"};
    Map<String, Map<String, Object>> ring = new TreeMap<>();
    for (int i = 0; i < bands.length; i++) {
      double lo = bands[i][0], hi = bands[i][1];
      long n = in(DATA.calls, c -> is(c, "call.answered", true) && num(c, "call.ring_s") >= lo && num(c, "call.ring_s") < hi).size();
      if (n > 0) ring.put(labels[i], cols("n", (double) n));
    }
    assertRows("ring time", table("calls", "calls-ring-time"), 1, ring);

    Map<String, Map<String, Object>> cur = new TreeMap<>();
    groupBy(in(DATA.calls, c -> has(c, "charge.amount")), c -> c.get("charge.currency")).forEach((k, v) ->
        cur.put(k, cols("amt", sum(v, "charge.amount"), "n", (double) v.size())));
    assertEquals(2, cur.size());
    assertRows("charges", table("calls", "calls-charges-by-currency"), 1, cur);
  }

  @Test
  void topCallersAndCallees() {
    for (String[] p : new String[][] {{"caller.number", "calls-top-callers"}, {"callee.number", "calls-top-callees"}}) {
      Map<String, Map<String, Object>> exp = new TreeMap<>();
      groupBy(in(DATA.calls), c -> c.get(p[0])).forEach((k, v) -> exp.put(k, cols("n", (double) v.size(),
          "ans", (double) v.stream().filter(c -> is(c, "call.answered", true)).count(), "dur", sum(v, "call.duration_s"))));
      assertTrue(exp.size() > 10, p[0] + " has more parties than the table shows");
      assertTop(p[1], table("calls", p[1]), "n", true, 10, exp);
    }
  }

  @Test
  void callsSearchShowsTheNewestCallsWithTheOperatorsColumns() {
    Report.Panel p = report.get("calls").panel("callarchive-calls");
    assertNotNull(p);
    Table t = p.table();
    assertEquals(10, t.rows().size());
    List<Map<String, Object>> newest = new ArrayList<>(in(DATA.calls));
    newest.sort((a, b) -> ((String) b.get("@timestamp")).compareTo((String) a.get("@timestamp")));
    for (int i = 0; i < 10; i++) {
      Map<String, Object> c = newest.get(i);
      List<Object> row = t.rows().get(i);
      assertEquals(Instant.parse((String) c.get("call.start")), Instant.parse((String) row.get(t.index("call.start"))));
      assertEquals(c.get("caller.number"), row.get(t.index("caller.number")));
      assertEquals(String.valueOf(c.get("call.answered")), row.get(t.index("call.answered")));
      assertEquals(c.get("hangup.cause.name"), row.get(t.index("hangup.cause.name")));
      assertEquals(c.get("observer.name"), row.get(t.index("observer.name")));
      Object q = c.get("queue.name");
      assertEquals(q, row.get(t.index("queue.name")));
    }
  }

  // ------------------------------------------------------------------ Quality

  @Test
  void lossSharesSrtpShareAndMosDistribution() {
    List<Map<String, Object>> withQ = in(DATA.calls, c -> has(c, "quality.loss_pct_max"));
    near(ratio(withQ.stream().filter(c -> num(c, "quality.loss_pct_max") > 1).count(), withQ.size()),
        metric("quality", "quality-loss-over-1"), "loss > 1 %");
    near(ratio(withQ.stream().filter(c -> num(c, "quality.loss_pct_max") > 5).count(), withQ.size()),
        metric("quality", "quality-loss-over-5"), "loss > 5 %");
    List<Map<String, Object>> sdp = in(DATA.calls, c -> has(c, "sdp.srtp"));
    near(ratio(sdp.stream().filter(c -> is(c, "sdp.srtp", true)).count(), sdp.size()),
        metric("quality", "quality-srtp-share"), "SRTP share");

    double[] lo = {1, 2, 3, 3.6, 4};
    double[] hi = {2, 3, 3.6, 4, 5};
    String[] labels = {"1-2 bad", "2-3 poor", "3-3.6 fair", "3.6-4 good", "4-4.5 excellent"};
    Map<String, Map<String, Object>> exp = new TreeMap<>();
    for (int i = 0; i < lo.length; i++) {
      int j = i;
      long n = in(DATA.calls, c -> has(c, "quality.mos_min") && num(c, "quality.mos_min") >= lo[j] && num(c, "quality.mos_min") < hi[j]).size();
      if (n > 0) exp.put(labels[i], cols("n", (double) n));
    }
    assertRows("MOS distribution", table("quality", "quality-mos-distribution"), 1, exp);

    Map<String, Map<String, Object>> codecs = new TreeMap<>();
    groupBy(in(DATA.calls), c -> c.get("sdp.codecs")).forEach((k, v) -> codecs.put(k, cols("n", (double) v.size())));
    assertRows("codecs", table("quality", "quality-codecs"), 1, codecs);
  }

  @Test
  void worstCallsAreTheTenLowestMosWithTheirPartiesAndCodecs() {
    Map<String, Map<String, Object>> exp = new TreeMap<>();
    Map<String, Set<String>> codecs = new TreeMap<>();
    for (Map<String, Object> c : in(DATA.calls, c -> has(c, "quality.mos_min"))) {
      exp.put((String) c.get("call.id"), cols("from", c.get("caller.number"), "to", c.get("callee.number"),
          "mos", num(c, "quality.mos_min"), "loss", num(c, "quality.loss_pct_max"), "jit", num(c, "quality.jitter_ms_max"),
          "rtt", num(c, "quality.rtt_ms_max")));
      codecs.put((String) c.get("call.id"), values(c, "sdp.codecs").stream().map(String::valueOf).collect(Collectors.toSet()));
    }
    Table t = table("quality", "quality-worst-calls");
    assertTop("worst calls", t, "mos", false, 10, exp);
    for (Map.Entry<String, Map<String, Object>> r : rows(t, 1).entrySet()) {
      Object shown = r.getValue().get("codec");
      Set<String> got = shown == null ? Set.of() : Set.of(((String) shown).split(", "));
      assertEquals(codecs.get(r.getKey()), got, "codecs of " + r.getKey());
    }
  }

  @Test
  void rtcpByPbxByRemoteAddressOverTimeAndBesideThePlatformScore() {
    List<Map<String, Object>> reports = in(DATA.quality);
    Map<String, Map<String, Object>> pbx = new TreeMap<>();
    groupBy(reports, q -> q.get("observer.name")).forEach((k, v) -> pbx.put(k, cols("n", (double) v.size(),
        "loss", mean(v, "rtcp.fraction_lost_pct"), "lossmax", max(v, "rtcp.fraction_lost_pct"),
        "jit", mean(v, "rtcp.jitter_ms"), "rtt", mean(v, "rtcp.rtt_ms"))));
    assertRows("by PBX", table("quality", "quality-by-pbx"), 1, pbx);

    Map<String, Map<String, Object>> remote = new TreeMap<>();
    groupBy(reports, q -> q.get("source.ip")).forEach((k, v) -> remote.put(k, cols("n", (double) v.size(),
        "loss", mean(v, "rtcp.fraction_lost_pct"), "jit", mean(v, "rtcp.jitter_ms"), "rtt", mean(v, "rtcp.rtt_ms"))));
    Table rt = table("quality", "quality-by-remote");
    assertRows("by remote", rt, 1, remote);
    assertEquals(DashboardData.MEDIA[DashboardData.MEDIA.length - 1], rt.rows().get(0).get(0), "lossiest address first");

    Map<String, Map<String, Object>> time = new TreeMap<>();
    groupBy(reports, DashboardReportIT::bucket).forEach((b, v) -> time.put(b, cols("avg", mean(v, "rtcp.mos"), "min", min(v, "rtcp.mos"))));
    assertRows("MOS over time", table("quality", "quality-mos-over-time"), 1, time);

    Map<String, Map<String, Object>> both = new TreeMap<>();
    groupBy(in(DATA.quality, q -> has(q, "rtcp.mos_reported")), q -> q.get("observer.name")).forEach((k, v) ->
        both.put(k, cols("n", (double) v.size(), "ours", mean(v, "rtcp.mos"), "theirs", mean(v, "rtcp.mos_reported"))));
    assertEquals(2, both.size(), "one PBX sends no score of its own");
    assertRows("E-model vs platform", table("quality", "quality-emodel-vs-platform"), 1, both);
  }

  // ------------------------------------------------------------------ Queue SLA

  static final int T = DashboardSettings.DEFAULT_SERVICE_LEVEL_S;
  static final int S = DashboardSettings.DEFAULT_SHORT_ABANDON_S;

  static boolean answered(Map<String, Object> s) {
    return is(s, "queue.outcome", "answered");
  }

  static boolean shortAbandon(Map<String, Object> s) {
    return is(s, "queue.outcome", "abandoned") && num(s, "queue.wait_s") < S;
  }

  static Map<String, Object> queueRow(List<Map<String, Object>> v) {
    List<Map<String, Object>> ans = v.stream().filter(DashboardReportIT::answered).toList();
    List<Map<String, Object>> longAb = v.stream().filter(s -> is(s, "queue.outcome", "abandoned") && !shortAbandon(s)).toList();
    long within = ans.stream().filter(s -> num(s, "queue.wait_s") <= T).count();
    long base = v.stream().filter(s -> !shortAbandon(s)).count();
    return cols("off", (double) v.size(), "ans", (double) ans.size(), "abd", (double) longAb.size(),
        "short", (double) v.stream().filter(DashboardReportIT::shortAbandon).count(),
        "tmo", (double) v.stream().filter(s -> is(s, "queue.outcome", "timeout")).count(),
        "key", (double) v.stream().filter(s -> is(s, "queue.outcome", "exit_key")).count(),
        "sl", ratio(within, base), "asa", mean(ans, "queue.wait_s"), "wab", mean(longAb, "queue.wait_s"));
  }

  @Test
  void serviceLevelAsaAndThePerQueueTable() {
    List<Map<String, Object>> stays = in(DATA.queue);
    Map<String, Object> all = queueRow(stays);
    near(all.get("sl"), metric("queue", "queue-service-level"), "service level");
    near(all.get("asa"), metric("queue", "queue-asa"), "ASA");
    Map<String, Map<String, Object>> exp = new TreeMap<>();
    groupBy(stays, s -> s.get("queue.name")).forEach((k, v) -> exp.put(k, queueRow(v)));
    assertRows("per queue", table("queue", "queue-per-queue"), 1, exp);
    // The threshold stays count as the definitions say: answered at T is within T; abandoned at S is not short.
    assertTrue(stays.stream().anyMatch(s -> answered(s) && num(s, "queue.wait_s") == T));
    assertTrue(stays.stream().anyMatch(s -> is(s, "queue.outcome", "abandoned") && num(s, "queue.wait_s") == S));
  }

  @Test
  void anotherThresholdGivesAnotherServiceLevel() throws Exception {
    SavedObjects custom = SavedObjects.load(null, new DashboardSettings(30, 10));
    Report.Dashboard q = Report.run(custom, new EsSearch(TestCluster.client()), DashboardData.FROM, DashboardData.TO, "queue").get(0);
    List<Map<String, Object>> stays = in(DATA.queue);
    long within = stays.stream().filter(s -> answered(s) && num(s, "queue.wait_s") <= 30).count();
    long base = stays.stream().filter(s -> !(is(s, "queue.outcome", "abandoned") && num(s, "queue.wait_s") < 10)).count();
    near(ratio(within, base), q.panel("callarchive-lens-queue-service-level").table().rows().get(0).get(0), "SL at 30 s");
  }

  @Test
  void agentsRingNoAnswerOutcomesAndHourHeatmap() {
    List<Map<String, Object>> stays = in(DATA.queue);
    Map<String, Map<String, Object>> agents = new TreeMap<>();
    groupBy(stays.stream().filter(DashboardReportIT::answered).toList(), s -> s.get("agent.name")).forEach((k, v) ->
        agents.put(k, cols("n", (double) v.size(), "talk", sum(v, "queue.talk_s"), "mtalk", mean(v, "queue.talk_s"))));
    assertRows("per agent", table("queue", "queue-per-agent"), 1, agents);

    Map<String, Map<String, Object>> rna = new TreeMap<>();
    groupBy(stays, s -> s.get("queue.name")).forEach((k, v) -> rna.put(k, cols("rna", sum(v, "queue.ring_no_answer"), "n", (double) v.size())));
    assertRows("ring-no-answer", table("queue", "queue-ring-no-answer"), 1, rna);

    assertRows("outcomes over time", table("queue", "queue-outcomes-over-time"), 2, series(stays, "queue.outcome", "n"));

    Map<String, Map<String, Object>> heat = new TreeMap<>();
    groupBy(stays, s -> Instant.parse((String) s.get("@timestamp")).truncatedTo(ChronoUnit.HOURS)).forEach((h, v) -> {
      heat.put(h + "|Offered", cols("n", (double) v.size()));
      long a = v.stream().filter(DashboardReportIT::answered).count();
      if (a > 0) heat.put(h + "|Answered", cols("n", (double) a));
    });
    assertRows("heat map", table("queue", "queue-hour-heatmap"), 2, heat);
  }

  // ------------------------------------------------------------------ Security

  static boolean failure(Map<String, Object> s) {
    return is(s, "event.outcome", "failure");
  }

  @Test
  void failuresOverTimeByEventTypeAndService() {
    List<Map<String, Object>> fails = in(DATA.security, DashboardReportIT::failure);
    assertRows("failures by event", table("security", "security-failures-by-event"), 2, series(fails, "security.event", "n"));
    assertRows("failures by service", table("security", "security-failures-by-service"), 2, series(fails, "security.service", "n"));
  }

  @Test
  void topIpsAccountsAndScanners() {
    List<Map<String, Object>> fails = in(DATA.security, DashboardReportIT::failure);
    Map<String, Map<String, Object>> ips = new TreeMap<>();
    groupBy(fails, s -> s.get("source.ip")).forEach((k, v) -> ips.put(k, cols("n", (double) v.size(),
        "acc", (long) distinct(v, "user.name") == 0 ? null : (Object) distinct(v, "user.name"), "first", firstTime(v), "last", lastTime(v))));
    // cardinality of a field no document has is 0, not empty
    ips.values().forEach(m -> {
      if (m.get("acc") == null) m.put("acc", 0L);
    });
    Table top = table("security", "security-top-ips");
    assertTop("top IPs", top, "n", true, 10, ips);
    assertEquals("198.51.100.9", top.rows().get(0).get(0), "the brute force leads");

    Map<String, Map<String, Object>> accounts = new TreeMap<>();
    groupBy(fails, s -> s.get("user.name")).forEach((k, v) -> accounts.put(k, cols("n", (double) v.size(), "ips", distinct(v, "source.ip"))));
    assertTop("top accounts", table("security", "security-top-accounts"), "n", true, 10, accounts);

    Map<String, Map<String, Object>> scan = new TreeMap<>();
    groupBy(fails.stream().filter(s -> has(s, "user.name")).toList(), s -> s.get("source.ip")).forEach((k, v) ->
        scan.put(k, cols("acc", distinct(v, "user.name"), "n", (double) v.size())));
    Table sc = table("security", "security-scanners");
    assertTop("scanners", sc, "acc", true, 10, scan);
    assertEquals("203.0.113.7", sc.rows().get(0).get(0), "the scanner leads");
    near(30L, sc.rows().get(0).get(sc.index("acc")), "accounts the scanner tried in the window");
  }

  @Test
  void successAfterFailuresAndRefusedRequests() {
    List<Map<String, Object>> decided = in(DATA.security, s -> is(s, "event.outcome", "success") || failure(s));
    Map<String, Map<String, Object>> exp = new TreeMap<>();
    groupBy(decided, s -> s.get("source.ip")).forEach((k, v) -> {
      List<Map<String, Object>> ok = v.stream().filter(s -> is(s, "event.outcome", "success")).toList();
      List<Map<String, Object>> bad = v.stream().filter(DashboardReportIT::failure).toList();
      exp.put(k, cols("kinds", distinct(v, "event.outcome"), "ok", (double) ok.size(), "bad", (double) bad.size(),
          "first", firstTime(bad), "lastok", lastTime(ok)));
    });
    Table t = table("security", "security-success-after-failures");
    assertTop("success after failures", t, "kinds", true, 10, exp);
    assertEquals("198.51.100.9", t.rows().get(0).get(0), "the only IP with both outcomes comes first");
    Map<String, Object> brute = rows(t, 1).get("198.51.100.9");
    assertNotNull(brute, "the brute force that succeeded is listed");
    near(45.0, brute.get("bad"), "its failures");
    assertTrue(((String) brute.get("first")).compareTo((String) brute.get("lastok")) < 0, "failures came first");

    Map<String, Map<String, Object>> refused = new TreeMap<>();
    groupBy(in(DATA.security, s -> failure(s) && is(s, "security.credential_failure", false)), s -> s.get("security.event"))
        .forEach((k, v) -> refused.put(k, cols("n", (double) v.size(), "ips", distinct(v, "source.ip"))));
    assertEquals(Set.of("FailedACL", "RequestNotAllowed", "RequestBadFormat", "SessionLimit"), refused.keySet());
    assertRows("refused", table("security", "security-refused"), 1, refused);
  }

  @Test
  void firedAlertsByRuleAndKey() {
    Map<String, Map<String, Object>> exp = new TreeMap<>();
    groupBy(in(DATA.alerts), a -> a.get("alert.rule") + "|" + a.get("alert.key")).forEach((k, v) ->
        exp.put(k, cols("n", (double) v.size(), "val", max(v, "alert.value"), "last", lastTime(v))));
    assertRows("alerts", table("security", "security-alerts"), 2, exp);
  }

  // ------------------------------------------------------------------ Ingest health

  @Test
  void eventsBySourceAndPbxDeadLettersAndConnectorStates() {
    List<Map<String, Object>> events = in(DATA.events);
    assertRows("by source", table("ingest", "ingest-events-by-source"), 2, series(events, "event.dataset", "n"));
    assertRows("by PBX", table("ingest", "ingest-events-by-pbx"), 2, series(events, "observer.name", "n"));
    Map<String, Map<String, Object>> dl = new TreeMap<>();
    groupBy(in(DATA.deadletter), d -> d.get("error.type")).forEach((k, v) ->
        dl.put(k, cols("n", (double) v.size(), "files", distinct(v, "log.file.path"), "last", lastTime(v))));
    assertRows("dead letters", table("ingest", "ingest-deadletters"), 1, dl);
    Map<String, Map<String, Object>> st = new TreeMap<>();
    groupBy(in(DATA.events, e -> is(e, "event.kind", "state")), e -> e.get("observer.name") + "|" + e.get("event.action"))
        .forEach((k, v) -> st.put(k, cols("n", (double) v.size(), "last", lastTime(v))));
    assertFalse(st.isEmpty());
    assertRows("connector states", table("ingest", "ingest-connector-gaps"), 2, st);
  }

  // ------------------------------------------------------------------ coverage and the command

  @Test
  void everyPanelOfEveryDashboardWasComputedWithData() {
    assertEquals(Set.of("calls", "quality", "queue", "security", "ingest"), report.keySet());
    Set<String> seen = new HashSet<>();
    for (Report.Dashboard d : report.values()) {
      for (Report.Panel p : d.panels()) {
        if (p.kind().equals("markdown")) continue;
        boolean data = p.table().rows().stream().anyMatch(r -> r.stream().anyMatch(
            x -> x != null && !(x instanceof Number n && n.doubleValue() == 0)));
        assertTrue(data, d.name() + ": " + p.title() + " has data");
        seen.add(p.objectId());
      }
    }
    assertEquals(43, seen.size(), "every Lens panel and the saved search");
  }

  @Test
  void reportCommandPrintsTablesAndJson() throws Exception {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      rc = Main.run("report", "--es-url", TestCluster.url(), "--from", DashboardData.FROM.toString(),
          "--to", DashboardData.TO.toString(), "--dashboard", "calls");
    } finally {
      System.setOut(old);
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    assertEquals(Main.OK, rc, text);
    long attempts = in(DATA.calls).size();
    assertTrue(text.contains("-- Call attempts (calls)"), text);
    assertTrue(text.lines().anyMatch(l -> l.trim().equals(Long.toString(attempts))), "attempts printed: " + text);
    assertFalse(text.contains("Queue SLA"), "only the calls dashboard");

    buf.reset();
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      rc = Main.run("report", "--es-url", TestCluster.url(), "--from", "2026-11-20", "--to", DashboardData.TO.toString(),
          "--dashboard", "queue", "--json");
    } finally {
      System.setOut(old);
    }
    assertEquals(Main.OK, rc);
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(buf.toString(StandardCharsets.UTF_8));
    var panels = json.path("dashboards").path(0).path("panels");
    boolean found = false;
    for (var p : panels) {
      if (p.path("object").asText().equals("callarchive-lens-queue-asa")) {
        near(queueRow(in(DATA.queue)).get("asa"), p.path("rows").path(0).path(0).asDouble(), "ASA in JSON");
        found = true;
      }
    }
    assertTrue(found, "the ASA panel is in the JSON");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldErr = System.err;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      rc = Main.run("report", "--es-url", TestCluster.url(), "--dashboard", "nope");
    } finally {
      System.setErr(oldErr);
    }
    assertEquals(Main.FAILURE, rc);
    String e = err.toString(StandardCharsets.UTF_8).replaceFirst("^callarchive [a-z]+: ", "callarchive: ");
    assertTrue(e.startsWith("callarchive: no dashboard named nope") && e.lines().count() == 1, e);
  }

  static {
    if (DashboardData.FROM.isAfter(DashboardData.TO)) fail("window");
  }
}
