package io.callarchive.parse.ami;

import static io.callarchive.parse.ami.AmiEventCatalogTest.assertArchived;
import static io.callarchive.parse.ami.AmiEventCatalogTest.corpusSamples;
import static io.callarchive.parse.ami.AmiEventCatalogTest.specNames;
import static io.callarchive.parse.ami.AmiEventCatalogTest.specSamples;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.callarchive.model.Parsed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Conformance: every AMI event type that event-sources §1 (in the shared spec) or the shared corpus names has a
 * sample, the corpus's own where it has one, and is archived with its key fields.
 */
class AmiEventCatalogCorpusTest {

  @Test
  void catalogueNamesAtLeastTheEightyFiveEventsOfTheSeedDocuments() {
    Map<String, String> catalogue = new LinkedHashMap<>(specNames());
    corpusSamples().forEach((k, e) -> catalogue.putIfAbsent(k, e.action()));
    assertTrue(catalogue.size() >= 85, "catalogue has " + catalogue.size() + " names: " + catalogue.values());
    for (String n : List.of("AgentCalled", "VarSet", "AOC-S", "AOC-D", "AOC-E", "RTCPReceived", "RTCPSent",
        "InvalidTransport", "CEL", "Cdr", "UserEvent", "QueueStatusComplete", "LocalOptimizationEnd")) {
      assertTrue(catalogue.containsKey(n.toLowerCase(Locale.ROOT)), n + " in " + catalogue.values());
    }
    for (String notAnEvent : List.of("uniqueid", "interface", "call", "reporting", "bridge*")) {
      assertTrue(!catalogue.containsKey(notAnEvent), notAnEvent + " is not an event name");
    }
  }

  @Test
  void handWrittenSamplesAreOnlyForEventsTheCorpusLacks() {
    Map<String, Parsed.Event> corpus = corpusSamples();
    Map<String, String> spec = specNames();
    for (String k : specSamples().keySet()) {
      assertTrue(!corpus.containsKey(k), k + " has a corpus sample, the hand-written one is redundant");
      assertTrue(spec.containsKey(k), k + " is not named in event-sources §1");
    }
  }

  @TestFactory
  List<DynamicTest> everyCatalogueEventIsArchivedWithItsKeyFields() {
    Map<String, Parsed.Event> corpus = corpusSamples();
    Map<String, Parsed.Event> spec = specSamples();
    Map<String, String> catalogue = new LinkedHashMap<>(specNames());
    corpus.forEach((k, e) -> catalogue.putIfAbsent(k, e.action()));
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, String> c : catalogue.entrySet()) {
      Parsed.Event sample = corpus.containsKey(c.getKey()) ? corpus.get(c.getKey()) : spec.get(c.getKey());
      if (sample == null) {
        tests.add(DynamicTest.dynamicTest(c.getValue() + " (no sample)", () -> fail("no sample for " + c.getValue())));
        continue;
      }
      String origin = corpus.containsKey(c.getKey()) ? "corpus" : "spec sample";
      tests.add(DynamicTest.dynamicTest(c.getValue() + " (" + origin + ")", () -> assertArchived(c.getValue(), sample)));
    }
    return tests;
  }

}
