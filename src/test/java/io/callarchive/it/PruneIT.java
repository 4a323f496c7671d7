package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.cli.Main;
import io.callarchive.index.Templates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code callarchive prune} against the real node. The months are chosen relative to today so that the
 * expectation holds on any date: a month that ended 4 months ago is older than 90 days; last month is not.
 */
class PruneIT {
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy.MM");
  private static final Path TEMPLATES = Path.of(System.getProperty("callarchive.project"), "index-templates");
  private ElasticsearchClient es;

  private static String index(String type, int monthsAgo) {
    return "callarchive-" + type + "-" + YearMonth.now(ZoneOffset.UTC).minusMonths(monthsAgo).format(MONTH);
  }

  private final List<String> old = List.of(index("events", 5), index("events", 13), index("deadletter", 5));
  private final List<String> kept = List.of(index("events", 0), index("events", 2), index("calls", 5), index("calls", 13));

  @BeforeEach
  void indices() throws Exception {
    es = TestCluster.client();
    TestCluster.wipe();
    new Templates(TEMPLATES).install(es);
    for (String name : concat(old, kept)) {
      es.index(r -> r.index(name).id("1").document(Map.of("@timestamp", "2020-01-01T00:00:00Z", "note", name)));
    }
    es.indices().refresh(r -> r.index("callarchive-*"));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  private boolean exists(String index) throws Exception {
    return es.indices().exists(r -> r.index(index)).value();
  }

  @Test
  void dryRunListsTheExpiredIndicesWithTheirSizeAndDeletesNothing() throws Exception {
    Cli.Run r = Cli.run("prune", "--es-url", TestCluster.url(), "--keep", "events=90d,deadletter=90d,calls=400d", "--dry-run");
    assertEquals(Main.OK, r.code(), r.all());
    for (String i : old) {
      String line = r.out().lines().filter(l -> l.startsWith(i + " ")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
      assertTrue(line.contains("1 docs") && line.contains("would be deleted") && line.matches(".*\\d+(\\.\\d)? (B|KiB|MiB).*"), line);
    }
    for (String i : kept) assertFalse(r.out().contains(i), r.out());
    assertTrue(r.out().contains("would delete 3 indices"), r.out());
    for (String i : concat(old, kept)) assertTrue(exists(i), i);
  }

  @Test
  void pruneDeletesWholeMonthsOlderThanTheirTypesCutoffOnly() throws Exception {
    Cli.Run r = Cli.run("prune", "--es-url", TestCluster.url(), "--keep", "events=90d,deadletter=90d", "--json");
    assertEquals(Main.OK, r.code(), r.all());
    JsonNode o = new ObjectMapper().readTree(r.out());
    assertEquals(3, o.path("indices").size());
    for (String i : old) assertFalse(exists(i), i);
    // calls keeps its default of 400 days: the month 5 months ago stays, the one 13 months ago ended >= 365 days
    // ago but not 400, so it stays too.
    for (String i : kept) assertTrue(exists(i), i);
    // The read alias still covers what is left.
    assertEquals(2, es.count(c -> c.index("callarchive-events")).count());
    Cli.Run again = Cli.run("prune", "--es-url", TestCluster.url(), "--keep", "events=90d,deadletter=90d");
    assertTrue(again.out().contains("nothing to delete"), again.out());
  }

  @Test
  void retentionFileSetsTheDefaultsAndKeepOverridesIt(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("prune.properties");
    Files.writeString(file, "keep.calls=12mo\nkeep.events=forever\n");
    Cli.Run r = Cli.run("prune", "--es-url", TestCluster.url(), "--config", file.toString(), "--keep", "deadletter=forever", "--dry-run");
    assertEquals(Main.OK, r.code(), r.all());
    assertTrue(r.out().contains(index("calls", 13) + " "), r.out());
    assertFalse(r.out().contains(index("calls", 5)), r.out());
    assertFalse(r.out().contains("callarchive-events-"), r.out());
    assertFalse(r.out().contains("callarchive-deadletter-"), r.out());
    assertTrue(r.out().contains("retention: events=forever,calls=12mo"), r.out());

    Files.writeString(file, "keep.calls=12 months\n");
    Cli.Run bad = Cli.run("prune", "--es-url", TestCluster.url(), "--config", file.toString(), "--dry-run");
    assertEquals(Main.FAILURE, bad.code());
    assertTrue(bad.err().contains("a retention period is a number of days, weeks, months or years"), bad.err());
    assertEquals(1, bad.err().strip().lines().count(), bad.err());
  }
}
