package io.callarchive.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callarchive.cli.Main;
import io.callarchive.it.TestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** What the stream integration tests share: a running service on loopback PBXs, and what the archive holds. */
final class StreamFixture {
  private StreamFixture() {}

  static final ObjectMapper JSON = new ObjectMapper();

  /** The configuration of an AMI source {@code pbx1} and an event-socket source {@code fs1} on local ports. */
  static String config(Path spool, int amiPort, int eslPort, String extra) {
    StringBuilder y = new StringBuilder();
    y.append("spool:\n  dir: ").append(spool).append("\n  max_size: 64MiB\n  segment_size: 1MiB\n");
    y.append("http:\n  port: 0\n");
    y.append("correlation:\n  grace: 1s\n  update_every: 300ms\n");
    y.append(extra);
    y.append("sources:\n");
    if (amiPort > 0) {
      y.append("""
            - name: pbx1
              type: ami
              host: 127.0.0.1
              port: %d
              username: callarchive
              secret: right
              keepalive: 1s
              reconnect: {initial: 100ms, max: 500ms, after_auth_failure: 500ms}
          """.formatted(amiPort));
    }
    if (eslPort > 0) {
      y.append("""
            - name: fs1
              type: freeswitch
              host: 127.0.0.1
              port: %d
              password: ClueCon
              keepalive: 1s
              reconnect: {initial: 100ms, max: 500ms, after_auth_failure: 500ms}
          """.formatted(eslPort));
    }
    return y.toString();
  }

  static StreamService start(String yaml, Path home) throws IOException {
    StreamConfig cfg = StreamConfig.parse(yaml, "test.yml", home, Map.<String, String>of()::get);
    StreamService s = new StreamService(cfg, TestCluster.client(), null, Clock.systemUTC());
    s.start();
    return s;
  }

  static void await(String what, Duration max, Callable<Boolean> done) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      Boolean ok;
      try {
        ok = done.call();
      } catch (Exception e) {
        ok = false;
      }
      if (Boolean.TRUE.equals(ok)) return;
      if (System.nanoTime() > deadline) fail("timed out after " + max.toSeconds() + " s waiting for " + what);
      Thread.sleep(100);
    }
  }

  static void refresh() throws IOException {
    TestCluster.client().indices().refresh(r -> r.index("callarchive-*").allowNoIndices(true));
  }

  /** The documents of an index, id → source, without fields that say when they were written. */
  static Map<String, JsonNode> docs(String alias, boolean states) throws IOException {
    refresh();
    ElasticsearchClient es = TestCluster.client();
    if (!es.indices().existsAlias(a -> a.name(alias)).value() && !es.indices().exists(e -> e.index(alias)).value()) {
      return new TreeMap<>();
    }
    List<Hit<JsonNode>> hits = es.search(s -> s.index(alias).size(10_000).query(q -> q.bool(b -> {
      if (!states) b.mustNot(m -> m.term(t -> t.field("event.kind").value("state")));
      return b;
    })), JsonNode.class).hits().hits();
    Map<String, JsonNode> out = new TreeMap<>();
    for (Hit<JsonNode> h : hits) {
      ObjectNode src = (ObjectNode) h.source();
      src.remove("event.ingested");
      if (src.get("event") instanceof ObjectNode ev) ev.remove("ingested");
      out.put(h.index() + "/" + h.id(), src);
    }
    return out;
  }

  static long count(String alias, String field, String value) throws IOException {
    refresh();
    return TestCluster.client().count(c -> c.index(alias).allowNoIndices(true).ignoreUnavailable(true)
        .query(q -> q.term(t -> t.field(field).value(value)))).count();
  }

  static long countEvents(String observer) throws IOException {
    refresh();
    return TestCluster.client().count(c -> c.index("callarchive-events").allowNoIndices(true).ignoreUnavailable(true)
        .query(q -> q.bool(b -> b.must(m -> m.term(t -> t.field("observer.name").value(observer)))
            .mustNot(m -> m.term(t -> t.field("event.kind").value("state")))))).count();
  }

  static long completeCalls(String observer) throws IOException {
    refresh();
    return TestCluster.client().count(c -> c.index("callarchive-calls").allowNoIndices(true).ignoreUnavailable(true)
        .query(q -> q.bool(b -> b.must(m -> m.term(t -> t.field("observer.name").value(observer)))
            .must(m -> m.term(t -> t.field("call.complete").value(true)))))).count();
  }

  /** What an archive answers: events (without state events), calls, quality and queue documents. */
  record Snapshot(Map<String, String> events, Map<String, JsonNode> calls, Map<String, JsonNode> quality, long deadletters) {}

  static Snapshot snapshot() throws IOException {
    Map<String, String> events = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : docs("callarchive-events", false).entrySet()) {
      JsonNode ev = e.getValue().path("event");
      String action = ev.isMissingNode() ? e.getValue().path("event.action").asText() : ev.path("action").asText();
      events.put(e.getKey(), action);
    }
    long dl = docs("callarchive-deadletter", true).size();
    return new Snapshot(events, docs("callarchive-calls", true), docs("callarchive-quality", true), dl);
  }

  /** Imports capture files with {@code callarchive import}, as a user backfilling would. */
  static void importFile(Path home, Path file, String format, String source) {
    int rc = Main.run("import", "--es-url", TestCluster.url(), "--home", home.toString(), "--progress", "none",
        "--format", format, "--source-name", source, file.toString());
    assertEquals(Main.OK, rc, "import of " + file);
  }

  static Path write(Path dir, String name, byte[] bytes) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, bytes);
    return f;
  }

  /** The archive made by importing the captures alone into an empty cluster. */
  static Snapshot batchOf(Path tmp, List<Path[]> files) throws Exception {
    TestCluster.wipe();
    Path home = Files.createTempDirectory(tmp, "batch-home");
    for (Path[] f : files) importFile(home, f[0], f[1].toString(), f[2].toString());
    return snapshot();
  }

  static Path[] capture(Path file, String format, String source) {
    return new Path[] {file, Path.of(format), Path.of(source)};
  }

  static void assertSameArchive(Snapshot expected, Snapshot actual) {
    assertEquals(expected.events().size(), actual.events().size(), "number of events");
    assertEquals(expected.events(), actual.events(), "event ids and actions");
    assertEquals(expected.calls().keySet(), actual.calls().keySet(), "call documents");
    for (String id : expected.calls().keySet()) {
      assertEquals(expected.calls().get(id), actual.calls().get(id), "call " + id);
    }
    assertEquals(expected.quality(), actual.quality(), "quality documents");
    assertEquals(expected.deadletters(), actual.deadletters(), "dead letters");
  }

  static List<Path[]> list(Path[]... c) {
    return new ArrayList<>(List.of(c));
  }
}
