package io.callarchive.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Fixtures;
import io.callarchive.source.FileInputs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The registry (house style rule 9): every registered format has fixtures it recognises and reads. */
class FormatsTest {

  @Test
  void everyRegisteredFormatHasFixturesThatItDetectsAndReadsEventsFrom() throws Exception {
    List<Path> fixtures = new ArrayList<>();
    for (String folder : List.of("asterisk-ami", "asterisk-ari", "kazoo-amqp", "freeswitch-esl", "ccs")) {
      fixtures.addAll(Fixtures.files(folder));
    }
    fixtures.addAll(FileInputs.expand(List.of(Path.of(System.getProperty("callarchive.project"), "ingest", "samples"))));
    Map<String, Integer> eventsByFormat = new TreeMap<>();
    Formats formats = Formats.standard();
    for (Path f : fixtures) {
      FileInputs.Opened o = FileInputs.open(f);
      o.stream().close();
      formats.detect(o.head(), o.headLength()).ifPresent(format ->
          eventsByFormat.merge(format.name(), Readers.events(Readers.readAll(format, f)).size(), Integer::sum));
    }
    for (EventFormat format : formats.all()) {
      assertTrue(eventsByFormat.getOrDefault(format.name(), 0) > 0, format.name() + " has no fixture with events");
    }
    assertEquals(List.of("freeswitch", "ami", "ari", "kazoo", "ccs"), formats.all().stream().map(EventFormat::name).toList());
  }
}
