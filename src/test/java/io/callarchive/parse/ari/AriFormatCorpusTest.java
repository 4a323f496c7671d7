package io.callarchive.parse.ari;

import static io.callarchive.parse.ari.AriFormatTest.ARI;
import static io.callarchive.parse.ari.AriFormatTest.normalise;
import static io.callarchive.parse.json.Pieces.assertAccounted;
import static io.callarchive.parse.json.Pieces.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Corpus;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Formats;
import io.callarchive.parse.Readers;
import io.callarchive.parse.json.Pieces;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.SourceContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Conformance: the ARI format on the events of the shared corpus. */
class AriFormatCorpusTest {
  static List<Parsed> corpusFile(String name) {
    return Readers.readAll(ARI, Corpus.dir("asterisk-ari").resolve(name));
  }

  /** The first event of the corpus with this type, normalised. */
  static Doc corpusDoc(String type) {
    for (Path f : Corpus.files("asterisk-ari")) {
      for (Parsed.Event e : Readers.events(Readers.readAll(ARI, f))) {
        if (e.action().equals(type)) return normalise(e);
      }
    }
    throw new AssertionError("no " + type + " in the corpus");
  }

  @Test
  void wholeCorpusParsesWithoutMalformedPiecesAndEveryByteAccounted() throws IOException {
    for (Path f : Corpus.files("asterisk-ari")) {
      if (f.getFileName().toString().endsWith(".md")) continue;
      byte[] bytes = Files.readAllBytes(f);
      List<Parsed> ps = Readers.readAll(ARI, bytes, f.toString());
      assertEquals(List.of(), Pieces.malformed(ps), f.toString());
      assertAccounted(bytes, ps);
    }
  }

  @Test
  void eventCountsPerTypeMatchAnIndependentJacksonReadAndTheProvenance() {
    int files = 0;
    for (Path f : Corpus.files("asterisk-ari")) {
      String name = f.getFileName().toString();
      if (name.endsWith(".md")) continue;
      Map<String, Integer> got = Pieces.eventCounts(Readers.readAll(ARI, f));
      Map<String, Integer> jackson =
          Pieces.jacksonCounts(f, o -> o.get("type") instanceof String s && !o.containsKey("swaggerVersion") ? s : null);
      assertEquals(jackson, got, name);
      assertEquals(Pieces.provenanceCounts("asterisk-ari", name), got, name);
      files++;
    }
    assertTrue(files >= 5, "corpus files read: " + files);
  }

  @Test
  void swaggerSchemaFileIsSkippedAsDocumentationNotMalformed() {
    List<Parsed> ps = corpusFile("asterisk__rest-api-api-docs-events.json__SCHEMA-not-events.json");
    assertEquals(1, ps.size());
    Parsed.Skipped s = assertInstanceOf(Parsed.Skipped.class, ps.get(0));
    assertTrue(s.reason().contains("Swagger"), s.reason());
  }

  @Test
  void channelCreatedFromTheCorpusIsTheStartOfALeg() {
    Doc d = corpusDoc("ChannelCreated");
    assertEquals("1587708468.7504", d.get("call.id"));
    assertEquals("1587708468.7504", d.get("channel.id"));
    assertEquals("PJSIP/in-voipbin-00001d4b", d.get("channel.name"));
    assertEquals("Ring", d.get("channel.state"));
    assertEquals("5", d.get("caller.number"));
    assertNull(d.get("caller.name"), "an empty name is absent");
    assertEquals("in-voipbin", d.get("dialplan.context"));
    assertEquals("701146842002329", d.get("dialplan.exten"));
    assertEquals(1L, d.get("dialplan.priority"));
    assertEquals(List.of("start"), d.get("event.type"));
    assertEquals(List.of("session"), d.get("event.category"));
  }

  @Test
  void channelDestroyedCarriesTheQ850CauseAndEndsTheLeg() {
    Doc d = corpusDoc("ChannelDestroyed");
    assertEquals("1586480922.6170", d.get("channel.id"));
    assertEquals(18L, d.get("hangup.cause.q850"));
    assertEquals(List.of("end"), d.get("event.type"));
    assertEquals("3400001", d.get("caller.number"));
  }

  @Test
  void channelStateChangeFromTheCorpusCarriesTheNewStateAndConnectedParty() {
    List<Parsed.Event> es = Readers.events(corpusFile("cgrates__ari-events.jsonl"));
    Parsed.Event e = es.stream().filter(x -> x.action().equals("ChannelStateChange")).findFirst().orElseThrow();
    Doc d = normalise(e);
    assertEquals("Up", d.get("channel.state"));
    assertEquals("1001", d.get("caller.number"));
    assertEquals("1001", d.get("caller.name"));
    assertEquals("1002", d.get("callee.number"));
    assertEquals(Instant.parse("2016-09-12T11:53:52.110Z"), e.time());
  }

