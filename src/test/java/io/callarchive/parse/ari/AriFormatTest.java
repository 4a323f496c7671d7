package io.callarchive.parse.ari;

import static io.callarchive.parse.json.Pieces.assertAccounted;
import static io.callarchive.parse.json.Pieces.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Fixtures;
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

class AriFormatTest {
  static final AriFormat ARI = new AriFormat();

  static List<Parsed> fixtureFile(String name) {
    return Readers.readAll(ARI, Fixtures.file("asterisk-ari", name));
  }

  /** The first event of the fixtures with this type, normalised. */
  static Doc fixtureDoc(String type) {
    for (Path f : Fixtures.files("asterisk-ari")) {
      for (Parsed.Event e : Readers.events(Readers.readAll(ARI, f))) {
        if (e.action().equals(type)) return normalise(e);
      }
    }
    throw new AssertionError("no " + type + " in the fixtures");
  }

  static Doc normalise(Parsed.Event e) {
    Doc d = new Doc();
    ARI.normalise(e, d);
    return d;
  }

  static Parsed.Event one(String json) {
    List<Parsed> ps = Readers.readAll(ARI, utf8(json), "t");
    assertEquals(1, ps.size(), ps.toString());
    return assertInstanceOf(Parsed.Event.class, ps.get(0));
  }

  @Test
  void everyFixtureParsesWithoutMalformedPiecesAndEveryByteAccounted() throws IOException {
    for (Path f : Fixtures.files("asterisk-ari")) {
      byte[] bytes = Files.readAllBytes(f);
      List<Parsed> ps = Readers.readAll(ARI, bytes, f.toString());
      assertEquals(List.of(), Pieces.malformed(ps), f.toString());
      assertAccounted(bytes, ps);
    }
  }

  @Test
  void eventCountsPerTypeMatchAnIndependentJacksonReadAndTheContentsList() {
    int files = 0;
    for (Path f : Fixtures.files("asterisk-ari")) {
      String name = f.getFileName().toString();
      Map<String, Integer> got = Pieces.eventCounts(Readers.readAll(ARI, f));
      Map<String, Integer> jackson =
          Pieces.jacksonCounts(f, o -> o.get("type") instanceof String s && !s.equals("MissingParams") ? s : null);
      assertEquals(jackson, got, name);
      assertEquals(Fixtures.contents("asterisk-ari", name), got, name);
      files++;
    }
    assertEquals(3, files, "JSON lines, pretty-printed objects, an array");
  }

  @Test
  void missingParamsInsideAnArrayIsSkippedAsAReply() {
    List<Parsed> ps = fixtureFile("endpoints-array.json");
    assertEquals(6, ps.size());
    Parsed.Skipped s = assertInstanceOf(Parsed.Skipped.class, ps.get(4));
    assertEquals("MissingParams is a reply, not an event", s.reason());
  }

  @Test
  void channelCreatedFromTheFixturesIsTheStartOfALeg() {
    Doc d = fixtureDoc("ChannelCreated");
    assertEquals("1764592200.60", d.get("call.id"));
    assertEquals("1764592200.60", d.get("channel.id"));
    assertEquals("PJSIP/4001-00000030", d.get("channel.name"));
    assertEquals("Ring", d.get("channel.state"));
    assertEquals("4001", d.get("caller.number"));
    assertEquals("Ines Carpentier", d.get("caller.name"));
    assertNull(d.get("callee.name"), "an empty connected name is absent");
    assertNull(d.get("callee.number"), "an empty connected number is absent");
    assertEquals("from-internal", d.get("dialplan.context"));
    assertEquals("4002", d.get("dialplan.exten"));
    assertEquals(1L, d.get("dialplan.priority"));
    assertEquals(List.of("start"), d.get("event.type"));
    assertEquals(List.of("session"), d.get("event.category"));
  }

  @Test
  void channelDestroyedFromTheFixturesCarriesTheQ850CauseAndEndsTheLeg() {
    Doc d = fixtureDoc("ChannelDestroyed");
    assertEquals("1764592201.61", d.get("channel.id"));
    assertEquals(16L, d.get("hangup.cause.q850"));
    assertEquals(List.of("end"), d.get("event.type"));
    assertEquals("4002", d.get("caller.number"));
  }

