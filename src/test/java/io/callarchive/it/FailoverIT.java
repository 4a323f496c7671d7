package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.HealthStatus;
import io.callarchive.cli.Main;
import io.callarchive.index.EsConnection;
import io.callarchive.index.Templates;
import io.callarchive.it.AmiCalls.Call;
import io.callarchive.it.AmiCalls.End;
import io.callarchive.localnode.LocalNode;
import io.callarchive.localnode.LocalNodeSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster of two local nodes (a master-and-data node on port {@code -Dit.es.port2}, default 9269, a data node on a
 * free port, homes under
 * {@code target/}), an import given both URLs, and the data node stopped mid-import: the client fails over to the
 * remaining node and the import ends with every event and call.
 */
class FailoverIT {
  private static final Path ROOT = Path.of(System.getProperty("callarchive.project"), "target", "failover-it");
  private static final int CALLS = 200;
  private static LocalNode first;
  private static LocalNode second;
  private static String firstUrl;
  private static String secondUrl;

  @TempDir Path tmp;

  private static LocalNodeSettings settings(String name, int port) {
    LocalNodeSettings it = TestCluster.settings();
    return new LocalNodeSettings(ROOT.resolve(name).toAbsolutePath(), it.distribution(), port, 512, it.javaHome(),
        it.serviceUser(), Duration.ofMinutes(4));
  }

  @BeforeAll
  static void startTwoNodes() throws Exception {
    int t1 = Nginx.freePort();
    int t2 = Nginx.freePort();
    int http2 = Nginx.freePort();
    String seeds = "[\"127.0.0.1:" + t1 + "\"]";
    int http1 = Integer.parseInt(System.getProperty("callarchive.it.port2", "9269"));
    first = new LocalNode(settings("node-1", http1), Map.of(
        "node.name", "failover-1", "transport.port", String.valueOf(t1), "discovery.seed_hosts", seeds,
        "cluster.initial_master_nodes", "[\"failover-1\"]"));
    first.stop(); // a node left over by an interrupted run
    wipe("node-1");
    first.start();
    second = new LocalNode(settings("node-2", http2), Map.of(
        "node.name", "failover-2", "transport.port", String.valueOf(t2), "discovery.seed_hosts", seeds,
        "node.roles", "[data, ingest]"));
    wipe("node-2");
    second.start();
    firstUrl = "http://127.0.0.1:" + http1;
    secondUrl = "http://127.0.0.1:" + http2;
  }

  private static void wipe(String name) throws Exception {
    Path data = ROOT.resolve(name).resolve("data");
    if (!Files.exists(data)) return;
    try (var walk = Files.walk(data)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  @AfterAll
  static void stopNodes() throws Exception {
    if (second != null) second.stop();
    if (first != null) first.stop();
  }

  @Test
  void importFailsOverWhenOneOfTheTwoNodesStops() throws Exception {
    try (ElasticsearchClient es = EsConnection.plain(firstUrl).client()) {
      assertEquals(2, es.cluster().health().numberOfNodes(), "both nodes form one cluster");
      new Templates(Path.of(System.getProperty("callarchive.project"), "index-templates")).install(es);
      // Every shard has its replica on the other node before the data node goes away.
      assertEquals(HealthStatus.Green, es.cluster().health(h -> h.waitForStatus(HealthStatus.Green).timeout(t -> t.time("60s"))).status());

      List<Call> calls = new ArrayList<>();
      // Calls of the current month, whose indices setup created and the green health above replicated: an index
      // created later could have its only copy on the node that goes away.
      Instant t0 = java.time.YearMonth.now(java.time.ZoneOffset.UTC).atDay(1).atStartOfDay(java.time.ZoneOffset.UTC)
          .toInstant().plusSeconds(3600);
      for (int i = 0; i < CALLS; i++) {
        calls.add(new Call(5000 + i, t0.plusSeconds(11L * i), "4" + (i % 30), "08" + (200000 + i),
            i % 2 == 0 ? End.ANSWERED : End.BUSY, null, null));
      }
      Path file = tmp.resolve("failover-ami.log");
      Files.writeString(file, AmiCalls.whole(calls), StandardCharsets.UTF_8);
      long events = calls.stream().mapToInt(AmiCalls::eventCount).sum();

      Path logs = ROOT.resolve("logs"); // kept after the run, for the reasons of a failure
      Process p = Cli.start(logs, "import", Map.of(), "import", "--es-url", secondUrl + "," + firstUrl,
          "--home", tmp.resolve("home").toString(), "--chunk-size", "50", "--progress", "none", file.toString());
      // Stop the data node once the import has written part of the file.
      long seen = 0;
      while (p.isAlive() && seen == 0) {
        Thread.sleep(200);
        es.indices().refresh(r -> r.index("callarchive-events*"));
        seen = es.count(c -> c.index("callarchive-events")).count();
      }
      assertTrue(p.isAlive() && seen < events, "the data node is stopped mid-import (" + seen + " of " + events + " written)");
      second.stop();
      Cli.Run r = Cli.finish(p, logs, "import");
      assertEquals(Main.OK, r.code(), r.all());
      es.indices().refresh(x -> x.index("callarchive-*"));
      assertEquals(1, es.cluster().health().numberOfNodes());
      assertEquals(events, es.count(c -> c.index("callarchive-events")).count());
      assertEquals(CALLS, es.count(c -> c.index("callarchive-calls")).count());
    }
  }
}
