package io.callarchive.alert;

import static io.callarchive.alert.Docs.at;
import static org.junit.jupiter.api.Assertions.assertEquals;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.callarchive.index.BulkIndexer;
import io.callarchive.index.Templates;
import io.callarchive.it.TestCluster;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live wiring against the real node: alerts go through the bulk indexer into callarchive-alerts; a restart
 * on the same state file fires nothing again; the cooldown and the recovery show in the index.
 */
class LiveAlertsIT {
  private static final Path TEMPLATES = Path.of(System.getProperty("callarchive.project"), "index-templates");

  @TempDir Path home;

  private static final String RULES = """
      rules:
        - name: auth-failures
          kind: frequency
          index: security
          where: {event.outcome: failure}
          key: source.ip
          window: 10m
          threshold: 5
          realert: 20m
      """;

  private static List<String> notices(ElasticsearchClient es) throws Exception {
    es.indices().refresh(r -> r.index("callarchive-alerts"));
    List<String> out = new ArrayList<>();
    for (var h : es.search(s -> s.index("callarchive-alerts").size(100)
        .sort(o -> o.field(f -> f.field("@timestamp"))), JsonNode.class).hits().hits()) {
      JsonNode a = h.source().path("alert");
      out.add(a.path("state").asText() + " " + a.path("key").asText() + " " + h.source().path("@timestamp").asText());
    }
    return out;
  }

  @Test
  void aRestartDoesNotFireAgainAndCooldownAndRecoveryReachTheIndex() throws Exception {
    ElasticsearchClient es = TestCluster.client();
    TestCluster.wipe();
    new Templates(TEMPLATES).install(es);
    AlertConfig config = AlertConfig.parse(RULES, "test.yml", k -> null);
    Path state = home.resolve("alerts-state.json");

    try (BulkIndexer indexer = new BulkIndexer(es)) {
      try (LiveAlerts live = new LiveAlerts(config, indexer, state, Clock.systemUTC())) {
        for (int i = 0; i < 5; i++) live.accept(Docs.authFailure(at(60L * i), "203.0.113.5", "u"));
        for (int i = 0; i < 4; i++) live.accept(Docs.authFailure(at(60L * i), "203.0.113.6", "u"));
        live.tick(at(300));
      }
      indexer.flush();
      assertEquals(List.of("fired 203.0.113.5 " + at(240)), notices(es));

      // A new process on the same state: the burst goes on, a failure a minute, for 25 more minutes.
      try (LiveAlerts live = new LiveAlerts(config, indexer, state, Clock.systemUTC())) {
        for (int i = 5; i <= 30; i++) live.accept(Docs.authFailure(at(60L * i), "203.0.113.5", "u"));
        // then it stops: the last failure (t=30 min) leaves the window at 40 min, the count fell below 5 when
        // the one of t=26 min left it, at 36 min
        live.tick(at(3600));
      }
      indexer.flush();
    }
    assertEquals(List.of(
        "fired 203.0.113.5 " + at(240),
        "renotified 203.0.113.5 " + at(240 + 1200),
        "recovered 203.0.113.5 " + at(36 * 60)), notices(es));
  }
}
