package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.batch.BatchImport;
import io.callarchive.batch.ImportHistory;
import io.callarchive.batch.JobDatabase;
import io.callarchive.cli.Main;
import io.callarchive.imports.ImportOptions;
import io.callarchive.imports.ImportSummary;
import io.callarchive.imports.ImportSummary.Status;
import io.callarchive.index.EsConnection;
import io.callarchive.localnode.LocalNode;
import io.callarchive.localnode.LocalNodeSettings;
import io.callarchive.it.JobDatabases.Kind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The nightly import against the real node and both real job repositories: exactly once across re-runs, grown
 * and rotated logs, a killed process, and an Elasticsearch restart.
 */
class BatchImportIT {
  private static final Path TEMPLATES = Path.of(System.getProperty("callarchive.project"), "index-templates");
  private ElasticsearchClient es;

  @BeforeEach
  void emptyArchive() throws Exception {
    es = TestCluster.client();
    TestCluster.wipe();
  }

  private static ImportSummary importWith(
      ElasticsearchClient client, JobDatabases.Scratch repo, int chunkSize, List<Path> paths) throws Exception {
    try (JobDatabase db = repo.open()) {
      BatchImport.Settings s = new BatchImport.Settings(
          chunkSize, io.callarchive.batch.Progress.Mode.NONE, System.err, Duration.ofSeconds(10));
      return BatchImport.run(client, db, paths, ImportOptions.defaults(), TEMPLATES, s);
    }
  }