  @Test
  void channelStateChangeFromTheFixturesCarriesTheNewStateAndConnectedParty() {
    Parsed.Event e = Readers.events(fixtureFile("answered-call.jsonl")).stream()
        .filter(x -> x.action().equals("ChannelStateChange")).findFirst().orElseThrow();
    Doc d = normalise(e);
    assertEquals("Ringing", d.get("channel.state"));
    assertEquals("4002", d.get("caller.number"));
    assertEquals("Louis Bernard", d.get("caller.name"));
    assertEquals("4001", d.get("callee.number"));
    assertEquals("Ines Carpentier", d.get("callee.name"));
    assertEquals(Instant.parse("2025-12-01T12:30:01.300Z"), e.time(), "13:30:01.300+0100");
  }

  @Test
  void channelVarsetFromTheFixturesKeepsVariableAndValueRaw() {
    List<Parsed.Event> sets = Readers.events(fixtureFile("answered-call.jsonl")).stream()
        .filter(x -> x.action().equals("ChannelVarset")).toList();
    assertEquals(2, sets.size());
    assertEquals("BRIDGEPEER", sets.get(0).fields().get("variable"));
    assertEquals("PJSIP/4001-00000030", sets.get(0).fields().get("value"));
    assertEquals("1764592201.61", normalise(sets.get(0)).get("call.id"));
    assertEquals("GLOBAL_NIGHT_MODE", sets.get(1).fields().get("variable"));
    assertNull(normalise(sets.get(1)).get("call.id"), "a global variable has no channel");
  }

  @Test
  void linkedidChannelVarOfTheFixturesGroupsTheDialledLegWithItsCaller() {
    List<Parsed.Event> es = Readers.events(fixtureFile("busy-noanswer-playback_pretty.json"));
    Parsed.Event destroyed = es.stream().filter(x -> x.action().equals("ChannelDestroyed")).findFirst().orElseThrow();
    Doc d = normalise(destroyed);
    assertEquals("1764594000.71", d.get("channel.id"));
    assertEquals("1764594000.70", d.get("call.id"), "channelvars CHANNEL(linkedid)");
    assertEquals(17L, d.get("hangup.cause.q850"));
    Doc busy = normalise(es.stream().filter(x -> x.action().equals("Dial") && "BUSY".equals(x.fields().get("dialstatus")))
        .findFirst().orElseThrow());
    assertEquals("failure", busy.get("event.outcome"));
    assertEquals("1764594000.70", busy.get("call.id"));
    assertEquals("1764594000.71", busy.get("channel.id"));
  }

  @Test
  void playbackEventsFromTheFixturesBelongToTheirTargetChannel() {
    for (String type : List.of("PlaybackStarted", "PlaybackFinished")) {
      Doc d = fixtureDoc(type);
      assertEquals("1764594000.70", d.get("call.id"), type + ": target_uri channel:1764594000.70");
      assertNull(d.get("channel.id"), type);
    }
    Parsed.Event started = Readers.events(fixtureFile("busy-noanswer-playback_pretty.json")).stream()
        .filter(e -> e.action().equals("PlaybackStarted")).findFirst().orElseThrow();
    assertEquals("playing", ((Map<?, ?>) started.fields().get("playback")).get("state"));
  }

  @Test
  void stasisStartAndEndFromTheFixturesCarryTheChannelAndArgs() {
    List<Parsed.Event> es = Readers.events(fixtureFile("answered-call.jsonl"));
    Parsed.Event start = es.get(1);
    assertEquals("StasisStart", start.action());
    assertEquals(List.of("inbound"), start.fields().get("args"));
    Doc d = normalise(start);
    assertEquals("1764592200.60", d.get("call.id"));
    assertEquals("Ines Carpentier", d.get("caller.name"));
    assertEquals("4001", d.get("caller.number"));
    assertEquals("Stasis", d.get("dialplan.app"));
    assertEquals("archiver,inbound", d.get("dialplan.app_data"));
    Parsed.Event end = es.stream().filter(e -> e.action().equals("StasisEnd")).findFirst().orElseThrow();
    assertEquals("1764592200.60", normalise(end).get("channel.id"));
    assertEquals(Instant.parse("2025-12-01T12:31:05.045Z"), end.time());
  }

  @Test
  void bridgeCreatedAndDestroyedFromTheFixturesAreKeyedByTheBridge() {
    for (String type : List.of("BridgeCreated", "BridgeDestroyed")) {
      Doc d = fixtureDoc(type);
      assertEquals("c0ffee00-1b2c-4d5e-8f90-a1b2c3d4e5f6", d.get("call.id"), type);
      assertEquals("c0ffee00-1b2c-4d5e-8f90-a1b2c3d4e5f6", d.get("dialog.id"), type);
      assertNull(d.get("channel.id"), type);
    }
  }

