package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.cli.Main;
import io.callarchive.it.AmiCalls.Call;
import io.callarchive.it.AmiCalls.End;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code callarchive calls} and {@code callarchive call ID} against the real node, on calls the test writes. */
class QueryIT {
  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  private static final Call ANSWERED = new Call(1, T0, "100", "0611111111", End.ANSWERED, null, 64);
  private static final Call BUSY = new Call(2, T0.plusSeconds(3600), "101", "0622222222", End.BUSY, null, null);
  private static final Call QUEUED = new Call(3, T0.plusSeconds(7200), "0633333333", "500", End.ANSWERED, "support", null);
  private static final Call NO_ANSWER = new Call(4, T0.plusSeconds(10800), "100", "0644444444", End.NO_ANSWER, null, null);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  private static ElasticsearchClient es;

  @BeforeAll
  static void importCalls() throws Exception {
    es = TestCluster.client();
    TestCluster.wipe();
    // Call 1 with a damaged block in the middle that names its caller leg, then calls 2 and 3, on pbx-a; call 4
    // on pbx-b.
    List<String[]> first = AmiCalls.events(ANSWERED);
    StringBuilder a = new StringBuilder();
    for (int i = 0; i < first.size(); i++) {
      if (i == 3) a.append("Privilege: call,all\r\nUniqueid: ").append(ANSWERED.uniqueA()).append("\r\n\u0001\u0002garbage\r\n\r\n");
      a.append(first.get(i)[1]);
    }
    a.append(AmiCalls.whole(List.of(BUSY, QUEUED)));
    Path pbxA = tmp.resolve("pbx-a.log");
    Files.writeString(pbxA, a, StandardCharsets.UTF_8);
    Path pbxB = tmp.resolve("pbx-b.log");
    Files.writeString(pbxB, AmiCalls.whole(List.of(NO_ANSWER)), StandardCharsets.UTF_8);
    String url = TestCluster.url();
    String home = tmp.resolve("home").toString();
    Cli.Run r1 = Cli.run("import", "--es-url", url, "--home", home, "--progress", "none", "--source-name", "pbx-a", pbxA.toString());
    assertEquals(Main.OK, r1.code(), r1.all());
    Cli.Run r2 = Cli.run("import", "--es-url", url, "--home", home, "--progress", "none", "--source-name", "pbx-b", pbxB.toString());
    assertEquals(Main.OK, r2.code(), r2.all());
    es.indices().refresh(r -> r.index("callarchive-*"));
  }

  /** The call ids of the table's rows, top to bottom (the last column). */
  private static List<String> ids(String table) {
    List<String> ids = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d .* (\\S+)$").matcher(table);
    while (m.find()) ids.add(m.group(1));
    return ids;
  }

  private static List<String> calls(String... filters) {
    List<String> args = new ArrayList<>(List.of("calls", "--es-url", TestCluster.url()));
    args.addAll(List.of(filters));
    Cli.Run r = Cli.run(args.toArray(String[]::new));
    assertEquals(Main.OK, r.code(), r.all());
    return ids(r.out());
  }

  private static List<String> idsOf(Call... calls) {
    return java.util.Arrays.stream(calls).map(Call::uniqueA).toList();
  }

  @Test
  void everyCallNewestFirstWithItsColumns() {
    Cli.Run r = Cli.run("calls", "--es-url", TestCluster.url());
    assertEquals(Main.OK, r.code(), r.all());
    assertEquals(idsOf(NO_ANSWER, QUEUED, BUSY, ANSWERED), ids(r.out()));
    String header = r.out().lines().findFirst().orElseThrow();
    for (String col : List.of("start", "caller", "callee", "duration", "cause", "MOS", "queue", "PBX", "call id")) {
      assertTrue(header.contains(col), header);
    }
    String answeredRow = r.out().lines().filter(l -> l.endsWith(ANSWERED.uniqueA())).findFirst().orElseThrow();
    assertTrue(answeredRow.startsWith("2026-11-20 10:00:00"), answeredRow);
    assertTrue(answeredRow.contains(String.format(java.util.Locale.ROOT, "%.1fs", ANSWERED.duration())), answeredRow);
    assertTrue(answeredRow.contains("answered (16)"), answeredRow);
    assertTrue(answeredRow.contains("pbx-a"), answeredRow);
    String busyRow = r.out().lines().filter(l -> l.endsWith(BUSY.uniqueA())).findFirst().orElseThrow();
    assertTrue(busyRow.contains("busy (17)") && busyRow.contains("0622222222"), busyRow);
    assertTrue(r.out().contains("4 of 4 matching calls"), r.out());
  }

  @Test
  void filtersNarrowTheList() {
    assertEquals(idsOf(NO_ANSWER, ANSWERED), calls("--caller", "100"));
    assertEquals(idsOf(BUSY), calls("--callee", "0622222222"));
    assertEquals(idsOf(QUEUED), calls("--number", "0633333333"));
    assertEquals(idsOf(BUSY), calls("--cause", "busy"));
    assertEquals(idsOf(BUSY), calls("--cause", "17"));
    assertEquals(idsOf(BUSY), calls("--cause", "USER_BUSY"));
    assertEquals(idsOf(NO_ANSWER), calls("--cause", "no_answer"));
    assertEquals(idsOf(QUEUED, ANSWERED), calls("--answered"));
    assertEquals(idsOf(NO_ANSWER, BUSY), calls("--unanswered"));
    assertEquals(idsOf(QUEUED), calls("--queue", "support"));
    assertEquals(idsOf(NO_ANSWER), calls("--pbx", "pbx-b"));
    assertEquals(idsOf(ANSWERED), calls("--min-loss", "20"));
    assertEquals(idsOf(QUEUED, BUSY), calls("--from", T0.plusSeconds(1800).toString(), "--to", T0.plusSeconds(9000).toString()));
    assertEquals(idsOf(NO_ANSWER, QUEUED), calls("--limit", "2"));
    assertEquals(List.of(), calls("--caller", "100", "--answered", "--pbx", "pbx-b"));
  }

