package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.callarchive.cli.Main;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code callarchive demo} against the test node: the demo captures end up searchable, decoded. */
class DemoIT {

  @Test
  void demoImportsTheSamplesWithChargesSecurityAndQuality() throws Exception {
    ElasticsearchClient es = TestCluster.client();
    TestCluster.wipe();
    Path samples = Path.of(System.getProperty("callarchive.project"), "ingest", "samples");
    assertEquals(Main.OK, Main.run("demo", "--es-url", TestCluster.url(), "--samples", samples.toString()));
    es.indices().refresh(r -> r.index("callarchive-*"));
    assertTrue(es.count(c -> c.index("callarchive-events")).count() > 50);
    assertEquals(6, es.count(c -> c.index("callarchive-security")).count(), "5 InvalidAccountID + 1 ChallengeResponseFailed");
    assertEquals(4, es.count(c -> c.index("callarchive-charges")).count(), "AOC-S, two AOC-D, AOC-E");
    var finalCharge = es.search(s -> s.index("callarchive-charges")
        .query(q -> q.term(t -> t.field("charge.type").value("E"))), JsonNode.class).hits().hits();
    assertEquals(1, finalCharge.size());
    assertEquals(0.10, finalCharge.get(0).source().path("charge").path("amount").asDouble(), 1e-9);
    assertEquals("EUR", finalCharge.get(0).source().path("charge").path("currency").asText());
    var report = es.search(s -> s.index("callarchive-quality")
        .query(q -> q.term(t -> t.field("quality.kind").value("report"))), JsonNode.class).hits().hits();
    assertEquals(1, report.size());
    var perCall = es.search(s -> s.index("callarchive-quality")
        .query(q -> q.term(t -> t.field("quality.kind").value("call"))), JsonNode.class).hits().hits();
    assertEquals(1, perCall.size(), "the correlator's summary of the call the report belongs to");
    assertEquals(report.get(0).source().path("rtcp").path("mos").asDouble(),
        perCall.get(0).source().path("quality").path("mos_min").asDouble(), 1e-9);
    JsonNode rtcp = report.get(0).source().path("rtcp");
    assertEquals(5 / 256.0 * 100, rtcp.path("fraction_lost_pct").asDouble(), 1e-6);
    assertEquals(12.0, rtcp.path("jitter_ms").asDouble(), 1e-6, "96 RTP units at 8 kHz");
    assertEquals(42.0, rtcp.path("rtt_ms").asDouble(), 1e-6);
    assertTrue(rtcp.path("mos").asDouble() > 4.0 && rtcp.path("mos").asDouble() <= 4.5);
    var attackers = es.search(s -> s.index("callarchive-security").size(0)
        .aggregations("ip", a -> a.terms(t -> t.field("source.ip"))), Void.class);
    assertEquals("198.51.100.23", attackers.aggregations().get("ip").sterms().buckets().array().get(0).key().stringValue());
    assertTrue(es.count(c -> c.index("callarchive-events").query(q -> q.term(t -> t.field("event.dataset").value("ccs.events")))).count() > 0);
  }
}