  private static long events(ElasticsearchClient client) throws Exception {
    try {
      client.indices().refresh(r -> r.index("callarchive-events*").allowNoIndices(true));
      return client.count(r -> r.index("callarchive-events*").allowNoIndices(true)).count();
    } catch (Exception e) {
      return -1; // the node is down or the index not there yet
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void reImportIsANoOpAGrownLogImportsOnlyItsNewPartAndRotationIsRecognisedByContent(Kind kind, @TempDir Path tmp)
      throws Exception {
    Path logs = Files.createDirectories(tmp.resolve("logs"));
    Path live = logs.resolve("ami.log");
    AmiLogs.append(live, 0, 500);
    long firstLength = Files.size(live);
    try (JobDatabases.Scratch repo = JobDatabases.create(kind, tmp.resolve("home"))) {
      ImportSummary first = importWith(es, repo, 100, List.of(live));
      assertEquals(Status.IMPORTED, first.files().get(0).status());
      assertEquals(500, first.eventsRead());
      assertEquals(500, events(es));

      ImportSummary again = importWith(es, repo, 100, List.of(live));
      assertEquals(Status.ALREADY_IMPORTED, again.files().get(0).status());
      assertEquals(0, again.eventsRead());
      assertEquals(500, events(es));

      AmiLogs.append(live, 500, 800);
      ImportSummary grown = importWith(es, repo, 100, List.of(live));
      ImportSummary.FileResult g = grown.files().get(0);
      assertEquals(Status.APPENDED, g.status());
      assertEquals(firstLength, g.from(), "reading starts where the previous import ended");
      assertEquals(300, grown.eventsRead());
      assertEquals(300, grown.indexed());
      assertEquals(0, grown.alreadyPresent(), "nothing of the old part was sent again");
      assertEquals(800, events(es));

      // Nightly rotation: the log is renamed and compressed, a new one starts. The rotated file is known by its
      // content; only the new log is read.
      Path rotated = logs.resolve("ami.log.1.gz");
      try (var out = new GZIPOutputStream(Files.newOutputStream(rotated))) {
        out.write(Files.readAllBytes(live));
      }
      Files.delete(live);
      AmiLogs.append(live, 800, 900);
      Files.writeString(logs.resolve("other.txt"), "not matched by the pattern");
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      int rc = runCli(stdout, concat(
          new String[] {"import", "--es-url", TestCluster.url(), "--progress", "none", "--json", "--dir", logs.toString(), "--pattern", "ami*.log*"},
          repo.cliOptions()));
      assertEquals(Main.OK, rc, stdout.toString(StandardCharsets.UTF_8));
      var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(stdout.toByteArray());
      assertEquals(2, json.path("files").size(), json.toString());
      assertEquals(100, json.path("events_read").asLong());
      for (var f : json.path("files")) {
        String expected = f.path("path").asText().endsWith(".gz") ? "already_imported" : "imported";
        assertEquals(expected, f.path("status").asText(), f.toString());
      }
      assertEquals(900, events(es));

      try (JobDatabase db = repo.open()) {
        List<ImportHistory.Entry> history = ImportHistory.all(db.repository());
        assertEquals(3, history.size(), history.toString());
        assertTrue(history.stream().allMatch(ImportHistory.Entry::complete));
        assertEquals(List.of(500L, 300L, 100L), history.stream().map(ImportHistory.Entry::events).toList());
      }
      ByteArrayOutputStream listing = new ByteArrayOutputStream();
      assertEquals(Main.OK, runCli(listing, concat(new String[] {"jobs"}, repo.cliOptions())));
      String table = listing.toString(StandardCharsets.UTF_8);
      assertEquals(4, table.lines().count(), table);
      assertTrue(table.contains(" 0.." + firstLength + " "), table);
      assertTrue(table.contains(" " + firstLength + ".."), "the grown part is listed from where it started: " + table);
      assertEquals(3, table.lines().filter(l -> l.contains("completed")).count(), table);
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aKilledImportResumesFromItsLastCommittedChunkWithNoLossAndNoDuplicate(Kind kind, @TempDir Path tmp)
      throws Exception {
    int total = 60_000;
    int chunk = 100;
    Path file = tmp.resolve("big-ami.log");
    AmiLogs.append(file, 0, total);
    try (JobDatabases.Scratch repo = JobDatabases.create(kind, tmp.resolve("home"))) {
      List<String> cmd = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "io.callarchive.cli.Main",
          "import", "--es-url", TestCluster.url(), "--progress", "none", "--chunk-size", String.valueOf(chunk)));
      cmd.addAll(List.of(repo.cliOptions()));
      cmd.add(file.toString());
      Process child = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(tmp.resolve("child.log").toFile()).start();
      try {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (events(es) < 5_000) {
          if (!child.isAlive()) fail("the import ended before it could be killed: " + Files.readString(tmp.resolve("child.log")));
          if (System.nanoTime() > deadline) fail("the import indexed too little in 3 minutes");
          Thread.sleep(100);
        }
      } finally {
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no final commit
        child.waitFor(30, TimeUnit.SECONDS);
      }
      long beforeResume = events(es);
      assertTrue(beforeResume < total, "killed half-way: " + beforeResume);

      ImportSummary resumed = importWith(es, repo, chunk, List.of(file));
      ImportSummary.FileResult r = resumed.files().get(0);
      assertEquals(Status.RESUMED, r.status(), String.valueOf(r.error()));
      assertTrue(r.from() > 0, "resumed from a committed offset");
      assertTrue(resumed.eventsRead() < total, "did not start over: " + resumed.eventsRead());
      // At most two chunks are sent again: the one in flight when the last commit was made (the commit records
      // the end of the chunk before it) and the one written but not committed when the process died.
      assertTrue(resumed.alreadyPresent() <= 2L * chunk, "replayed " + resumed.alreadyPresent());
      assertEquals(resumed.eventsRead(), resumed.indexed() + resumed.alreadyPresent());
      assertEquals(total, events(es), "every event indexed exactly once");
      try (JobDatabase db = repo.open()) {
        ImportHistory.Entry e = ImportHistory.all(db.repository()).get(0);
        assertTrue(e.complete());
        assertEquals(total, e.events(), "the committed counts add up across the two runs");
      }
      ImportSummary third = importWith(es, repo, chunk, List.of(file));
      assertEquals(Status.ALREADY_IMPORTED, third.files().get(0).status());
    }
  }

  @Test
  void anElasticsearchNodeStoppedAndRestartedDuringAnImportEndsWithEveryEventIndexedOnce(@TempDir Path tmp)
      throws Exception {
    LocalNodeSettings shared = TestCluster.settings();
    LocalNode node = new LocalNode(new LocalNodeSettings(
        shared.home().resolveSibling("it-home-restart"), shared.distribution(), shared.port() + 2, 512,
        shared.javaHome(), shared.serviceUser(), Duration.ofMinutes(4)));
    int total = 40_000;
    Path file = tmp.resolve("ami.log");
    AmiLogs.append(file, 0, total);
    try (JobDatabases.Scratch repo = JobDatabases.create(Kind.H2, tmp.resolve("home"))) {
      node.start();
      try (ElasticsearchClient client = EsConnection.plain(node.settings().url()).client()) {
        client.indices().delete(r -> r.index("callarchive-*").allowNoIndices(true));
        CompletableFuture<ImportSummary> run = CompletableFuture.supplyAsync(() -> {
          try {
            return importWith(client, repo, 200, List.of(file));
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        });
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (events(client) < 5_000) {
          if (run.isDone()) fail("the import ended before the node could be stopped: " + run.get().eventsRead());
          if (System.nanoTime() > deadline) fail("the import indexed too little in 3 minutes");
          Thread.sleep(100);
        }
        assertTrue(node.stop());
        Thread.sleep(3000);
        node.start();
        ImportSummary s = run.get(8, TimeUnit.MINUTES);
        assertEquals(0, s.failedFiles(), String.valueOf(s.files().get(0).error()));
        assertEquals(total, s.eventsRead());
        assertEquals(total, s.indexed() + s.alreadyPresent());
        assertEquals(total, events(client), "every event indexed exactly once");
      }
    } finally {
      node.stop();
    }
  }

  @Test
  void aSourcesFileImportsEachPbxWithItsObserverNameAndLabels(@TempDir Path tmp) throws Exception {
    Path paris = Files.createDirectories(tmp.resolve("paris"));
    Path lyon = Files.createDirectories(tmp.resolve("lyon"));
    AmiLogs.append(paris.resolve("ami.log"), 0, 40);
    AmiLogs.append(lyon.resolve("ami-2026-11-22.log"), 1000, 1030);
    Files.writeString(lyon.resolve("notes.txt"), "not a log");
    Path config = tmp.resolve("sources.properties");
    Files.writeString(config, String.join("\n",
        "source.paris.dir = paris",
        "source.paris.observer = pbx-paris-1",
        "source.paris.labels = site=paris,tenant=acme",
        "source.lyon.dir = " + lyon,
        "source.lyon.pattern = ami*.log*",
        "source.lyon.format = ami",
        "source.lyon.observer = pbx-lyon-1",
        "source.lyon.labels = site=lyon",
        ""));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc = runCli(out, "import", "--es-url", TestCluster.url(), "--home", tmp.resolve("home").toString(),
        "--progress", "none", "--config", config.toString());
    assertEquals(Main.OK, rc, out.toString(StandardCharsets.UTF_8));
    assertEquals(70, events(es));
    for (String[] want : new String[][] {{"pbx-paris-1", "paris", "40"}, {"pbx-lyon-1", "lyon", "30"}}) {
      long n = es.count(c -> c.index("callarchive-events").query(q -> q.bool(b -> b
          .filter(f -> f.term(t -> t.field("observer.name").value(want[0])))
          .filter(f -> f.term(t -> t.field("labels.site").value(want[1])))))).count();
      assertEquals(Long.parseLong(want[2]), n, want[0]);
    }
  }

  private static int runCli(ByteArrayOutputStream out, String... args) {
    PrintStream old = System.out;
    try (PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      return Main.run(args);
    } finally {
      System.setOut(old);
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
