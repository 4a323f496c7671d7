package io.callarchive.kibana;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The translation of spec kibana-saved-objects §8, on shipped panels, and the reading of a response. */
class LensQueryTest {
  static final Instant FROM = Instant.parse("2025-01-01T00:00:00Z");
  static final Instant TO = Instant.parse("2025-01-03T00:00:00Z");

  static LensQuery lens(String id) throws Exception {
    SavedObjects so = SavedObjects.load(SavedObjectsTest.DIR, DashboardSettings.DEFAULTS);
    return new LensQuery(so.get("lens", "callarchive-lens-" + id), so);
  }

  @Test
  void termsOutsideADateHistogramWithCountsFromDocCount() throws Exception {
    LensQuery q = lens("calls-over-time-by-category");
    assertEquals("callarchive-calls", q.index());
    JsonNode r = q.request(FROM, TO, "");
    assertEquals(0, r.path("size").asInt());
    assertEquals(true, r.path("track_total_hits").asBoolean());
    JsonNode range = r.path("query").path("bool").path("filter").path(0).path("range").path("@timestamp");
    assertEquals("2025-01-01T00:00:00Z", range.path("gte").asText());
    assertEquals("2025-01-03T00:00:00Z", range.path("lte").asText());
    JsonNode terms = r.path("aggs").path("c_cat");
    assertEquals("hangup.cause.category", terms.path("terms").path("field").asText());
    assertEquals(8, terms.path("terms").path("size").asInt());
    assertEquals("desc", terms.path("terms").path("order").path("_count").asText());
    JsonNode hist = terms.path("aggs").path("c_t").path("date_histogram");
    assertEquals("30m", hist.path("fixed_interval").asText(), "two days in at most 100 buckets");
    assertEquals("UTC", hist.path("time_zone").asText());
    assertEquals(0, hist.path("min_doc_count").asInt());
    assertEquals(FROM.toEpochMilli(), hist.path("extended_bounds").path("min").asLong());
    assertEquals(true, terms.path("aggs").path("c_t").path("aggs").isMissingNode(), "a plain count needs no aggregation");
  }

  @Test
  void columnFiltersWrapMetricsAndTermsSortByASubAggregation() throws Exception {
    JsonNode r = lens("queue-per-queue").request(FROM, TO, "");
    JsonNode q = r.path("aggs").path("c_q");
    JsonNode aggs = q.path("aggs");
    assertEquals("queue.outcome", aggs.path("c_ans").path("filter").path("match_phrase").fieldNames().next());
    assertEquals("queue.wait_s", aggs.path("c_asa").path("aggs").path("m").path("avg").path("field").asText());
    // Formula parts become filtered counts; the formula and math columns need no aggregation.
    assertEquals(true, aggs.has("c_slX0") && aggs.has("c_slX1") && !aggs.has("c_sl") && !aggs.has("c_slX2"));
    assertEquals("desc", q.path("terms").path("order").path("_count").asText());
    JsonNode worst = lens("quality-worst-calls").request(FROM, TO, "").path("aggs").path("c_id");
    assertEquals("asc", worst.path("terms").path("order").path("order_mos").asText());
    assertEquals("quality.mos_min", worst.path("aggs").path("order_mos").path("min").path("field").asText());
  }

  @Test
  void aResponseBecomesRowsWithFormulasEvaluated() throws Exception {
    LensQuery q = lens("calls-causes");
    ObjectNode resp = (ObjectNode) SavedObjects.JSON.readTree("""
        {"hits":{"total":{"value":10}},"aggregations":{"c_code":{"buckets":[
          {"key":16,"doc_count":6,"c_name":{"buckets":[{"key":"NORMAL_CLEARING","doc_count":6}]}},
          {"key":17,"doc_count":4,"c_name":{"buckets":[{"key":"USER_BUSY","doc_count":4}]}}]}}}""");
    Table t = q.read(resp);
    assertEquals(List.of("code", "name", "n", "share"), t.columns().stream().map(Table.Column::id).toList());
    assertEquals(List.of(16L, "NORMAL_CLEARING", 6L, 0.6), t.rows().get(0));
    assertEquals(List.of(17L, "USER_BUSY", 4L, 0.4), t.rows().get(1));

    LensQuery asr = lens("calls-asr");
    Table none = asr.read(SavedObjects.JSON.readTree("""
        {"hits":{"total":{"value":0}},"aggregations":{"c_asrX0":{"doc_count":0}}}"""));
    assertNull(none.rows().get(0).get(0), "no attempts: no ratio, not a division by zero");
  }
}
