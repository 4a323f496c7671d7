package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callarchive.cli.Main;
import io.callarchive.it.AmiCalls.Call;
import io.callarchive.it.AmiCalls.End;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code callarchive import} processes (separate JVMs, separate job repositories) writing to one cluster at
 * the same time, each with one half of the same calls (the caller legs in one file, the dialled legs in the other),
 * end with the same calls, queue and quality documents as one import of both halves.
 */
class TwoProcessIT {
  private static final int CALLS = 150;

  @TempDir Path tmp;

  @Test
  void twoConcurrentImportsOfTheHalvesOfTheSameCallsMergeLikeOneImport() throws Exception {
    ElasticsearchClient es = TestCluster.client();
    List<Call> calls = new ArrayList<>();
    Instant t0 = Instant.parse("2026-11-22T08:00:00Z");
    for (int i = 0; i < CALLS; i++) {
      End end = i % 3 == 0 ? End.BUSY : i % 3 == 1 ? End.ANSWERED : End.NO_ANSWER;
      String queue = i % 5 == 1 ? "sales" : null;
      Integer lost = end == End.ANSWERED && i % 2 == 0 ? (i * 7) % 256 : null;
      calls.add(new Call(1000 + i, t0.plusSeconds(37L * i), "3" + (i % 40), "07" + (100000 + i), end, queue, lost));
    }
    Path legA = tmp.resolve("pbx-legs-a.log");
    Path legB = tmp.resolve("pbx-legs-b.log");
    Files.writeString(legA, AmiCalls.leg(calls, true), StandardCharsets.UTF_8);
    Files.writeString(legB, AmiCalls.leg(calls, false), StandardCharsets.UTF_8);
    int events = calls.stream().mapToInt(AmiCalls::eventCount).sum();
    String url = TestCluster.url();
    Path logs = tmp.resolve("logs");

    TestCluster.wipe();
    Cli.Run single = Cli.process(logs, "single", Map.of(), "import", "--es-url", url, "--home", tmp.resolve("h0").toString(),
        "--source-name", "pbx-x", "--progress", "none", legA.toString(), legB.toString());
    assertEquals(Main.OK, single.code(), single.all());
    Map<String, Map<String, JsonNode>> one = snapshot(es);
    assertEquals(events, es.count(c -> c.index("callarchive-events")).count());
    assertEquals(CALLS, one.get("callarchive-calls").size(), "every call is one document");

    TestCluster.wipe();
    Process a = Cli.start(logs, "half-a", Map.of(), "import", "--es-url", url, "--home", tmp.resolve("h1").toString(),
        "--source-name", "pbx-x", "--progress", "none", legA.toString());
    Process b = Cli.start(logs, "half-b", Map.of(), "import", "--es-url", url, "--home", tmp.resolve("h2").toString(),
        "--source-name", "pbx-x", "--progress", "none", legB.toString());
    Cli.Run ra = Cli.finish(a, logs, "half-a");
    Cli.Run rb = Cli.finish(b, logs, "half-b");
    assertEquals(Main.OK, ra.code(), ra.all());
    assertEquals(Main.OK, rb.code(), rb.all());
    Map<String, Map<String, JsonNode>> two = snapshot(es);
    assertEquals(events, es.count(c -> c.index("callarchive-events")).count());

    for (String alias : one.keySet()) {
      assertEquals(one.get(alias).keySet(), two.get(alias).keySet(), alias + ": the same documents");
      for (String id : one.get(alias).keySet()) {
        assertEquals(one.get(alias).get(id), two.get(alias).get(id), alias + " " + id);
      }
    }
    assertTrue(one.get("callarchive-queue").size() > 0 && one.get("callarchive-quality").size() > 0, one.keySet().toString());
  }

  /** The calls, queue and quality documents by id, without the time they were indexed. */
  private static Map<String, Map<String, JsonNode>> snapshot(ElasticsearchClient es) throws Exception {
    es.indices().refresh(r -> r.index("callarchive-*"));
    Map<String, Map<String, JsonNode>> out = new TreeMap<>();
    for (String alias : List.of("callarchive-calls", "callarchive-queue", "callarchive-quality")) {
      Map<String, JsonNode> docs = new TreeMap<>();
      for (Hit<JsonNode> h : es.search(s -> s.index(alias).size(10_000), JsonNode.class).hits().hits()) {
        JsonNode d = h.source().deepCopy();
        if (d instanceof ObjectNode o) {
          o.remove("event.ingested");
          if (o.get("event") instanceof ObjectNode e) e.remove("ingested");
        }
        docs.put(h.index() + "/" + h.id(), d);
      }
      out.put(alias, docs);
    }
    return out;
  }
}