  @Test
  void channelEnteredBridgeFromTheFixturesLinksTheLegToTheBridge() {
    Doc d = fixtureDoc("ChannelEnteredBridge");
    assertEquals("c0ffee00-1b2c-4d5e-8f90-a1b2c3d4e5f6", d.get("dialog.id"));
    assertEquals("1764592201.61", d.get("channel.id"));
    assertEquals("1764592201.61", d.get("call.id"));
  }

  @Test
  void endpointAndDeviceEventsOfTheFixturesAreHostCategory() {
    for (String type : List.of("PeerStatusChange", "ContactStatusChange", "EndpointStateChange", "DeviceStateChanged")) {
      Doc d = fixtureDoc(type);
      assertEquals(List.of("host"), d.get("event.category"), type);
      assertNull(d.get("call.id"), type);
    }
  }

  @Test
  void pipelineKeepsTheJsonTreeUnderAriAndTakesTheNodeFromAsteriskIdOfAFixture() {
    Parsed.Event e = Readers.events(fixtureFile("answered-call.jsonl")).get(1);
    Pipeline p = new Pipeline(List.of(), new Sink(), Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    IndexDoc doc = p.normalise(e, ARI, new SourceContext(null, Map.of(), Instant.EPOCH));
    assertEquals("52:54:00:12:34:56", doc.doc().get("observer.name"));
    assertEquals("asterisk.ari", doc.doc().get("event.dataset"));
    assertEquals("StasisStart", doc.doc().get("event.action"));
    assertEquals("1764592200.60", doc.doc().get("ari.channel.id"));
    assertEquals("2025-12-01T12:30:00.120Z", doc.doc().get("@timestamp"));
  }

  @Test
  void detectRecognisesAriFixturesButNotKazooOrAmi() throws IOException {
    for (Path f : Fixtures.files("asterisk-ari")) {
      byte[] head = Files.readAllBytes(f);
      int n = Math.min(head.length, 4096);
      assertTrue(ARI.detect(head, n), f.toString());
      assertEquals("ari", Formats.standard().detect(head, n).orElseThrow().name(), f.toString());
    }
    for (String other : List.of("kazoo-amqp", "ccs")) {
      for (Path f : Fixtures.files(other)) {
        byte[] head = Files.readAllBytes(f);
        assertFalse(ARI.detect(head, Math.min(head.length, 4096)), f.toString());
      }
    }
    byte[] ami = utf8("Asterisk Call Manager/5.0.1\r\nEvent: Newchannel\r\n");
    assertFalse(ARI.detect(ami, ami.length));
  }

  @Test
  void swaggerDeclarationOfTheEventsIsSkippedAsDocumentationNotMalformed() {
    // the shape of rest-api/api-docs/events.json: a Swagger 1.2 API declaration, no "type"
    byte[] decl = utf8("{\"_copyright\":\"\",\"apiVersion\":\"2.0.0\",\"swaggerVersion\":\"1.2\","
        + "\"basePath\":\"http://localhost:8088/ari\",\"resourcePath\":\"/api-docs/events.{format}\","
        + "\"apis\":[],\"models\":{\"Message\":{\"id\":\"Message\",\"properties\":{}}}}");
    assertTrue(ARI.detect(decl, decl.length));
    List<Parsed> ps = Readers.readAll(ARI, decl, "t");
    assertEquals(1, ps.size());
    Parsed.Skipped s = assertInstanceOf(Parsed.Skipped.class, ps.get(0));
    assertTrue(s.reason().contains("Swagger"), s.reason());
  }

  @Test
  void objectWithoutTypeIsSkippedAndMissingParamsIsAReply() {
    List<Parsed> ps =
        Readers.readAll(ARI, utf8("{\"foo\":1}\n{\"type\":\"MissingParams\",\"params\":[\"app\"]}\n{\"type\":7}"), "t");
    assertEquals("JSON object without 'type' is not an ARI message", ((Parsed.Skipped) ps.get(0)).reason());
    assertInstanceOf(Parsed.Skipped.class, ps.get(1));
    assertInstanceOf(Parsed.Malformed.class, ps.get(2));
  }

  @Test
  void timestampWithOffsetWithoutColonIsParsedWithMilliseconds() {
    Parsed.Event e = one("{\"type\":\"ChannelCreated\",\"timestamp\":\"2014-05-20T13:15:27.131-0500\",\"application\":\"a\"}");
    assertEquals(Instant.parse("2014-05-20T18:15:27.131Z"), e.time());
    assertEquals("ms", e.timePrecision());
    Parsed.Event colon = one("{\"type\":\"ChannelCreated\",\"timestamp\":\"2020-02-10T13:08:18.888+01:00\"}");
    assertEquals(Instant.parse("2020-02-10T12:08:18.888Z"), colon.time());
    Parsed.Event zulu = one("{\"type\":\"RecordingStarted\",\"timestamp\":\"2020-02-10T13:08:18.888Z\"}");
    assertEquals(Instant.parse("2020-02-10T13:08:18.888Z"), zulu.time());
    Parsed.Event none = one("{\"type\":\"PlaybackStarted\",\"application\":\"a\"}");
    assertNull(none.time());
    assertNull(none.timePrecision());
  }

  @Test
  void channelDestroyedWithACauseOfTheWrongTypeIsStillAnEventWithoutCause() {
    Parsed.Event e = one("{\"type\":\"ChannelDestroyed\",\"timestamp\":\"2020-04-10T01:09:12.924+0000\","
        + "\"cause\":\"wrong type\",\"asterisk_id\":\"42:01:0a:a4:00:03\",\"application\":\"voipbin\"}");
    Doc d = normalise(e);
    assertNull(d.get("hangup.cause.q850"));
    assertNull(d.get("call.id"));
  }

  @Test
  void channelDialplanTakesTheApplicationFromTheEvent() {
    // §2.4: ChannelDialplan = channel, dialplan_app, dialplan_app_data
    Doc d = normalise(one("{\"type\":\"ChannelDialplan\",\"timestamp\":\"2023-01-05T10:00:00.000+0000\","
        + "\"application\":\"rec\",\"asterisk_id\":\"08:00:27:b7:b8:1f\",\"dialplan_app\":\"Dial\","
        + "\"dialplan_app_data\":\"PJSIP/200,30\",\"channel\":{\"id\":\"1672912800.11\",\"name\":\"PJSIP/100-0000000b\","
        + "\"state\":\"Ring\",\"caller\":{\"name\":\"Alice\",\"number\":\"100\"},\"connected\":{\"name\":\"\","
        + "\"number\":\"\"},\"accountcode\":\"\",\"dialplan\":{\"context\":\"internal\",\"exten\":\"200\","
        + "\"priority\":2,\"app_name\":\"Dial\",\"app_data\":\"PJSIP/200,30\"},"
        + "\"creationtime\":\"2023-01-05T10:00:00.000+0000\",\"language\":\"en\"}}"));
    assertEquals("Dial", d.get("dialplan.app"));
    assertEquals("PJSIP/200,30", d.get("dialplan.app_data"));
    assertEquals("internal", d.get("dialplan.context"));
    assertEquals(2L, d.get("dialplan.priority"));
    assertEquals("Alice", d.get("caller.name"));
  }

  @Test
  void globalChannelVarsetWithoutChannelHasNoCallId() {
    // §2.7 item 1: channel is optional on ChannelVarset (global variables)
    Doc d = normalise(one("{\"type\":\"ChannelVarset\",\"timestamp\":\"2023-01-05T10:00:00.000+0000\","
        + "\"variable\":\"GLOBAL_X\",\"value\":\"1\",\"application\":\"a\"}"));
    assertNull(d.get("call.id"));
    assertNull(d.get("channel.id"));
    assertEquals(List.of("info"), d.get("event.type"));
  }

  static final String DIAL_CALLER = "{\"id\":\"1672912800.11\",\"name\":\"PJSIP/100-0000000b\",\"state\":\"Ring\","
      + "\"caller\":{\"name\":\"Alice\",\"number\":\"100\"},\"connected\":{\"name\":\"\",\"number\":\"\"},"
      + "\"accountcode\":\"\",\"dialplan\":{\"context\":\"internal\",\"exten\":\"200\",\"priority\":2},"
      + "\"creationtime\":\"2023-01-05T10:00:00.000+0000\",\"language\":\"en\"}";
  static final String DIAL_PEER = "{\"id\":\"1672912801.12\",\"name\":\"PJSIP/200-0000000c\",\"state\":\"Down\","
      + "\"caller\":{\"name\":\"Bob\",\"number\":\"200\"},\"connected\":{\"name\":\"Alice\",\"number\":\"100\"},"
      + "\"accountcode\":\"\",\"dialplan\":{\"context\":\"internal\",\"exten\":\"s\",\"priority\":1},"
      + "\"creationtime\":\"2023-01-05T10:00:01.000+0000\",\"language\":\"en\"}";

  @Test
  void dialIsAboutThePeerLegAndBelongsToTheCallersSession() {
    // §2.4: Dial = peer (dialled channel), caller?, dialstatus ("" at start), dialstring?
    Doc start = normalise(one("{\"type\":\"Dial\",\"timestamp\":\"2023-01-05T10:00:01.000+0000\",\"application\":\"a\","
        + "\"dialstatus\":\"\",\"dialstring\":\"200\",\"caller\":" + DIAL_CALLER + ",\"peer\":" + DIAL_PEER + "}"));
    assertEquals("1672912800.11", start.get("call.id"));
    assertEquals("1672912801.12", start.get("channel.id"));
    assertEquals("1672912800.11", start.get("channel.peer_id"));
    assertEquals("PJSIP/200-0000000c", start.get("channel.name"));
    assertEquals("100", start.get("caller.number"));
    assertEquals("Alice", start.get("caller.name"));
    assertEquals("200", start.get("callee.number"));
    assertEquals("Bob", start.get("callee.name"));
    assertNull(start.get("event.outcome"), "the first Dial of an attempt has no outcome yet");

    Doc busy = normalise(one("{\"type\":\"Dial\",\"timestamp\":\"2023-01-05T10:00:05.000+0000\",\"application\":\"a\","
        + "\"dialstatus\":\"BUSY\",\"caller\":" + DIAL_CALLER + ",\"peer\":" + DIAL_PEER + "}"));
    assertEquals("failure", busy.get("event.outcome"));
    Doc answered = normalise(one("{\"type\":\"Dial\",\"dialstatus\":\"ANSWER\",\"peer\":" + DIAL_PEER + "}"));
    assertEquals("success", answered.get("event.outcome"));
    assertEquals("1672912801.12", answered.get("call.id"), "without caller the peer leg is the key");
  }

  @Test
  void linkedidChannelVarIsTheSessionKeyWhenConfigured() {
    // §2.6: channelvars = CHANNEL(linkedid) in ari.conf
    Doc d = normalise(one("{\"type\":\"ChannelStateChange\",\"application\":\"a\",\"channel\":{\"id\":\"1.2\","
        + "\"channelvars\":{\"CHANNEL(linkedid)\":\"1.1\"}}}"));
    assertEquals("1.1", d.get("call.id"));
    assertEquals("1.2", d.get("channel.id"));
  }

  @Test
  void bridgeMergedAndTransfersAreEvents() {
    // §2.4: BridgeMerged = bridge, bridge_from; BridgeBlindTransfer = channel, exten, context, result, is_external
    Doc merged = normalise(one("{\"type\":\"BridgeMerged\",\"timestamp\":\"2023-01-05T10:01:00.000+0000\","
        + "\"application\":\"a\",\"bridge\":{\"id\":\"b-1\",\"technology\":\"simple_bridge\",\"bridge_type\":\"mixing\","
        + "\"bridge_class\":\"stasis\",\"creator\":\"Stasis\",\"name\":\"\",\"channels\":[\"1.1\",\"1.2\"]},"
        + "\"bridge_from\":{\"id\":\"b-2\",\"technology\":\"simple_bridge\",\"channels\":[]}}"));
    assertEquals("b-1", merged.get("call.id"));
    Doc blind = normalise(one("{\"type\":\"BridgeBlindTransfer\",\"timestamp\":\"2023-01-05T10:02:00.000+0000\","
        + "\"application\":\"a\",\"channel\":" + DIAL_CALLER + ",\"exten\":\"300\",\"context\":\"internal\","
        + "\"result\":\"Success\",\"is_external\":false,\"bridge\":{\"id\":\"b-1\"}}"));
    assertEquals("1672912800.11", blind.get("call.id"));
    assertEquals("b-1", blind.get("dialog.id"));
    Doc attended = normalise(one("{\"type\":\"BridgeAttendedTransfer\",\"timestamp\":\"2023-01-05T10:02:00.000+0000\","
        + "\"application\":\"a\",\"transferer_first_leg\":" + DIAL_CALLER + ",\"transferer_second_leg\":" + DIAL_PEER
        + ",\"result\":\"Success\",\"is_external\":false,\"destination_type\":\"bridge\",\"destination_bridge\":\"b-1\"}"));
    assertEquals("1672912800.11", attended.get("channel.id"));
  }

  /** A sink that keeps nothing: the test reads the document the pipeline returns. */
  static final class Sink implements io.callarchive.pipeline.DocSink {
    public void accept(IndexDoc doc) {}

    public void flush() {}

    public void close() {}
  }
}
