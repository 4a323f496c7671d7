package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.sun.net.httpserver.HttpServer;
import io.callarchive.cli.Main;
import io.callarchive.it.NightIT.Run;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expected failures read as one sentence, with the trace in the log file; help and summary say what acts. */
class ErrorsIT {
  private ElasticsearchClient es;

  @BeforeEach
  void emptyArchive() throws Exception {
    es = TestCluster.client();
    TestCluster.wipe();
  }

  private static void assertOneSentence(Run r) {
    String err = r.err().strip();
    assertEquals(1, err.lines().count(), err);
    assertFalse(err.contains("Exception") || err.contains("\tat ") || err.contains("Caused by"), err);
  }

  @Test
  void aMissingPathIsReportedAndSkippedWhileTheOtherPathsImport(@TempDir Path tmp) throws Exception {
    Path good = tmp.resolve("ami.log");
    AmiLogs.append(good, 0, 20);
    Path missing = tmp.resolve("gone.log");
    Run r = NightIT.cli("import", "--es-url", TestCluster.url(), "--home", tmp.resolve("home").toString(),
        "--progress", "none", missing.toString(), good.toString());
    assertEquals(Main.FAILURE, r.rc(), "the exit code says a path failed: " + r.out() + r.err());
    assertTrue(r.out().contains("no such file or directory: " + missing), r.out());
    assertFalse(r.out().contains("NoSuchFileException"), r.out());
    es.indices().refresh(x -> x.index("callarchive-*"));
    assertEquals(20, es.count(c -> c.index("callarchive-events")).count(), "the readable file is imported");
  }

  @Test
  void badOptionsAreRefusedBeforeAnythingRuns(@TempDir Path tmp) throws Exception {
    Path good = tmp.resolve("ami.log");
    AmiLogs.append(good, 0, 5);
    String home = tmp.resolve("home").toString();
    Run bogus = NightIT.cli("import", "--es-url", TestCluster.url(), "--home", home, "--format", "bogus", good.toString());
    assertEquals(Main.FAILURE, bogus.rc());
    assertOneSentence(bogus);
    assertTrue(bogus.err().contains("--format must be one of") && bogus.err().contains("kazoo")
        && bogus.err().contains("got 'bogus'"), bogus.err());
    assertFalse(es.indices().exists(x -> x.index("callarchive-events-*").allowNoIndices(false)).value(),
        "nothing ran: no index was created");

    Run password = NightIT.cli("import", "--es-url", TestCluster.url(), "--home", home, "--es-password", "secret",
        good.toString());
    assertEquals(Main.FAILURE, password.rc());
    assertOneSentence(password);
    assertTrue(password.err().contains("--es-password needs --es-user"), password.err());

    Run scheme = NightIT.cli("import", "--es-url", "localhost:9200", "--home", home, good.toString());
    assertEquals(Main.FAILURE, scheme.rc());
    assertTrue(scheme.err().contains("must start with http:// or https://"), scheme.err());

    Run nobody = NightIT.cli("import", "--es-url", "http://127.0.0.1:1", "--home", home, good.toString());
    assertEquals(Main.FAILURE, nobody.rc());
    assertOneSentence(nobody);
    assertTrue(nobody.err().contains("connection refused") || nobody.err().contains("cannot connect"), nobody.err());
    Path log = tmp.resolve("home").resolve("logs").resolve("callarchive.log");
    assertTrue(Files.exists(log), "the run log is written in the home");
  }

  @Test
  void anEmptyFileIsNoErrorEvenWithStrict(@TempDir Path tmp) throws Exception {
    Path empty = Files.createFile(tmp.resolve("ami.log.1"));
    Run r = NightIT.cli("import", "--es-url", TestCluster.url(), "--home", tmp.resolve("home").toString(),
        "--progress", "none", "--strict", "--json", empty.toString());
    assertEquals(Main.OK, r.rc(), r.out() + r.err());
    assertEquals("empty", r.json().path("files").get(0).path("status").asText());
  }

  @Test
  void esStartOnAPortInUseSaysSoInOneSentence(@TempDir Path tmp) throws Exception {
    HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    other.createContext("/", x -> {
      x.sendResponseHeaders(404, -1);
      x.close();
    });
    other.start();
    try {
      int port = other.getAddress().getPort();
      Run r = NightIT.cli("es", "start", "--home", tmp.resolve("home").toString(), "--es-port", String.valueOf(port));
      assertEquals(Main.FAILURE, r.rc());
      assertOneSentence(r);
      assertTrue(r.err().contains("address already in use") && r.err().contains("--es-port"), r.err());
    } finally {
      other.stop(0);
    }
  }

  @Test
  void theSummarySaysDocumentsWrittenApartFromEventsReadAndItsColumnsFitEveryFormat(@TempDir Path tmp)
      throws Exception {
    Path fs = tmp.resolve("fs.log");
    for (int i = 0; i < 3; i++) Files.write(fs, Frames.FREESWITCH.event(i), java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    String home = tmp.resolve("home").toString();
    Run first = NightIT.cli("import", "--es-url", TestCluster.url(), "--home", home, "--progress", "none", fs.toString());
    assertEquals(Main.OK, first.rc(), first.err());
    String out = first.out();
    assertTrue(out.lines().anyMatch(l -> l.matches("events read +3 .*")), out);
    assertTrue(out.lines().anyMatch(l -> l.matches("documents written +\\d+ +\\(events 3.*")), out);
    assertTrue(out.lines().anyMatch(l -> l.matches("files +1 +\\(1 imported\\)")), out);
    String header = out.lines().filter(l -> l.startsWith("file ")).findFirst().orElseThrow();
    String row = out.lines().filter(l -> l.contains(" freeswitch ")).findFirst().orElseThrow();
    assertEquals(header.indexOf("status"), row.indexOf("imported"), "the status column is aligned:\n" + header + "\n" + row);

    Run again = NightIT.cli("import", "--es-url", TestCluster.url(), "--home", home, "--progress", "none", fs.toString());
    assertTrue(again.out().lines().anyMatch(l -> l.matches("documents written +0 +\\(nothing new\\)")), again.out());
    assertFalse(again.out().contains("()"), again.out());
  }

  @Test
  void versionAndHelpListOnlyWhatActs() {
    Run v = NightIT.cli("-V");
    assertEquals(Main.OK, v.rc());
    assertTrue(v.out().startsWith("callarchive "), v.out());
    assertEquals(v.out(), NightIT.cli("--version").out());

    String jobs = NightIT.cli("jobs", "--help").out();
    assertTrue(jobs.contains("--home") && jobs.contains("--job-db"), jobs);
    assertFalse(jobs.contains("--es-port") || jobs.contains("--es-heap") || jobs.contains("--es-dist"), jobs);
    String forget = NightIT.cli("jobs", "forget", "--help").out();
    assertTrue(forget.contains("--all") && forget.contains("--file"), forget);
    for (String sub : new String[] {"status", "stop"}) {
      String help = NightIT.cli("es", sub, "--help").out();
      assertTrue(help.contains("--home") && help.contains("--es-port"), help);
      assertFalse(help.contains("--es-heap") || help.contains("--es-dist"), help);
    }
    String imp = NightIT.cli("import", "--help").out();
    for (String o : new String[] {"--force", "--quiet-period", "--max-event-size"}) assertTrue(imp.contains(o), o);
  }
}
