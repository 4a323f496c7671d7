package io.callarchive.parse.freeswitch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Fixtures;
import io.callarchive.enrich.Enrichers;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.Sinks;
import io.callarchive.pipeline.SourceContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every FreeSWITCH fixture (plain, bare blocks, json, xml, json_cdr) imports without a malformed piece, each event once. */
class FreeswitchFilesTest {
  private final FreeswitchFormat format = new FreeswitchFormat();

  static Stream<Path> files() {
    return Fixtures.files("freeswitch-esl").stream();
  }

  @ParameterizedTest
  @MethodSource("files")
  void everyEventOfTheFileIsFoundAndNothingIsMalformed(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    List<Parsed> parsed = Readers.readAll(format, bytes, file.toString());
    List<Parsed> malformed = parsed.stream().filter(p -> p instanceof Parsed.Malformed).toList();
    assertTrue(malformed.isEmpty(), () -> "malformed pieces: " + FreeswitchCorpusTest.describeAll(malformed));
    Map<String, Integer> actual = new TreeMap<>();
    for (Parsed.Event e : Readers.events(parsed)) actual.merge(e.action(), 1, Integer::sum);
    assertEquals(Fixtures.contents("freeswitch-esl", file.getFileName().toString()), actual,
        () -> "pieces: " + FreeswitchCorpusTest.describeAll(parsed));
    String name = file.getFileName().toString();
    if (name.contains("plain") || name.contains("bare") || name.endsWith(".json")) {
      // plain events and the json_cdr document also by the corpus suite's scan, independent of the reader
      assertEquals(FreeswitchCorpusTest.expectedActions(bytes), actual);
    }
  }

  @ParameterizedTest
  @MethodSource("files")
  void formatIsDetectedFromTheFirstBytes(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    assertTrue(format.detect(bytes, Math.min(bytes.length, 8192)), file.getFileName() + " not detected");
  }

  @ParameterizedTest
  @MethodSource("files")
  void everyPieceGoesThroughThePipelineWithTheStandardEnrichers(Path file) {
    List<IndexDoc> out = new ArrayList<>();
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    Pipeline pipeline = new Pipeline(Enrichers.standard(), Sinks.into(out), Clock.fixed(now, ZoneOffset.UTC));
    List<Parsed> parsed = Readers.readAll(format, file);
    for (Parsed p : parsed) pipeline.accept(p, format, new SourceContext(null, Map.of(), now));
    int events = Fixtures.contents("freeswitch-esl", file.getFileName().toString()).values().stream()
        .mapToInt(Integer::intValue).sum();
    assertEquals(events, pipeline.events.sum());
    List<IndexDoc> indexed = out.stream().filter(d -> d.type() == IndexType.EVENTS).toList();
    assertEquals(events, indexed.size());
    for (IndexDoc d : indexed) {
      assertEquals("freeswitch.esl", d.doc().get("event.dataset"));
      assertTrue(d.doc().get("freeswitch") instanceof Map<?, ?>, "raw headers under freeswitch");
    }
  }
}
