package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.cli.Main;
import io.callarchive.it.JobDatabases.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What goes wrong on a real night, each through {@code callarchive import} against the real node: a log still
 * being written, an oversized event, a truncated {@code .gz}, a history that the cluster contradicts, two imports
 * at once, and byte-identical frames.
 */
class NightIT {
  private ElasticsearchClient es;

  @BeforeEach
  void emptyArchive() throws Exception {
    es = TestCluster.client();
    TestCluster.wipe();
  }

  /** A CLI run: exit code, standard output and standard error. */
  record Run(int rc, String out, String err) {
    JsonNode json() throws IOException {
      return new ObjectMapper().readTree(out);
    }
  }

  static synchronized Run cli(String... args) {
    PrintStream oldOut = System.out, oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      System.setOut(o);
      System.setErr(e);
      int rc = Main.run(args);
      return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static Run importCli(Path home, String... more) {
    List<String> a = new ArrayList<>(List.of("import", "--es-url", TestCluster.url(), "--home", home.toString(),
        "--progress", "none", "--json"));
    a.addAll(Arrays.asList(more));
    return cli(a.toArray(String[]::new));
  }

  private long count(String index, Path file) throws IOException {
    es.indices().refresh(r -> r.index("callarchive-*").allowNoIndices(true));
    return es.count(c -> c.index(index).allowNoIndices(true).ignoreUnavailable(true)
        .query(q -> q.term(t -> t.field("log.file.path").value(file.toString())))).count();
  }

  private List<JsonNode> docs(String index, Path file) throws IOException {
    es.indices().refresh(r -> r.index("callarchive-*").allowNoIndices(true));
    return es.search(s -> s.index(index).size(100).allowNoIndices(true).ignoreUnavailable(true)
            .query(q -> q.term(t -> t.field("log.file.path").value(file.toString()))), JsonNode.class)
        .hits().hits().stream().map(Hit::source).toList();
  }

  private static void append(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static byte[] events(Frames f, int from, int to) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = from; i < to; i++) b.writeBytes(f.event(i));
    return b.toByteArray();
  }

