package io.callarchive.parse.ami;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.callarchive.Corpus;
import io.callarchive.Fixtures;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import io.callarchive.pipeline.DocSink;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.SourceContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every AMI event type the spec (event-sources §1) or the corpus names is read and normalised from a sample:
 * the first corpus event of that name, else a hand-written block in {@code ami/spec-samples.txt} written from
 * the spec tables. The catalogue is derived from the spec text and the corpus at test time, so a name added to
 * either without a sample fails here.
 */
class AmiEventCatalogTest {
  private static final AmiFormat AMI = new AmiFormat();
  private static final Instant FALLBACK = Instant.parse("2024-02-29T12:00:00Z");
  private static final String SAMPLES = "/ami/spec-samples.txt";
  private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");
  private static final Pattern EVENT_NAME = Pattern.compile("[A-Z][A-Za-z0-9]*(?:-[A-Z])?");
  private static final Pattern NAME_THEN_EVENT = Pattern.compile("`([A-Z][A-Za-z0-9-]*)` events?\\b");
  private static final Pattern THE_NAME_EVENT = Pattern.compile("\\bthe ([A-Z][a-z][A-Za-z0-9]*) event\\b");
  private static final Pattern EVENT_DOT_FIELD = Pattern.compile("`([A-Z][A-Za-z0-9]*)\\.[A-Z][A-Za-z0-9]*`");
  private static final Pattern EXACTLY_N = Pattern.compile("Event names \\(exactly (\\d+)\\):");
  private static final DateTimeFormatter EVENT_TV = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

  // ---------------------------------------------------------------- catalogue

