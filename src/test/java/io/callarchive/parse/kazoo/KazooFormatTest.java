package io.callarchive.parse.kazoo;

import static io.callarchive.parse.json.Pieces.assertAccounted;
import static io.callarchive.parse.json.Pieces.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Fixtures;
import io.callarchive.model.Doc;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Formats;
import io.callarchive.parse.Readers;
import io.callarchive.parse.json.Pieces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KazooFormatTest {
  static final KazooFormat KAZOO = new KazooFormat();

  static List<Parsed.Event> fixtureEvents(String file) {
    return Readers.events(Readers.readAll(KAZOO, Fixtures.file("kazoo-amqp", file)));
  }

  /** The first event of a fixture with this name and Call-ID. */
  static Parsed.Event fixtureEvent(String file, String name, String callId) {
    return fixtureEvents(file).stream()
        .filter(e -> e.action().equals(name) && callId.equals(e.fields().get("Call-ID")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " of " + callId + " in " + file));
  }

  static final String WEBSOCKET = "busy-noanswer-transfer_websocket-pretty.json";
  static final String AMQP = "answered-call_amqp.jsonl";

  static Doc normalise(Parsed.Event e) {
    Doc d = new Doc();
    KAZOO.normalise(e, d);
    return d;
  }

  static Parsed.Event one(String json) {
    List<Parsed> ps = Readers.readAll(KAZOO, utf8(json), "t");
    assertEquals(1, ps.size(), ps.toString());
    return assertInstanceOf(Parsed.Event.class, ps.get(0));
  }

  /** The independent reading of a Kazoo object's event name: raw, name/args, action/data, or webhook. */
  static String jacksonAction(Map<String, Object> o) {
    if (o.get("Event-Name") instanceof String s) return s;
    if (o.get("args") instanceof Map<?, ?> a) return a.get("Event-Name") instanceof String s ? s : (String) o.get("name");
    if (o.get("data") instanceof Map<?, ?> d) return d.get("Event-Name") instanceof String s ? s : (String) o.get("name");
    return o.get("hook_event") instanceof String s ? s : null;
  }

  @Test
  void everyFixtureParsesWithoutMalformedPiecesAndEveryByteAccounted() throws IOException {
    int files = 0;
    for (Path f : Fixtures.files("kazoo-amqp")) {
      byte[] bytes = Files.readAllBytes(f);
      List<Parsed> ps = Readers.readAll(KAZOO, bytes, f.toString());
      assertEquals(List.of(), Pieces.malformed(ps), f.toString());
      assertAccounted(bytes, ps);
      files++;
    }
    assertEquals(3, files, "JSON lines, pretty-printed envelopes, a webhook");
  }

  @Test
  void eventCountsPerNameMatchAnIndependentJacksonReadAndTheContentsList() {
    for (Path f : Fixtures.files("kazoo-amqp")) {
      String name = f.getFileName().toString();
      Map<String, Integer> got = Pieces.eventCounts(Readers.readAll(KAZOO, f));
      assertEquals(Pieces.jacksonCounts(f, KazooFormatTest::jacksonAction), got, name);
      assertEquals(Fixtures.contents("kazoo-amqp", name), got, name);
    }
  }

  @Test
  void concatenatedFixturesGiveTheSameEventsInOneStream() throws IOException {
    // §4.6 item 1: exported logs are pretty-printed objects one after another, with "}{" or "}\n{"
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    int expected = 0;
    for (Path f : Fixtures.files("kazoo-amqp")) {
      byte[] b = Files.readAllBytes(f);
      all.writeBytes(java.util.Arrays.copyOf(b, b.length - 1)); // without the last newline: "}{" between files
      expected += Fixtures.contents("kazoo-amqp", f.getFileName().toString()).values().stream().mapToInt(i -> i).sum();
    }
    List<Parsed> ps = Readers.readAll(KAZOO, all.toByteArray(), "all");
    assertEquals(expected, Readers.events(ps).size());
    assertAccounted(all.toByteArray(), ps);
  }

  @Test
  void channelCreateFromTheBlackholeEnvelopeIsUnwrapped() {
    Parsed.Event e = fixtureEvents(WEBSOCKET).get(0);
    assertEquals("CHANNEL_CREATE", e.action());
    assertEquals("kz-busy-31c7@198.51.100.71", e.fields().get("Call-ID"), "raw fields are the unwrapped data");
    assertFalse(e.fields().containsKey("data"));
    assertFalse(e.fields().containsKey("routing_key"));
    // Timestamp 63931834800 Gregorian s = 1764615600 (§0.2); Msg-ID 1764615600100000 adds the microseconds
    assertEquals(Instant.parse("2025-12-01T19:00:00.100Z"), e.time());
    assertEquals("us", e.timePrecision());
    Doc d = normalise(e);
    assertEquals("kz-busy-31c7@198.51.100.71", d.get("call.id"));
    assertEquals("kz-busy-31c7@198.51.100.71", d.get("channel.id"));
    assertEquals("+33155512345", d.get("caller.number"));
    assertEquals("Agence Nord", d.get("caller.name"));
    assertEquals("5002", d.get("callee.number"));
    assertEquals("inbound", d.get("call.direction"));
    assertEquals(List.of("start"), d.get("event.type"));
    assertEquals(List.of("session"), d.get("event.category"));
  }

  @Test
  void channelCreateFromTheNameArgsEnvelopeWithoutCalleeTakesTheDialledUser() {
    Parsed.Event e = fixtureEvent(WEBSOCKET, "CHANNEL_CREATE", "kz-noans-88e2@198.51.100.72");
    assertFalse(e.fields().containsKey("args"));
    Doc d = normalise(e);
    assertEquals("5003", d.get("callee.number"), "no Callee-ID: the user part of Request");
    assertNull(d.get("callee.name"));
    assertEquals("63931835100-9c0d1e2f", d.get("call.interaction_id"));
  }

  @Test
  void channelAnswerOfTheBLegIsKeyedByBridgeId() {
    Parsed.Event e = fixtureEvent(AMQP, "CHANNEL_ANSWER", "4e2a8c6f-1b9d-4c3e-8a7f-5d1b3c9e7a2f");
    Doc d = normalise(e);
    assertEquals("kz-7f3e9a1c@198.51.100.70", d.get("call.id"), "Custom-Channel-Vars.Bridge-ID (§4.5)");
    assertEquals("4e2a8c6f-1b9d-4c3e-8a7f-5d1b3c9e7a2f", d.get("channel.id"));
    assertEquals("kz-7f3e9a1c@198.51.100.70", d.get("channel.peer_id"));
    assertEquals("+33299001122", d.get("caller.number"));
    assertEquals("Studio Ouest", d.get("caller.name"));
    assertEquals("outbound", d.get("call.direction"));
    assertEquals(List.of("info"), d.get("event.type"));
  }

  @Test
  void channelDestroyOfTheFixturesCarriesTheHangupCauseAndSdp() {
    Parsed.Event e = fixtureEvent(AMQP, "CHANNEL_DESTROY", "4e2a8c6f-1b9d-4c3e-8a7f-5d1b3c9e7a2f");
    Doc d = normalise(e);
    assertEquals("NORMAL_CLEARING", d.get("hangup.cause.name"));
    assertEquals(200L, d.get("hangup.sip_code"));
    assertEquals(List.of("end"), d.get("event.type"));
    assertTrue(((String) e.fields().get("Remote-SDP")).startsWith("v=0\r\no=- 1764612000 1764612001 IN IP4 192.0.2.91\r\n"));
    assertEquals(45, e.fields().get("Billing-Seconds"), "a number is kept as sent");
    assertEquals(Instant.parse("2025-12-01T18:00:48.010Z"), e.time());
    Parsed.Event busy = fixtureEvent(WEBSOCKET, "CHANNEL_DESTROY", "kz-busy-31c7@198.51.100.71");
    assertEquals("0", busy.fields().get("Billing-Seconds"), "numbers as strings are kept as sent");
    assertEquals("USER_BUSY", normalise(busy).get("hangup.cause.name"));
    assertEquals(486L, normalise(busy).get("hangup.sip_code"));
  }

  @Test
  void webhookFixtureUsesHookEventAndSnakeCaseKeys() {
    List<Parsed.Event> es = fixtureEvents("channel-destroy_webhook.json");
    assertEquals(1, es.size());
    Parsed.Event e = es.get(0);
    assertEquals("channel_destroy", e.action());
    // "timestamp": "63931838400" (a string) is Gregorian seconds
    assertEquals(Instant.ofEpochSecond(1764619200L), e.time());
    Doc d = normalise(e);
    assertEquals("kz-hook-0c4e@198.51.100.74", d.get("call.id"));
    assertEquals("kz-hook-0c4e@198.51.100.74", d.get("channel.id"));
    assertEquals("0d2f4b6a-8c0e-4a2b-b4d6-8f0a2c4e6a8c", d.get("channel.peer_id"));
    assertEquals("+33238445566", d.get("caller.number"));
    assertEquals("Boutique Centre", d.get("caller.name"));
    assertEquals("5006", d.get("callee.number"));
    assertEquals("Support", d.get("callee.name"));
    assertEquals("NORMAL_CLEARING", d.get("hangup.cause.name"));
    assertEquals(200L, d.get("hangup.sip_code"));
    assertEquals(List.of("end"), d.get("event.type"));
  }

  @Test
  void transferEventsOfTheFixturesBelongToTheTransferredCall() {
    Parsed.Event transferor = fixtureEvent(WEBSOCKET, "CHANNEL_TRANSFEROR", "6c8e0a2b-4d6f-4a8c-b0e2-4f6a8c0e2a4c");
    assertEquals("attended", transferor.fields().get("Transfer-Type"));
    assertEquals("kz-xfer-5d9a@198.51.100.73", normalise(transferor).get("call.id"));
    Parsed.Event transferee = fixtureEvent(WEBSOCKET, "CHANNEL_TRANSFEREE", "kz-xfer-5d9a@198.51.100.73");
    assertEquals("8e0a2c4d-6f8a-4c0e-92b4-6a8c0e2a4c6e", transferee.fields().get("Target-Call-ID"));
    assertEquals("8e0a2c4d-6f8a-4c0e-92b4-6a8c0e2a4c6e", normalise(transferee).get("channel.peer_id"));
  }

  @Test
  void detectRecognisesKazooFixturesButNotAFreeSwitchJsonEventOrAri() throws IOException {
    for (Path f : Fixtures.files("kazoo-amqp")) {
      byte[] head = Files.readAllBytes(f);
      int n = Math.min(head.length, 4096);
      assertTrue(KAZOO.detect(head, n), f.toString());
      assertEquals("kazoo", Formats.standard().detect(head, n).orElseThrow().name(), f.toString());
    }
    for (String other : List.of("asterisk-ari", "ccs", "freeswitch-esl")) {
      for (Path f : Fixtures.files(other)) {
        byte[] head = Files.readAllBytes(f);
        assertFalse(KAZOO.detect(head, Math.min(head.length, 4096)), f.toString());
      }
    }
    // FreeSWITCH event-json (§3.3): Event-Name too, but with the core's headers and none of Kazoo's
    byte[] fs = utf8("{\"Event-Name\":\"CHANNEL_CREATE\",\"Core-UUID\":\"6d3c8a0e-1f2b-4c5d-9e8f-0a1b2c3d4e5f\","
        + "\"FreeSWITCH-Hostname\":\"fs1\",\"Event-Calling-Function\":\"switch_channel_perform_set_running_state\","
        + "\"Unique-ID\":\"2c9b1a7e\",\"Call-ID\":\"x\"}");
    assertFalse(KAZOO.detect(fs, fs.length));
    byte[] bare = utf8("{\"Event-Name\":\"HEARTBEAT\",\"Event-Date-Local\":\"2025-01-01 00:00:00\"}");
    assertFalse(KAZOO.detect(bare, bare.length), "Event-Name alone is not Kazoo");
  }

  static final String LEG = "\"App-Name\":\"ecallmgr\",\"App-Version\":\"4.3.0\",\"Event-Category\":\"call_event\","
      + "\"Node\":\"ecallmgr@fs1.example.com\",\"Media-Server\":\"fs1.example.com\",\"Call-Direction\":\"outbound\","
      + "\"Call-ID\":\"b-leg-7f3a\",\"Other-Leg-Call-ID\":\"a-leg-19c2\",\"Caller-ID-Name\":\"Alice\","
      + "\"Caller-ID-Number\":\"+4930111\",\"Callee-ID-Name\":\"Bob\",\"Callee-ID-Number\":\"+4930222\","
      + "\"Channel-Name\":\"sofia/sipinterface_1/+4930222@carrier.example.net\",\"Channel-State\":\"CS_EXCHANGE_MEDIA\","
      + "\"Channel-Call-State\":\"ACTIVE\",\"Channel-Answer-State\":\"answered\","
      + "\"Custom-Channel-Vars\":{\"Account-ID\":\"4b8c7f3a9e2d4c1b8a7f6e5d4c3b2a19\",\"Bridge-ID\":\"a-leg-19c2\","
      + "\"Call-Interaction-ID\":\"63911234567-5a1b2c3d\"}";

  /** §4.3 generic fields on a B-leg; Timestamp 63911234567 Gregorian s, Msg-ID the Unix µs of the same second. */
  static String event(String name, String extra) {
    return "{\"Event-Name\":\"" + name + "\"," + LEG + extra
        + ",\"Timestamp\":63911234567,\"Msg-ID\":\"1744015367250000\"}";
  }

  @Test
  void channelHoldAndUnholdAreEventsOfTheBridgedCall() {
    for (String name : List.of("CHANNEL_HOLD", "CHANNEL_UNHOLD")) {
      Parsed.Event e = one(event(name, ""));
      assertEquals(name, e.action());
      assertEquals(Instant.parse("2025-04-07T08:42:47.250Z"), e.time());
      Doc d = normalise(e);
      assertEquals("a-leg-19c2", d.get("call.id"), "Bridge-ID groups the B-leg with its A-leg (§4.5)");
      assertEquals("b-leg-7f3a", d.get("channel.id"));
      assertEquals("a-leg-19c2", d.get("channel.peer_id"));
      assertEquals("63911234567-5a1b2c3d", d.get("call.interaction_id"));
      assertEquals("+4930222", d.get("callee.number"));
      assertEquals("Bob", d.get("callee.name"));
      assertEquals("sofia/sipinterface_1/+4930222@carrier.example.net", d.get("channel.name"));
      assertEquals(List.of("info"), d.get("event.type"));
    }
  }

  @Test
  void channelBridgeNamesThePeerLeg() {
    // §4.3: CHANNEL_BRIDGE adds Other-Leg-Call-ID, Bridge-B-Unique-ID
    Parsed.Event e = one(event("CHANNEL_BRIDGE", ",\"Bridge-B-Unique-ID\":\"a-leg-19c2\""));
    Doc d = normalise(e);
    assertEquals("CHANNEL_BRIDGE", e.action());
    assertEquals("a-leg-19c2", d.get("channel.peer_id"));
    assertEquals("outbound", d.get("call.direction"));
  }

  @Test
  void parkEventsAreArchivedUnderTheirName() {
    // §4.2: PARK_PARKED/RETRIEVED/ABANDONED share the callevt exchange; only the generic headers are specified
    for (String name : List.of("PARK_PARKED", "PARK_RETRIEVED", "PARK_ABANDONED")) {
      Parsed.Event e = one(event(name, ",\"Parking-Slot\":\"101\""));
      assertEquals(name, e.action());
      assertEquals("101", e.fields().get("Parking-Slot"));
      assertEquals("a-leg-19c2", normalise(e).get("call.id"));
    }
  }

  @Test
  void jsonLinesAndTheActionDataEnvelopeAreRead() {
    String in = event("CHANNEL_HOLD", "") + "\n"
        + "{\"action\":\"event\",\"subscribed_key\":\"call.CHANNEL_UNHOLD.*\",\"subscription_key\":\"call.*.*\","
        + "\"name\":\"CHANNEL_UNHOLD\",\"routing_key\":\"call.CHANNEL_UNHOLD.b-leg-7f3a\",\"data\":"
        + event("CHANNEL_UNHOLD", "") + "}\n";
    List<Parsed.Event> es = Readers.events(Readers.readAll(KAZOO, utf8(in), "t"));
    assertEquals(List.of("CHANNEL_HOLD", "CHANNEL_UNHOLD"), es.stream().map(Parsed.Event::action).toList());
    assertEquals("b-leg-7f3a", es.get(1).fields().get("Call-ID"));
  }

  @Test
  void msgIdFarFromTheTimestampIsNotTrusted() {
    Parsed.Event e = one("{\"Event-Name\":\"CHANNEL_HOLD\",\"Msg-ID\":\"1744015399000000\",\"Timestamp\":63911234567,"
        + "\"Call-ID\":\"x\",\"App-Name\":\"ecallmgr\"}");
    assertEquals(Instant.parse("2025-04-07T08:42:47Z"), e.time());
    assertEquals("s", e.timePrecision());
  }

  @Test
  void objectWithoutEventNameIsSkipped() {
    List<Parsed> ps = Readers.readAll(KAZOO, utf8("{\"Call-ID\":\"x\"}\n{\"Event-Name\":\"\"}"), "t");
    assertInstanceOf(Parsed.Skipped.class, ps.get(0));
    assertInstanceOf(Parsed.Malformed.class, ps.get(1));
  }

}
