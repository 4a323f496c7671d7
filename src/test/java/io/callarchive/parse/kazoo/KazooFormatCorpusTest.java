package io.callarchive.parse.kazoo;

import static io.callarchive.parse.json.Pieces.assertAccounted;
import static io.callarchive.parse.json.Pieces.utf8;
import static io.callarchive.parse.kazoo.KazooFormatTest.KAZOO;
import static io.callarchive.parse.kazoo.KazooFormatTest.normalise;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Corpus;
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

/** Conformance: the Kazoo format on the payloads, envelopes, webhooks and notifications of the shared corpus. */
class KazooFormatCorpusTest {
  static Parsed.Event corpusEvent(String file) {
    List<Parsed.Event> es = Readers.events(Readers.readAll(KAZOO, Corpus.dir("kazoo-amqp").resolve(file)));
    assertEquals(1, es.size(), file);
    return es.get(0);
  }

  @Test
  void wholeCorpusParsesWithoutMalformedPiecesAndEveryByteAccounted() throws IOException {
    int files = 0;
    for (Path f : Corpus.files("kazoo-amqp")) {
      if (f.getFileName().toString().endsWith(".md")) continue;
      byte[] bytes = Files.readAllBytes(f);
      List<Parsed> ps = Readers.readAll(KAZOO, bytes, f.toString());
      assertEquals(List.of(), Pieces.malformed(ps), f.toString());
      assertAccounted(bytes, ps);
      files++;
    }
    assertTrue(files >= 20, "corpus files read: " + files);
  }

  @Test
  void eventCountsPerNameMatchAnIndependentJacksonReadAndTheProvenance() {
    for (Path f : Corpus.files("kazoo-amqp")) {
      String name = f.getFileName().toString();
      if (name.endsWith(".md")) continue;
      Map<String, Integer> got = Pieces.eventCounts(Readers.readAll(KAZOO, f));
      assertEquals(Pieces.jacksonCounts(f, KazooFormatTest::jacksonAction), got, name);
      assertEquals(Pieces.provenanceCounts("kazoo-amqp", name), got, name);
    }
  }

  @Test
  void concatenatedCorpusFilesGiveTheSameEventsInOneStream() throws IOException {
    // §4.6 item 1: exported logs are pretty-printed objects one after another, with "}{" or "}\n{"
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    int expected = 0;
    for (Path f : Corpus.files("kazoo-amqp")) {
      if (!f.getFileName().toString().contains("blackhole")) continue;
      all.writeBytes(Files.readAllBytes(f));
      expected++;
    }
    List<Parsed> ps = Readers.readAll(KAZOO, all.toByteArray(), "all");
    assertEquals(expected, Readers.events(ps).size());
    assertAccounted(all.toByteArray(), ps);
  }

  @Test
  void channelCreateFromTheBlackholeEnvelopeIsUnwrapped() {
    Parsed.Event e = corpusEvent("kazoo__blackhole-README__CHANNEL_CREATE.json");
    assertEquals("CHANNEL_CREATE", e.action());
    assertEquals("at6dmu4ffk97vnlp6qfq", e.fields().get("Call-ID"), "raw fields are the unwrapped args");
    assertFalse(e.fields().containsKey("args"));
    // Timestamp 63610891956 Gregorian s = 1443672756 (§0.2); Msg-ID 1443672756993309 adds the microseconds
    assertEquals(Instant.parse("2015-10-01T04:12:36.993309Z"), e.time());
    assertEquals("us", e.timePrecision());
    Doc d = normalise(e);
    assertEquals("at6dmu4ffk97vnlp6qfq", d.get("call.id"));
    assertEquals("at6dmu4ffk97vnlp6qfq", d.get("channel.id"));
    assertEquals("user_wpxnx7am9w", d.get("caller.number"));
    assertEquals("*97", d.get("callee.number"), "no Callee-ID: the user part of Request");
    assertEquals("inbound", d.get("call.direction"));
    assertEquals(List.of("start"), d.get("event.type"));
    assertEquals(List.of("session"), d.get("event.category"));
  }

  @Test
  void channelAnswerFromTheCorpusIsKeyedByBridgeId() {
    Parsed.Event e = corpusEvent("kazoo__blackhole-README__CHANNEL_ANSWER.json");
    Doc d = normalise(e);
    assertEquals("CHANNEL_ANSWER", e.action());
    assertEquals("at6dmu4ffk97vnlp6qfq", d.get("call.id"));
    assertEquals("356", d.get("caller.number"));
    assertEquals("web phone", d.get("caller.name"));
    assertEquals(List.of("info"), d.get("event.type"));
  }

