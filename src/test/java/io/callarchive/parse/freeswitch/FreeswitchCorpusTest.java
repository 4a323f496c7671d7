package io.callarchive.parse.freeswitch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.Corpus;
import io.callarchive.enrich.Enrichers;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.pipeline.DocSink;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.Sinks;
import io.callarchive.pipeline.SourceContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file of the FreeSWITCH corpus imports without a malformed piece, and every event in it is found. */
class FreeswitchCorpusTest {
  private final FreeswitchFormat format = new FreeswitchFormat();

  static Stream<Path> files() {
    return Corpus.files("freeswitch-esl").stream().filter(p -> !p.getFileName().toString().endsWith(".md"));
  }

  /** An independent count: {@code Event-Name:} at the start of a line, or an {@code "Event-Name"} JSON key. */
  private static final Pattern PLAIN_NAME = Pattern.compile("(?m)^[ \\t]*Event-Name:[ \\t]*(.*?)[ \\t\\r]*$");

  private static final Pattern JSON_NAME = Pattern.compile("\"Event-Name\"\\s*:\\s*\"([^\"]*)\"");

  static Map<String, Integer> expectedActions(byte[] bytes) throws IOException {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    Map<String, Integer> counts = new TreeMap<>();
    if (text.stripLeading().startsWith("{")) {
      // A JSON document: its top-level Event-Name, read with a tree parser (not the reader's streaming one).
      JsonNode root = new ObjectMapper().readTree(bytes);
      if (root.has("Event-Name")) counts.put(root.get("Event-Name").asText(), 1);
      else if (root.has("channel_data")) counts.put(FreeswitchFormat.JSON_CDR, 1);
      return counts;
    }
    Matcher m = PLAIN_NAME.matcher(text);
    while (m.find()) counts.merge(m.group(1), 1, Integer::sum);
    return counts;
  }

  /**
   * Where the simple count above is knowingly wrong, and why: pieces that carry {@code Event-Name} but are not
   * events the switch emitted, or events that lost their {@code Event-Name}.
   */
  private static final Map<String, KnownCase> KNOWN =
      Map.of(
          // The source's second BACKGROUND_JOB says "Event---Name:": the count misses it, the reader dead-letters it.
          "switchio__eventstream2.txt",
          new KnownCase(null, "malformed", "event body without Event-Name"));

  private record KnownCase(String notAnEvent, String kind, String reason) {}

  @ParameterizedTest
  @MethodSource("files")
  void everyEventOfTheFileIsFoundAndNothingIsMalformed(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    List<Parsed> parsed = Readers.readAll(format, bytes, file.toString());
    List<Parsed> malformed = parsed.stream().filter(p -> p instanceof Parsed.Malformed).toList();
    Map<String, Integer> expected = expectedActions(bytes);
    KnownCase known = KNOWN.get(file.getFileName().toString());
    if (known != null && known.kind().equals("malformed")) {
      assertEquals(1, malformed.size(), () -> "pieces: " + describeAll(parsed));
      assertEquals(known.reason(), ((Parsed.Malformed) malformed.get(0)).reason());
    } else {
      assertTrue(malformed.isEmpty(), () -> "malformed pieces: " + describeAll(malformed));
    }
    if (known != null && known.kind().equals("skipped")) {
      expected.merge(known.notAnEvent(), -1, Integer::sum);
      expected.values().removeIf(v -> v == 0);
      assertTrue(parsed.stream().anyMatch(p -> p instanceof Parsed.Skipped s && s.reason().equals(known.reason())));
    }
    Map<String, Integer> actual = new TreeMap<>();
    for (Parsed.Event e : Readers.events(parsed)) actual.merge(e.action(), 1, Integer::sum);
    assertEquals(expected, actual, () -> "pieces: " + describeAll(parsed));
  }

  @ParameterizedTest
  @MethodSource("files")
  void formatIsDetectedFromTheFirstBytes(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int n = Math.min(bytes.length, 8192);
    assertTrue(format.detect(bytes, n), file.getFileName() + " not detected");
  }

  @ParameterizedTest
  @MethodSource("files")
  void everyPieceGoesThroughThePipelineWithTheStandardEnrichers(Path file) throws IOException {
    List<IndexDoc> out = new ArrayList<>();
    DocSink sink =
        Sinks.into(out);
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    Pipeline pipeline = new Pipeline(Enrichers.standard(), sink, Clock.fixed(now, ZoneOffset.UTC));
    List<Parsed> parsed = Readers.readAll(format, file);
    for (Parsed p : parsed) pipeline.accept(p, format, new SourceContext(null, Map.of(), now));
    long events = parsed.stream().filter(p -> p instanceof Parsed.Event).count();
    assertEquals(events, pipeline.events.sum());
    List<IndexDoc> indexed = out.stream().filter(d -> d.type() == IndexType.EVENTS).toList();
    assertEquals(events, indexed.size());
    for (IndexDoc d : indexed) {
      assertEquals("freeswitch.esl", d.doc().get("event.dataset"));
      assertTrue(d.doc().get("freeswitch") instanceof Map<?, ?>, "raw headers under freeswitch");
    }
  }

  static List<String> describeAll(List<Parsed> parsed) {
    return parsed.stream().map(FreeswitchCorpusTest::describe).toList();
  }

  static String describe(Parsed p) {
    return switch (p) {
      case Parsed.Event e -> "E[" + e.action() + " @" + e.provenance().offset() + "+" + e.raw().length + "]";
      case Parsed.Skipped s -> "S[" + s.reason() + " @" + s.provenance().offset() + "+" + s.raw().length + "]";
      case Parsed.Malformed m -> "M[" + m.reason() + " @" + m.provenance().offset() + "+" + m.raw().length + " "
          + new String(m.raw(), 0, Math.min(60, m.raw().length), StandardCharsets.ISO_8859_1) + "]";
    };
  }
}