  @Test
  void jsonGivesTheStoredDocuments() throws Exception {
    Cli.Run r = Cli.run("calls", "--es-url", TestCluster.url(), "--caller", "100", "--json");
    assertEquals(Main.OK, r.code(), r.all());
    JsonNode o = JSON.readTree(r.out());
    assertEquals(2, o.path("total").asInt());
    assertEquals(ANSWERED.uniqueA(), field(o.path("calls").get(1), "call.id"));
    assertEquals(NO_ANSWER.callee(), field(o.path("calls").get(0), "callee.number"));
  }

  @Test
  void badFilterIsOneSentence() {
    Cli.Run r = Cli.run("calls", "--es-url", TestCluster.url(), "--cause", "busy!");
    assertEquals(Main.FAILURE, r.code());
    assertTrue(r.err().replaceFirst("^callarchive [a-z]+: ", "callarchive: ").startsWith("callarchive: --cause takes a category"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void callByAnyLegKeyIsTheWholeTimeline() {
    for (String key : List.of(ANSWERED.uniqueB(), ANSWERED.uniqueA())) {
      Cli.Run r = Cli.run("call", "--es-url", TestCluster.url(), key);
      assertEquals(Main.OK, r.code(), r.all());
      String out = r.out();
      assertTrue(out.startsWith("call " + ANSWERED.uniqueA() + " on pbx-a: 100 -> 0611111111, answered"), out);
      assertTrue(out.contains("events (" + AmiCalls.eventCount(ANSWERED) + ")"), out);
      // Every event line names its leg; the first is at +0.000s and the caller's last hangup at the call's duration.
      long legA = out.lines().filter(l -> l.matches("^\\+\\d+\\.\\d{3}s .*") && l.contains(ANSWERED.channelA())).count();
      long legB = out.lines().filter(l -> l.matches("^\\+\\d+\\.\\d{3}s .*") && l.contains(ANSWERED.channelB())).count();
      long expectedA = AmiCalls.events(ANSWERED).stream().filter(e -> e[0].equals("A")).count();
      assertEquals(expectedA, legA, out);
      assertEquals(AmiCalls.eventCount(ANSWERED) - expectedA, legB, out);
      assertTrue(out.contains("+0.000s"), out);
      assertTrue(out.contains(String.format(java.util.Locale.ROOT, "+%.3fs", ANSWERED.duration())), out);
      assertTrue(out.contains("RTCP reports (3)"), out);
      assertTrue(out.contains("3 reports") && out.contains("loss max 25.0%"), out);
      assertTrue(out.contains("dead letters (1)"), out);
      assertTrue(out.contains("summary document"), out);
      assertFalse(out.contains("legs_detail"), "the merge state is not shown");
    }
  }

  @Test
  void callJsonIsTheSameAsOneObject() throws Exception {
    Cli.Run r = Cli.run("call", "--es-url", TestCluster.url(), "--json", ANSWERED.uniqueB());
    assertEquals(Main.OK, r.code(), r.all());
    JsonNode o = JSON.readTree(r.out());
    assertEquals(AmiCalls.eventCount(ANSWERED), o.path("events").size());
    assertEquals(0.0, o.path("events").get(0).path("offset_s").asDouble());
    assertEquals(ANSWERED.duration(), o.path("events").get(o.path("events").size() - 1).path("offset_s").asDouble(), 1e-9);
    assertEquals(3, o.path("quality").path("report_count").asInt());
    assertEquals(1, o.path("dead_letters").size());
    assertEquals(ANSWERED.uniqueA(), field(o.path("call"), "call.id"));
    assertTrue(o.path("keys").toString().contains(ANSWERED.uniqueB()));
  }

  @Test
  void queuedCallShowsItsQueueStay() {
    Cli.Run r = Cli.run("call", "--es-url", TestCluster.url(), QUEUED.uniqueA());
    assertEquals(Main.OK, r.code(), r.all());
    assertTrue(r.out().contains("queue stays (1)") && r.out().contains("queue support"), r.out());
  }

  @Test
  void unknownKeyIsOneSentence() {
    Cli.Run r = Cli.run("call", "--es-url", TestCluster.url(), "no-such-call");
    assertEquals(Main.FAILURE, r.code());
    assertTrue(r.err().replaceFirst("^callarchive [a-z]+: ", "callarchive: ").startsWith("callarchive: no call has the key no-such-call"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  /** A field by dotted name, nested or flat. */
  static String field(JsonNode doc, String path) {
    if (doc.has(path)) return doc.get(path).asText();
    JsonNode n = doc;
    for (String p : path.split("\\.")) n = n.path(p);
    return n.asText(null);
  }
}