  /** Event names of event-sources §1, keyed by lower case (header names are case-insensitive, §1.2). */
  static Map<String, String> specNames() {
    String md;
    try {
      md = Files.readString(Corpus.shared().resolve("spec").resolve("event-sources.md"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int from = md.indexOf("\n## 1. ");
    int to = md.indexOf("\n## 2. ", from);
    assertTrue(from >= 0 && to > from, "section 1 of event-sources.md");
    String s1 = md.substring(from, to);
    Map<String, String> names = new LinkedHashMap<>();
    Set<String> fieldNames = fieldNames(s1);

    // Tables whose first column is "event" (§1.6 lifecycle, §1.9 queue, §1.10 security).
    String[] lines = s1.split("\n");
    String tableHead = null;
    for (String line : lines) {
      if (!line.startsWith("|")) {
        tableHead = null;
        continue;
      }
      List<String> cells = cells(line);
      if (tableHead == null) {
        tableHead = cells.get(0);
        continue;
      }
      if (line.startsWith("|---") || !tableHead.equals("event")) continue;
      for (String n : namesInCell(cells.get(0))) add(names, n);
    }
    // Section headings naming their events before the class (§1.7 RTCP, §1.8 AOC).
    for (String line : lines) {
      if (!line.startsWith("### ") || !line.contains(", class ")) continue;
      String list = line.substring(line.indexOf('('), line.indexOf(", class "));
      for (Matcher m = BACKTICKED.matcher(list); m.find(); ) {
        if (EVENT_NAME.matcher(m.group(1)).matches()) add(names, m.group(1)); // not `app_queue`
      }
    }
    // "Event names (exactly N): ..." (§1.10), up to the end of its paragraph.
    Matcher exact = EXACTLY_N.matcher(s1);
    assertTrue(exact.find(), "the security event list of §1.10");
    String para = s1.substring(exact.end(), s1.indexOf("\n\n", exact.end()));
    int listed = 0;
    for (Matcher m = BACKTICKED.matcher(para); m.find(); listed++) add(names, m.group(1));
    assertEquals(Integer.parseInt(exact.group(1)), listed, "security events listed in §1.10");
    // Prose: "`FullyBooted` event", "the Status event", "`QueueMemberStatus.LastCall`".
    for (Pattern p : List.of(NAME_THEN_EVENT, THE_NAME_EVENT, EVENT_DOT_FIELD)) {
      for (Matcher m = p.matcher(s1); m.find(); ) add(names, m.group(1));
    }
    // §1.11: the events the 12 rewrite renamed or removed ("Dial→DialBegin/DialEnd", "Masquerade removed").
    for (String line : lines) {
      if (!line.contains("event model rewritten")) continue;
      String inner = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
      for (String segment : inner.split(", ")) {
        String s = segment.replace("`", "");
        if (s.endsWith(" removed")) s = s.substring(0, s.length() - " removed".length());
        else if (!s.contains("→")) continue;
        for (String side : s.split("→")) {
          for (String n : expand(side.trim())) {
            if (!fieldNames.contains(n.toLowerCase(Locale.ROOT))) add(names, n);
          }
        }
      }
    }
    return names;
  }

  /** Keys of the §1 tables that list fields, so a renamed field in §1.11 is not taken for an event. */
  private static Set<String> fieldNames(String s1) {
    Set<String> out = new LinkedHashSet<>();
    String head = null;
    for (String line : s1.split("\n")) {
      if (!line.startsWith("|")) {
        head = null;
        continue;
      }
      List<String> cells = cells(line);
      if (head == null) {
        head = cells.get(0);
        continue;
      }
      if (line.startsWith("|---")) continue;
      if (head.equals("key") || head.equals("field") || head.equals("header") || head.equals("key path")) {
        for (Matcher m = BACKTICKED.matcher(cells.get(0)); m.find(); ) out.add(m.group(1).toLowerCase(Locale.ROOT));
      }
      if (head.equals("event") && cells.size() > 1) {
        for (Matcher m = BACKTICKED.matcher(cells.get(1)); m.find(); ) {
          out.add(m.group(1).toLowerCase(Locale.ROOT));
        }
        for (String f : cells.get(1).replace("`", "").split(",\\s*")) out.add(f.trim().toLowerCase(Locale.ROOT));
      }
    }
    out.add("interface"); // §1.9: "plus `Queue`, `MemberName`, `Interface`" on every Agent* event
    return out;
  }

  private static List<String> cells(String row) {
    List<String> out = new ArrayList<>();
    for (String c : row.substring(1).split("\\|")) out.add(c.trim());
    return out;
  }

  /** "`Hold` / `Unhold`", "SessionLimit, MemoryLimit", "`LocalOptimizationBegin/End`". */
  private static List<String> namesInCell(String cell) {
    List<String> out = new ArrayList<>();
    for (String part : cell.replace("`", "").split(",|\\s/\\s")) out.addAll(expand(part.trim()));
    return out;
  }

  /** Expands the spec's shorthand: "QueueCallerJoin/Leave", "DialBegin/DialEnd", "Bridge/Link/Unlink". */
  static List<String> expand(String s) {
    List<String> out = new ArrayList<>();
    String[] parts = s.split("/");
    String first = parts[0].trim();
    int lastWord = 0;
    for (int i = 1; i < first.length(); i++) if (Character.isUpperCase(first.charAt(i))) lastWord = i;
    String prefix = first.substring(0, lastWord);
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i].trim();
      String n = i == 0 || p.startsWith(prefix) ? p : prefix + p;
      if (EVENT_NAME.matcher(n).matches()) out.add(n);
    }
    return out;
  }

  private static void add(Map<String, String> names, String name) {
    names.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
  }

  /** The first event of each name in the AMI corpus, by file name then position. */
  static Map<String, Parsed.Event> corpusSamples() {
    Map<String, Parsed.Event> out = new LinkedHashMap<>();
    for (Path f : Corpus.files("asterisk-ami")) {
      for (Parsed.Event e : Readers.events(Readers.readAll(AMI, f))) {
        out.putIfAbsent(e.action().toLowerCase(Locale.ROOT), e);
      }
    }
    return out;
  }

  /** The hand-written samples: an AMI stream whose whole-line {@code #} comments are dropped before reading. */
  static Map<String, Parsed.Event> specSamples() {
    byte[] text;
    try (InputStream in = AmiEventCatalogTest.class.getResourceAsStream(SAMPLES)) {
      assertNotNull(in, SAMPLES);
      text = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder ami = new StringBuilder();
    for (String line : new String(text, StandardCharsets.UTF_8).split("\n", -1)) {
      if (!line.startsWith("#")) ami.append(line).append('\n');
    }
    List<Parsed> parsed = Readers.readAll(AMI, ami.toString().getBytes(StandardCharsets.UTF_8), SAMPLES);
    Map<String, Parsed.Event> out = new LinkedHashMap<>();
    for (Parsed p : parsed) {
      Parsed.Event e = assertInstanceOf(Parsed.Event.class, p, () -> "every sample block is an event: " + p);
      assertNull(out.put(e.action().toLowerCase(Locale.ROOT), e), "one sample per event: " + e.action());
    }
    return out;
  }

  /** The first event of each name in the project's AMI fixtures, by file name then position. */
  static Map<String, Parsed.Event> fixtureSamples() {
    Map<String, Parsed.Event> out = new LinkedHashMap<>();
    for (Path f : Fixtures.files("asterisk-ami")) {
      for (Parsed.Event e : Readers.events(Readers.readAll(AMI, f))) {
        out.putIfAbsent(e.action().toLowerCase(Locale.ROOT), e);
      }
    }
    return out;
  }

  @TestFactory
  List<DynamicTest> everyEventOfTheFixturesAndTheSpecSamplesIsArchivedWithItsKeyFields() {
    Map<String, Parsed.Event> samples = new LinkedHashMap<>(fixtureSamples());
    int fixtures = samples.size();
    specSamples().forEach(samples::putIfAbsent);
    // CONTENTS.md names 36 event types across the AMI fixtures; spec-samples.txt has 46, 14 of them in both
    assertEquals(36, fixtures, samples.keySet().toString());
    assertEquals(68, samples.size(), "fixtures and spec samples together");
    List<DynamicTest> tests = new ArrayList<>();
    for (Parsed.Event e : samples.values()) {
      tests.add(DynamicTest.dynamicTest(e.action(), () -> assertArchived(e.action(), e)));
    }
    return tests;
  }

  @Test
  void unknownEventTypeIsArchivedWithTheCommonFields() {
    String block = "Event: SomethingNobodyKnows\r\nPrivilege: call,all\r\nTimestamp: 1714558272.000001\r\n"
        + "Channel: PJSIP/2001-00000042\r\nUniqueid: 1714558270.66\r\nLinkedid: 1714558270.65\r\n"
        + "Weird Key: a: b\r\n\r\n";
    List<Parsed> parsed = Readers.readAll(AMI, block.getBytes(StandardCharsets.UTF_8), "unknown");
    assertEquals(1, parsed.size());
    Parsed.Event e = assertInstanceOf(Parsed.Event.class, parsed.get(0));
    Doc d = assertArchived("SomethingNobodyKnows", e);
    assertEquals("1714558270.65", d.get("call.id"));
    assertEquals("a: b", d.get("ami.Weird Key"));
    assertEquals(List.of("session"), d.get("event.category"));
    assertEquals(List.of("info"), d.get("event.type"));
  }

  @Test
  void eventsWithOnlyPrefixedSnapshotsTakeTheirCallFromTheChannelTheyAreAbout() {
    Map<String, Parsed.Event> spec = specSamples();
    Doc parked = assertArchived("ParkedCallGiveUp", spec.get("parkedcallgiveup"));
    assertEquals("1714558270.84", parked.get("call.id"));
    assertEquals("1714558270.84", parked.get("channel.id"));
    assertEquals("PJSIP/1001-0000002a", parked.get("channel.name"));
    assertEquals("1001", parked.get("caller.number"));
    Doc blind = assertArchived("BlindTransfer", spec.get("blindtransfer"));
    assertEquals("PJSIP/2002-0000002b", blind.get("channel.name"));
    assertEquals("1714558270.84", blind.get("call.id"));
    Doc attended = assertArchived("AttendedTransfer", spec.get("attendedtransfer"));
    assertEquals("1714558271.85", attended.get("channel.id"));
    Doc local = assertArchived("LocalOptimizationBegin", spec.get("localoptimizationbegin"));
    assertEquals("1714558399.90", local.get("call.id"));
    assertEquals("Local/3001@agents-00000007;1", local.get("channel.name"));
    Doc merge = assertArchived("BridgeMerge", spec.get("bridgemerge"));
    assertNull(merge.get("call.id"), "a bridge merge names no channel");
  }

  @Test
  void cdrTakesThePartiesFromSourceDestinationAndTheQuotedCallerId() {
    Doc cdr = assertArchived("Cdr", specSamples().get("cdr"));
    assertEquals("1001", cdr.get("caller.number"));
    assertEquals("Alice Martin", cdr.get("caller.name"));
    assertEquals("2002", cdr.get("callee.number"));
    assertEquals("1714558270.84", cdr.get("call.id"));
  }

  @Test
  void originateResponseKeepsItsResponseHeaderInsideTheEvent() {
    Doc d = assertArchived("OriginateResponse", specSamples().get("originateresponse"));
    assertEquals("Failure", d.get("ami.Response"));
    assertEquals("0", d.get("ami.Reason"));
    assertNull(d.get("call.id"), "Uniqueid <null> is no id");
  }

  // ---------------------------------------------------------------- assertions

  /** Reads the sample's bytes again on their own, runs the pipeline, and checks the fields the block implies. */
  static Doc assertArchived(String name, Parsed.Event sample) {
    String rawText = new String(sample.raw(), StandardCharsets.UTF_8);
    List<Parsed> again = Readers.readAll(AMI, sample.raw(), "sample");
    assertEquals(1, again.size(), () -> "the sample alone is one piece: " + again);
    Parsed.Event e = assertInstanceOf(Parsed.Event.class, again.get(0));
    List<IndexDoc> sink = new ArrayList<>();
    Pipeline pipeline = new Pipeline(List.of(), new ListSink(sink), Clock.fixed(FALLBACK, ZoneOffset.UTC));
    pipeline.accept(e, AMI, new SourceContext(null, Map.of(), FALLBACK));
    assertEquals(1, sink.size(), "one document per event");
    Doc d = sink.get(0).doc();
    Map<String, String> block = block(rawText);

    assertTrue(name.equalsIgnoreCase((String) d.get("event.action")), () -> d.get("event.action") + " vs " + name);
    assertEquals(block.get("event"), d.get("event.action"), "event.action is the wire name");
    assertEquals("asterisk.ami", d.get("event.dataset"));
    assertEquals("event", d.get("event.kind"));
    assertEquals(rawText, d.get("event.original"));
    assertEquals(expectedTime(block).toString(), d.get("@timestamp"));

    Object ami = d.get("ami");
    assertInstanceOf(Map.class, ami, "raw key/values under ami");
    Set<String> rawKeys = ((Map<?, ?>) ami).keySet().stream().map(k -> (String) k).collect(
        java.util.stream.Collectors.toSet());
    for (String key : keys(rawText)) assertTrue(rawKeys.contains(key), () -> "ami holds key '" + key + "'");

    String linkedid = real(block.get("linkedid"));
    String uniqueid = real(block.get("uniqueid"));
    if (linkedid != null) assertEquals(linkedid, d.get("call.id"), "call.id is the Linkedid");
    else if (uniqueid != null) assertEquals(uniqueid, d.get("call.id"), "call.id is the Uniqueid");
    if (uniqueid != null) assertEquals(uniqueid, d.get("channel.id"));
    String channel = real(block.get("channel"));
    if (channel != null) assertEquals(channel, d.get("channel.name"));
    String callerNum = real(block.get("calleridnum"));
    if (callerNum != null) assertEquals(callerNum, d.get("caller.number"));
    else if (block.containsKey("calleridnum")) assertNull(d.get("caller.number"), "placeholder is not a number");
    String queue = block.get("queue");
    if (queue != null && !queue.isEmpty()) assertEquals(queue, d.get("queue.name"));
    return d;
  }

  /** First value of every key, keyed by trimmed lower-case name, read line by line (§1.2). */
  private static Map<String, String> block(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : raw.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) continue;
      String v = line.substring(colon + 1);
      out.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), v.strip());
    }
    return out;
  }

  /** Every key exactly as on the wire. */
  private static List<String> keys(String raw) {
    List<String> out = new ArrayList<>();
    for (String line : raw.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) out.add(line.substring(0, colon));
    }
    return out;
  }

  /** §1.12 item 7: placeholders for "no value". */
  private static String real(String v) {
    if (v == null || v.isEmpty()) return null;
    return switch (v) {
      case "<unknown>", "<null>", "none", "<none>" -> null;
      default -> v;
    };
  }

  /** §1.4: Timestamp (Unix seconds with microseconds), else EventTV on security events, else the fallback. */
  private static Instant expectedTime(Map<String, String> block) {
    String ts = block.get("timestamp");
    if (ts != null && !ts.isEmpty()) {
      BigDecimal micros = new BigDecimal(ts).movePointRight(6);
      return Instant.EPOCH.plus(micros.longValueExact(), java.time.temporal.ChronoUnit.MICROS);
    }
    String tv = block.get("eventtv");
    if (tv != null && !tv.isEmpty()) return OffsetDateTime.parse(tv, EVENT_TV).toInstant();
    return FALLBACK;
  }

  /** Collects what the pipeline emits. */
  record ListSink(List<IndexDoc> docs) implements DocSink {
    public void accept(IndexDoc doc) {
      docs.add(doc);
    }

    public void flush() {}

    public void close() {}
  }
}