  @Test
  void channelVarsetFromTheCorpusKeepsVariableAndValueRaw() {
    Parsed.Event e = Readers.events(corpusFile("voipbin-monorepo__ari-events.jsonl")).stream()
        .filter(x -> x.action().equals("ChannelVarset")).findFirst().orElseThrow();
    assertEquals("STASISSTATUS", e.fields().get("variable"));
    assertEquals("", e.fields().get("value"));
    assertEquals("instance-asterisk-production-europe-west4-a-1-1597539159.80042", normalise(e).get("call.id"));
  }

  @Test
  void playbackEventsFromTheCorpusBelongToTheirTargetChannel() {
    for (String type : List.of("PlaybackStarted", "PlaybackContinuing", "PlaybackFinished")) {
      Doc d = corpusDoc(type);
      String call = (String) d.get("call.id");
      assertTrue(call != null && !call.startsWith("channel:"), type + " " + call);
      assertNull(d.get("channel.id"), type);
    }
    List<Parsed.Event> doc = Readers.events(corpusFile("asterisk-documentation__ari-doc-examples.json-stream.txt"));
    Parsed.Event started = doc.stream().filter(e -> e.action().equals("PlaybackStarted")).findFirst().orElseThrow();
    assertEquals("1400609726.3", normalise(started).get("call.id"));
    assertEquals("playing", ((Map<?, ?>) started.fields().get("playback")).get("state"));
  }

  @Test
  void stasisStartAndEndFromTheCorpusCarryTheChannelAndArgs() {
    List<Parsed.Event> es = Readers.events(corpusFile("io.netlibs.ami__ari-events.jsonl"));
    Parsed.Event start = es.get(0);
    assertEquals("StasisStart", start.action());
    assertEquals(List.of("dwedewd"), start.fields().get("args"));
    Doc d = normalise(start);
    assertEquals("1697458488.14", d.get("call.id"));
    assertEquals("Theo", d.get("caller.name"));
    assertEquals("100-theo", d.get("caller.number"));
    assertEquals("Stasis", d.get("dialplan.app"));
    Parsed.Event end = es.get(2);
    assertEquals("StasisEnd", end.action());
    assertEquals("1697459182.15", normalise(end).get("channel.id"));
    assertEquals(Instant.parse("2023-10-16T12:26:24.703Z"), end.time());
  }

  @Test
  void bridgeCreatedAndDestroyedFromTheCorpusAreKeyedByTheBridge() {
    for (String type : List.of("BridgeCreated", "BridgeDestroyed")) {
      Doc d = corpusDoc(type);
      assertEquals("0e9f0998-8ec2-11ea-970a-df70fd3c4853", d.get("call.id"), type);
      assertEquals("0e9f0998-8ec2-11ea-970a-df70fd3c4853", d.get("dialog.id"), type);
      assertNull(d.get("channel.id"), type);
    }
  }

  @Test
  void channelEnteredBridgeLinksTheLegToTheBridge() {
    Doc d = corpusDoc("ChannelEnteredBridge");
    assertEquals("06df8336-8ec7-11ea-80ac-ffd373732383", d.get("dialog.id"));
    assertEquals("1588549537.157", d.get("channel.id"));
    assertEquals("1588549537.157", d.get("call.id"));
  }

  @Test
  void endpointEventsAreHostCategory() {
    Doc d = corpusDoc("PeerStatusChange");
    assertEquals(List.of("host"), d.get("event.category"));
    assertNull(d.get("call.id"));
  }

  @Test
  void pipelineKeepsTheJsonTreeUnderAriAndTakesTheNodeFromAsteriskId() {
    Parsed.Event e = Readers.events(corpusFile("cgrates__ari-events.jsonl")).get(2);
    Pipeline p = new Pipeline(List.of(), new AriFormatTest.Sink(), Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));
    IndexDoc doc = p.normalise(e, ARI, new SourceContext(null, Map.of(), Instant.EPOCH));
    assertEquals("08:00:27:b7:b8:1f", doc.doc().get("observer.name"));
    assertEquals("asterisk.ari", doc.doc().get("event.dataset"));
    assertEquals("StasisStart", doc.doc().get("event.action"));
    assertEquals("1543140206.0", doc.doc().get("ari.channel.id"));
    assertEquals("2018-11-25T10:03:26.464Z", doc.doc().get("@timestamp"));
  }

  @Test
  void detectRecognisesAriButNotKazooOrAmi() throws IOException {
    for (Path f : Corpus.files("asterisk-ari")) {
      byte[] head = Files.readAllBytes(f);
      int n = Math.min(head.length, 4096);
      assertTrue(ARI.detect(head, n), f.toString());
      assertEquals("ari", Formats.standard().detect(head, n).orElseThrow().name(), f.toString());
    }
    for (Path f : Corpus.files("kazoo-amqp")) {
      byte[] head = Files.readAllBytes(f);
      assertFalse(ARI.detect(head, Math.min(head.length, 4096)), f.toString());
    }
    byte[] ami = utf8("Asterisk Call Manager/5.0.1\r\nEvent: Newchannel\r\n");
    assertFalse(ARI.detect(ami, ami.length));
  }

}