  @Test
  void channelDestroyFromTheCorpusCarriesTheHangupCauseAndSdp() {
    Parsed.Event e = corpusEvent("kazoo__blackhole-README__CHANNEL_DESTROY.json");
    Doc d = normalise(e);
    assertEquals("NORMAL_CLEARING", d.get("hangup.cause.name"));
    assertEquals(List.of("end"), d.get("event.type"));
    assertTrue(((String) e.fields().get("Remote-SDP")).startsWith("v=0\r\no=- 7274649247909803147"));
    assertEquals("31", e.fields().get("Billing-Seconds"), "numbers as strings are kept as sent");
    assertEquals(Instant.parse("2015-10-01T04:13:08.333353Z"), e.time());
  }

  @Test
  void webhookSampleUsesHookEventAndSnakeCaseKeys() {
    Parsed.Event e = corpusEvent("kazoo__crossbar-webhook-samples__webhooks_channel_destroy-samples.json");
    assertEquals("channel_destroy", e.action());
    // "timestamp": "63724349409" (a string) is Gregorian seconds
    assertEquals(Instant.ofEpochSecond(63724349409L - 62167219200L), e.time());
    Doc d = normalise(e);
    assertEquals("NDlkNGI3OTZlMDgzNWQxNGYxNTA3NjQ4NDZjNDFkOTc", d.get("call.id"));
    assertEquals("af1e1e12f1bcf519a96f2235ab8eeec4", d.get("channel.peer_id"));
    assertEquals("+15556783945", d.get("caller.number"));
    assertEquals("Caller Test", d.get("callee.name"));
    assertEquals("NORMAL_CLEARING", d.get("hangup.cause.name"));
    assertEquals(200L, d.get("hangup.sip_code"));
    assertEquals(List.of("end"), d.get("event.type"));
  }

  @Test
  void notificationAndRouteMessagesAreArchivedUnderTheirEventName() {
    Parsed.Event dereg = corpusEvent("kazoo__notifications__deregister.json");
    assertEquals("deregister", dereg.action());
    assertEquals(Instant.ofEpochSecond(63666952796L - 62167219200L), dereg.time(), "Event-Timestamp");
    Parsed.Event vm = corpusEvent("kazoo__notifications__voicemail_to_email.json");
    assertEquals("voicemail_new", vm.action());
    assertNull(normalise(vm).get("event.category"), "a notification is not a call session event");
    Parsed.Event route = corpusEvent("kazoo__route_req__inbound-onnet-callflow.json");
    assertEquals("route_req", route.action());
    Doc d = normalise(route);
    assertEquals("82159NjBmNTI0YjQ5MTE2NmFkNmQ3NmRmYzFiYWRhMGQ0NGI", d.get("call.id"));
    assertEquals("63670304795-386ddd58", d.get("call.interaction_id"));
    assertEquals(List.of("session"), d.get("event.category"));
    assertNull(route.time(), "route_req carries no Timestamp");
  }

  @Test
  void detectRecognisesKazooButNotAFreeSwitchJsonEvent() throws IOException {
    for (Path f : Corpus.files("kazoo-amqp")) {
      byte[] head = Files.readAllBytes(f);
      int n = Math.min(head.length, 4096);
      assertTrue(KAZOO.detect(head, n), f.toString());
      assertEquals("kazoo", Formats.standard().detect(head, n).orElseThrow().name(), f.toString());
    }
    // FreeSWITCH event-json (§3.3): Event-Name too, but with the core's headers and none of Kazoo's
    byte[] fs = utf8("{\"Event-Name\":\"CHANNEL_CREATE\",\"Core-UUID\":\"6d3c8a0e-1f2b-4c5d-9e8f-0a1b2c3d4e5f\","
        + "\"FreeSWITCH-Hostname\":\"fs1\",\"Event-Calling-Function\":\"switch_channel_perform_set_running_state\","
        + "\"Unique-ID\":\"2c9b1a7e\",\"Call-ID\":\"x\"}");
    assertFalse(KAZOO.detect(fs, fs.length));
    byte[] bare = utf8("{\"Event-Name\":\"HEARTBEAT\",\"Event-Date-Local\":\"2025-01-01 00:00:00\"}");
    assertFalse(KAZOO.detect(bare, bare.length), "Event-Name alone is not Kazoo");
    for (Path f : Corpus.files("asterisk-ari")) {
      byte[] head = Files.readAllBytes(f);
      assertFalse(KAZOO.detect(head, Math.min(head.length, 4096)), f.toString());
    }
  }
}