  private static void age(Path file) throws IOException {
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600)));
  }

  // ------------------------------------------------------------------------------------------------- point 1

  @ParameterizedTest
  @EnumSource(Frames.class)
  void anEventStillBeingWrittenWaitsForTheNextRunAndAFinishedFilesTailIsDeadLetteredOnce(Frames f, @TempDir Path tmp)
      throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("logs"));
    Path live = dir.resolve("events-" + f.format + ".log");
    Path home = tmp.resolve("home");
    byte[] ten = events(f, 0, 10);
    byte[] next = f.event(10);
    int cut = f.cut(10);
    append(live, ten);
    append(live, Arrays.copyOf(next, cut));

    Run first = importCli(home, "--format", f.format, "--dir", dir.toString(), "--pattern", "events-*.log*");
    assertEquals(Main.OK, first.rc(), first.err());
    assertEquals(10, count("callarchive-events", live), "the event being written is not imported");
    assertEquals(0, count("callarchive-deadletter", live), "nor dead-lettered");

    // The platform finishes the event and writes more.
    append(live, Arrays.copyOfRange(next, cut, next.length));
    append(live, events(f, 11, 15));
    Run second = importCli(home, "--format", f.format, "--dir", dir.toString(), "--pattern", "events-*.log*");
    assertEquals(Main.OK, second.rc(), second.err());
    assertEquals(15, count("callarchive-events", live));
    assertEquals(0, count("callarchive-deadletter", live));
    String whole = new String(next, StandardCharsets.US_ASCII).strip();
    assertTrue(docs("callarchive-events", live).stream()
            .anyMatch(d -> d.path("log").path("offset").asLong() == ten.length
                && d.path("event").path("original").asText().strip().equals(whole)),
        "the finished event is imported whole, at its offset");

    // A tail that is never finished: once the file has been quiet, it is one dead letter with its offset.
    long tailAt = Files.size(live);
    // cut inside a line: an AMI block or ESL frame cut at a line end reads as a (shorter) event in a finished
    // file, as abridged samples are read
    append(live, Arrays.copyOf(f.event(15), f.cut(15) + 3));
    age(live);
    Run third = importCli(home, "--format", f.format, "--dir", dir.toString(), "--pattern", "events-*.log*");
    assertEquals(Main.OK, third.rc(), third.err());
    assertEquals(15, count("callarchive-events", live));
    List<JsonNode> letters = docs("callarchive-deadletter", live);
    assertEquals(1, letters.size(), letters.toString());
    assertEquals(tailAt, letters.get(0).path("log").path("offset").asLong());
    Run fourth = importCli(home, "--format", f.format, "--dir", dir.toString(), "--pattern", "events-*.log*");
    assertEquals("already_imported", fourth.json().path("files").get(0).path("status").asText(), fourth.out());
    assertEquals(1, count("callarchive-deadletter", live), "dead-lettered once");
  }

  // ------------------------------------------------------------------------------------------------- point 2

  @Test
  void anOversizedEventIsOneBoundedDeadLetterAndTheFileGoesOn(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("kazoo.json");
    byte[] huge = ("{\"Event-Name\":\"CHANNEL_CREATE\",\"Msg-ID\":\"big\",\"Timestamp\":63911234999,\"Call-ID\":\"big\","
        + "\"Custom-Channel-Vars\":{\"Blob\":\"" + "x".repeat(3 << 20) + "\"}}\n").getBytes(StandardCharsets.US_ASCII);
    append(file, events(Frames.KAZOO, 0, 3));
    long hugeAt = Files.size(file);
    append(file, huge);
    append(file, events(Frames.KAZOO, 3, 6));
    age(file);
    Run run = importCli(tmp.resolve("home"), "--format", "kazoo", file.toString());
    assertEquals(Main.OK, run.rc(), run.err());
    assertEquals(6, count("callarchive-events", file), "the events around it are imported");
    List<JsonNode> letters = docs("callarchive-deadletter", file);
    assertEquals(1, letters.size());
    JsonNode dl = letters.get(0);
    assertEquals(hugeAt, dl.path("log").path("offset").asLong());
    assertEquals(1 << 20, dl.path("event").path("original").asText().length(), "a 1 MiB prefix is kept");
    // the line without its LF is the piece
    assertTrue(dl.path("error").path("message").asText().contains(String.valueOf(huge.length - 1)), dl.path("error").toString());
    assertEquals(new String(huge, 0, 1 << 20, StandardCharsets.US_ASCII), dl.path("event").path("original").asText());
  }

  @Test
  void aBulkRequestRefusedAsTooLargeIsSplitAndEveryEventArrives(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("ami.log");
    // Device states: events of no call, so that only the events index is written through the proxy.
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      sb.append("Event: DeviceStateChange\r\nPrivilege: call,all\r\nTimestamp: ").append(1763805600L + i / 10).append('.')
          .append(String.format("%06d", i % 10 * 100_000)).append("\r\nDevice: PJSIP/").append(1000 + i)
          .append("\r\nState: NOT_INUSE\r\n\r\n");
    }
    Files.writeString(file, sb.toString(), StandardCharsets.US_ASCII);
    try (EsProxy proxy = new EsProxy(TestCluster.url(), 256 << 10, false)) {
      Run run = cli("import", "--es-url", proxy.url(), "--home", tmp.resolve("home").toString(), "--progress", "none",
          "--json", file.toString());
      assertEquals(Main.OK, run.rc(), run.err());
      assertTrue(proxy.refused.get() > 0, "the proxy refused requests as too large");
    }
    assertEquals(3000, count("callarchive-events", file));
    assertEquals(0, count("callarchive-deadletter", file));
  }

  // ------------------------------------------------------------------------------------------------- point 3

  @Test
  void aTruncatedGzipImportsWhatDecompressesAndIsOneDeadLetterOnce(@TempDir Path tmp) throws Exception {
    Path gz = tmp.resolve("ami.log.2.gz");
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(whole)) {
      for (int i = 0; i < 400; i++) out.write(AmiLogs.event(i));
    }
    byte[] cutCopy = Arrays.copyOf(whole.toByteArray(), whole.size() * 6 / 10);
    Files.write(gz, cutCopy);
    // What a tolerant reader gets out of the cut copy, computed here with the JDK alone.
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(cutCopy))) {
      byte[] buf = new byte[1];
      while (in.read(buf) > 0) got.write(buf[0]);
    } catch (java.io.EOFException expected) {
      // the cut
    }
    String text = got.toString(StandardCharsets.US_ASCII);
    long complete = text.split("\r\n\r\n", -1).length - 1;
    assertTrue(complete > 10 && complete < 400, "the cut falls inside the events: " + complete);

    Run first = importCli(tmp.resolve("home"), gz.toString());
    assertEquals(Main.OK, first.rc(), first.err());
    assertEquals("imported", first.json().path("files").get(0).path("status").asText(), first.out());
    assertEquals(complete, count("callarchive-events", gz));
    List<JsonNode> letters = docs("callarchive-deadletter", gz);
    assertEquals(1, letters.size(), letters.toString());
    assertTrue(letters.get(0).path("error").path("message").asText().contains("cut short"), letters.toString());
    long lastEnd = text.lastIndexOf("\r\n\r\n") + 4;
    assertTrue(letters.get(0).path("log").path("offset").asLong() >= lastEnd, letters.toString());

    Run again = importCli(tmp.resolve("home"), gz.toString());
    assertEquals(Main.OK, again.rc(), again.err());
    assertEquals("already_imported", again.json().path("files").get(0).path("status").asText(), again.out());
    assertEquals(1, count("callarchive-deadletter", gz));
  }

  // ------------------------------------------------------------------------------------------------- point 4

  @Test
  void whenTheClusterLacksWhatTheHistorySaysItSaysSoAndForceOrForgetImportsAgain(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("ami.log");
    AmiLogs.append(file, 0, 50);
    Path home = tmp.resolve("home");
    assertEquals(Main.OK, importCli(home, file.toString()).rc());
    assertEquals(50, count("callarchive-events", file));

    TestCluster.wipe(); // DELETE callarchive-*
    Run stale = importCli(home, file.toString());
    assertEquals(Main.DEAD_LETTERS, stale.rc(), stale.out() + stale.err());
    assertEquals("missing", stale.json().path("files").get(0).path("status").asText(), stale.out());
    assertTrue(stale.err().contains("no longer holds") && stale.err().contains("--force"), stale.err());
    assertEquals(0, count("callarchive-events", file), "nothing is imported behind the operator's back");

    Run forced = importCli(home, "--force", file.toString());
    assertEquals(Main.OK, forced.rc(), forced.err());
    assertEquals(50, count("callarchive-events", file));
    assertEquals(50, forced.json().path("indexed_by_type").path("events").asLong());

    TestCluster.wipe();
    Run listed = cli("jobs", "--home", home.toString(), "--json");
    JsonNode jobs = new ObjectMapper().readTree(listed.out());
    assertEquals(1, jobs.size(), "--force replaced the earlier import in the history: " + jobs);
    String id = jobs.get(0).path("id").asText();
    Run forget = cli("jobs", "forget", "--home", home.toString(), id);
    assertEquals(Main.OK, forget.rc(), forget.err());
    Run afterForget = importCli(home, file.toString());
    assertEquals(Main.OK, afterForget.rc(), afterForget.err());
    assertEquals("imported", afterForget.json().path("files").get(0).path("status").asText());
    assertEquals(50, count("callarchive-events", file));
  }

  // ------------------------------------------------------------------------------------------------- point 5

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aSecondImportOfTheSameContentWhileOneRunsRefusesInOneSentenceAndTheFirstFinishes(Kind kind, @TempDir Path tmp)
      throws Exception {
    Path file = tmp.resolve("ami.log");
    AmiLogs.append(file, 0, 2000);
    try (JobDatabases.Scratch repo = JobDatabases.create(kind, tmp.resolve("home"));
        EsProxy held = new EsProxy(TestCluster.url(), Long.MAX_VALUE, true)) {
      List<String> cmd = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "io.callarchive.cli.Main",
          "import", "--es-url", held.url(), "--progress", "none"));
      cmd.addAll(List.of(repo.cliOptions()));
      cmd.add(file.toString());
      Path childLog = tmp.resolve("first.log");
      Process first = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(childLog.toFile()).start();
      try {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (held.bulkSeen.get() == 0) {
          if (!first.isAlive()) fail("the first import ended early: " + Files.readString(childLog));
          if (System.nanoTime() > deadline) fail("the first import did not start writing");
          Thread.sleep(50);
        }
        // The first import is now inside its job, waiting to write.
        List<String> second = new ArrayList<>(List.of("import", "--es-url", TestCluster.url(), "--progress", "none"));
        second.addAll(List.of(repo.cliOptions()));
        second.add(file.toString());
        Run run = cli(second.toArray(String[]::new));
        String err = run.err().strip();
        assertFalse(err.contains("Exception") || err.contains("\tat "), err);
        String pid = String.valueOf(first.pid());
        if (kind == Kind.H2) {
          assertEquals(Main.FAILURE, run.rc(), err);
          assertEquals(1, err.lines().count(), err);
          assertTrue(err.contains("in use by another callarchive import (process " + pid), err);
        } else {
          assertEquals(Main.OK, run.rc(), err);
          assertTrue(err.lines().anyMatch(l -> l.startsWith("callarchive import: ") && l.contains("process " + pid)
              && l.contains("is importing this content now")), err);
        }
        held.release();
        assertTrue(first.waitFor(2, TimeUnit.MINUTES), "the first import finishes");
        String firstOut = Files.readString(childLog);
        assertEquals(0, first.exitValue(), firstOut);
        assertFalse(firstOut.contains("Exception"), firstOut);
      } finally {
        first.destroyForcibly();
      }
      assertEquals(2000, count("callarchive-events", file), "every event once");
    }
  }

  // ------------------------------------------------------------------------------------------------- point 6

  @Test
  void byteIdenticalFramesAreSeparateEventsAndReImportsStillCollapse(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("ari.json");
    byte[] a = Frames.ARI.event(7);
    // The same ChannelVarset twice within the millisecond, then another event, then the same frame again.
    append(file, a);
    append(file, a);
    append(file, Frames.ARI.event(8));
    append(file, a);
    Run first = importCli(tmp.resolve("home"), "--format", "ari", file.toString());
    assertEquals(Main.OK, first.rc(), first.err());
    assertEquals(4, count("callarchive-events", file), "four frames, four events");

    // The file grows with one more copy: the restart point falls between identical frames.
    append(file, a);
    append(file, Frames.ARI.event(9));
    Run grown = importCli(tmp.resolve("home"), "--format", "ari", file.toString());
    assertEquals("appended", grown.json().path("files").get(0).path("status").asText(), grown.out());
    assertEquals(2, grown.json().path("indexed").asLong(), grown.out());
    assertEquals(6, count("callarchive-events", file));

    // The whole file again with an empty history: every id is the one the pieces got.
    Run again = importCli(tmp.resolve("other-home"), "--format", "ari", file.toString());
    assertEquals(Main.OK, again.rc(), again.err());
    assertEquals(0, again.json().path("indexed").asLong(), again.out());
    assertEquals(6, again.json().path("already_present").asLong(), again.out());
    assertEquals(6, count("callarchive-events", file));
  }

  @Test
  void ccsCopiesForTwoDomainsStayOneEventWhileTwoIdenticalCopiesAreTwo(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("ccs.jsonl");
    String one = new String(Frames.CCS.event(1), StandardCharsets.US_ASCII);
    append(file, one.getBytes(StandardCharsets.US_ASCII));
    append(file, one.replace("sales.example.com", "support.example.com").getBytes(StandardCharsets.US_ASCII));
    append(file, Frames.CCS.event(2));
    append(file, Frames.CCS.event(2));
    Run run = importCli(tmp.resolve("home"), "--format", "ccs", file.toString());
    assertEquals(Main.OK, run.rc(), run.err());
    es.indices().refresh(r -> r.index("callarchive-*"));
    long events = es.count(c -> c.index("callarchive-events")).count();
    assertEquals(3, events, "one event for the two domain copies, two for the identical pair");
  }
}
