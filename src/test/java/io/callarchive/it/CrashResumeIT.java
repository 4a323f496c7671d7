package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.ScrollResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import io.callarchive.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Derived documents are exactly-once too (issue 9): an import of several files of several platforms, killed with
 * SIGKILL inside a file, at the end of a file, and while call summaries are being written, then run again, leaves
 * the calls, queue, quality, security and charges indices document for document as an uninterrupted import of the
 * same input does, and every event exactly once.
 */
class CrashResumeIT {
  private static final List<String> DERIVED = List.of("calls", "queue", "quality", "security", "charges");
  private static final int CHUNK = 200;

  private static ElasticsearchClient es;
  private static Path input;
  private static List<Path> files;
  private static Map<String, Map<String, Object>> baseline;
  private static long baselineEvents;

  @BeforeAll
  static void uninterruptedImport(@TempDir Path tmp) throws Exception {
    es = TestCluster.client();
    input = Files.createDirectories(tmp.resolve("in"));
    files = new ArrayList<>();
    // two rotated AMI logs (calls open across the cut), a FreeSWITCH capture and a Kazoo one
    files.addAll(Traffic.write(Traffic.ami(1200, 2.0), "Asterisk Call Manager/9.0.0\r\n", input, "ami.log", 2));
    files.addAll(Traffic.write(Traffic.freeswitch(300, 3.0), null, input, "freeswitch.log", 1));
    files.addAll(Traffic.write(Traffic.kazoo(300, 3.0), null, input, "kazoo.jsonl", 1));
    TestCluster.wipe();
    assertEquals(Main.OK, importOnce(tmp.resolve("home-baseline")));
    baseline = dump();
    baselineEvents = count("events");
    for (String type : DERIVED) {
      assertTrue(baseline.keySet().stream().anyMatch(k -> k.startsWith("callarchive-" + type + "-")),
          "the input makes " + type + " documents");
    }
    // enough calls that a kill can land while they are being written
    assertTrue(countIn(baseline, "calls") > 1000, "calls: " + countIn(baseline, "calls"));
  }

  @Test
  void killedInsideTheFirstFile(@TempDir Path tmp) throws Exception {
    killThenResume(tmp, () -> count("events") >= 3_000);
  }

  @Test
  void killedAtTheEndOfTheFirstFile(@TempDir Path tmp) throws Exception {
    long firstFile = eventsOf(files.get(0));
    killThenResume(tmp, () -> countFile(files.get(0)) >= firstFile);
  }

  @Test
  void killedWhileCallSummariesAreWritten(@TempDir Path tmp) throws Exception {
    long calls = countIn(baseline, "calls");
    killThenResume(tmp, () -> {
      long n = count("calls");
      return n > calls / 4 && n < calls;
    });
  }

  private static void killThenResume(Path tmp, BooleanSupplier when) throws Exception {
    TestCluster.wipe();
    Path home = tmp.resolve("home");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), "io.callarchive.cli.Main"));
    cmd.addAll(importArgs(home));
    Path log = tmp.resolve("child.log");
    Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
      while (!when.getAsBoolean()) {
        if (!child.isAlive()) fail("the import ended before it could be killed: " + Files.readString(log));
        if (System.nanoTime() > deadline) fail("the import did not reach the kill point in 4 minutes");
        Thread.sleep(20);
      }
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no final commit
      child.waitFor(30, TimeUnit.SECONDS);
    }
    assertTrue(count("events") < baselineEvents, "killed before the end");
    assertEquals(Main.OK, importOnce(home), "the second run completes the import");
    assertEquals(baselineEvents, count("events"), "every event exactly once");
    Map<String, Map<String, Object>> after = dump();
    for (String type : DERIVED) {
      Map<String, Object> want = only(baseline, type), got = only(after, type);
      assertEquals(want.keySet(), got.keySet(), type + ": the same documents");
      for (String id : want.keySet()) assertEquals(want.get(id), got.get(id), type + " " + id);
    }
  }

  private static int importOnce(Path home) {
    return Main.run(importArgs(home).toArray(String[]::new));
  }

  private static List<String> importArgs(Path home) {
    List<String> a = new ArrayList<>(List.of("import", "--es-url", TestCluster.url(), "--home", home.toString(),
        "--progress", "none", "--chunk-size", String.valueOf(CHUNK), "--source-name", "pbx-crash"));
    for (Path f : files) a.add(f.toString());
    return a;
  }

  private static long eventsOf(Path file) throws IOException {
    String text = Files.readString(file);
    if (file.getFileName().toString().startsWith("ami")) return text.split("\r\nEvent: |^Event: ", -1).length - 1;
    return text.lines().count();
  }

  private static long count(String type) {
    try {
      es.indices().refresh(r -> r.index("callarchive-" + type + "*").allowNoIndices(true));
      return es.count(r -> r.index("callarchive-" + type + "*").allowNoIndices(true)).count();
    } catch (Exception e) {
      return -1;
    }
  }

  private static long countFile(Path file) {
    try {
      es.indices().refresh(r -> r.index("callarchive-events*").allowNoIndices(true));
      return es.count(r -> r.index("callarchive-events*").allowNoIndices(true)
          .query(q -> q.term(t -> t.field("log.file.path").value(file.toString())))).count();
    } catch (Exception e) {
      return -1;
    }
  }

  private static long countIn(Map<String, Map<String, Object>> dump, String type) {
    return only(dump, type).size();
  }

  private static Map<String, Object> only(Map<String, Map<String, Object>> dump, String type) {
    Map<String, Object> out = new TreeMap<>();
    dump.forEach((k, v) -> {
      if (k.startsWith("callarchive-" + type + "-")) out.put(k, v);
    });
    return out;
  }

  /** Every derived document, by index and id, without the time it was ingested (the one field a run changes). */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static Map<String, Map<String, Object>> dump() throws IOException {
    es.indices().refresh(r -> r.index("callarchive-*").allowNoIndices(true));
    Map<String, Map<String, Object>> out = new TreeMap<>();
    for (String type : DERIVED) {
      SearchResponse<Map> r = es.search(s -> s.index("callarchive-" + type + "*").allowNoIndices(true)
          .size(5000).scroll(t -> t.time("1m")), Map.class);
      String scroll = r.scrollId();
      List<Hit<Map>> hits = r.hits().hits();
      while (!hits.isEmpty()) {
        for (Hit<Map> h : hits) {
          Map<String, Object> src = new TreeMap<String, Object>(h.source());
          if (src.get("event") instanceof Map<?, ?> ev) {
            Map<String, Object> e = new TreeMap<>((Map<String, Object>) ev);
            e.remove("ingested");
            src.put("event", e);
          }
          out.put(h.index() + "/" + h.id(), src);
        }
        String id = scroll;
        ScrollResponse<Map> next = es.scroll(s -> s.scrollId(id).scroll(t -> t.time("1m")), Map.class);
        scroll = next.scrollId();
        hits = next.hits().hits();
      }
      String id = scroll;
      es.clearScroll(c -> c.scrollId(id));
    }
    return out;
  }
}
