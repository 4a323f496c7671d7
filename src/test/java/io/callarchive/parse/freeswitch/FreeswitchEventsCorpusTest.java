package io.callarchive.parse.freeswitch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Corpus;
import io.callarchive.model.Doc;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Conformance: one event of each class the FreeSWITCH format reads, from the shared corpus. */
class FreeswitchEventsCorpusTest {
  private final FreeswitchFormat format = new FreeswitchFormat();

  private List<Parsed.Event> corpusEvents(String file) {
    return Readers.events(Readers.readAll(format, Corpus.dir("freeswitch-esl").resolve(file)));
  }

  private Parsed.Event first(String file, String action) {
    return corpusEvents(file).stream().filter(e -> e.action().equals(action)).findFirst().orElseThrow();
  }

  private Doc normalised(Parsed.Event e) {
    Doc doc = new Doc();
    format.normalise(e, doc);
    return doc;
  }

  @Test
  void channelCreateStartsTheLegWithItsIdsAndParties() {
    Parsed.Event e = first("fsock__inbound-event-stream.txt", "CHANNEL_CREATE");
    Doc d = normalised(e);
    assertEquals("303c0f9f-4b32-4b9b-9f77-df0ca215bbe7", d.get("call.id"));
    assertEquals("303c0f9f-4b32-4b9b-9f77-df0ca215bbe7", d.get("channel.id"));
    assertEquals("sofia/B2BUA/4986517174963@call-home.net", d.get("channel.name"), "URL-decoded once");
    assertEquals("4986517174963", d.get("caller.number"));
    assertEquals("4986517174963", d.get("callee.number"));
    assertEquals(List.of("session"), d.get("event.category"));
    assertEquals(List.of("start"), d.get("event.type"));
    assertEquals(Instant.parse("2012-10-05T11:41:46.912868Z"), e.time());
    assertEquals("us", e.timePrecision());
    assertEquals("5a4148a38eea6ed30ca883839359fb0d@0:0:0:0:0:0:0:0", e.fields().get("variable_sip_call_id"));
  }

  @Test
  void channelAnswerIsASessionInfoEventOfTheLeg() {
    Parsed.Event e = first("NEventSocket__outbound-capture-Example4.txt", "CHANNEL_ANSWER");
    Doc d = normalised(e);
    assertEquals("298fde4b-af8e-4930-b3ee-b655641c9d21", d.get("channel.id"));
    assertEquals("1001", d.get("caller.number"));
    assertEquals("3", d.get("callee.number"));
    assertEquals("answered", e.fields().get("Answer-State"));
    assertEquals(List.of("info"), d.get("event.type"));
    assertEquals(Instant.parse("2015-01-06T16:43:57.875144Z"), e.time());
  }

  @Test
  void channelBridgeKeepsBothLegIds() {
    Parsed.Event e = first("NEventSocket__outbound-capture-Example4.txt", "CHANNEL_BRIDGE");
    assertEquals("298fde4b-af8e-4930-b3ee-b655641c9d21", e.fields().get("Bridge-A-Unique-ID"));
    assertEquals("3a593bc1-c0e7-4e12-9880-c5b444dc572d", e.fields().get("Bridge-B-Unique-ID"));
    assertEquals("298fde4b-af8e-4930-b3ee-b655641c9d21", normalised(e).get("call.id"));
  }

  @Test
  void channelHangupOfTheBLegIsGroupedUnderTheALegCall() {
    Parsed.Event e = first("NEventSocket__outbound-capture-Example4.txt", "CHANNEL_HANGUP");
    Doc d = normalised(e);
    assertEquals("298fde4b-af8e-4930-b3ee-b655641c9d21", d.get("call.id"), "Channel-Call-UUID of the B-leg");
    assertEquals("3a593bc1-c0e7-4e12-9880-c5b444dc572d", d.get("channel.id"));
    assertEquals("sofia/internal/sip:1003@172.16.50.134:5070", d.get("channel.name"));
    assertEquals("NORMAL_CLEARING", e.fields().get("Hangup-Cause"));
  }

  @Test
  void channelHangupCompleteEndsTheLeg() {
    Parsed.Event e = first("fsock__inbound-event-stream.txt", "CHANNEL_HANGUP_COMPLETE");
    Doc d = normalised(e);
    assertEquals(List.of("end"), d.get("event.type"));
    assertEquals("ORIGINATOR_CANCEL", e.fields().get("Hangup-Cause"));
  }

  @Test
  void channelHangupCompleteKeepsTheRtpQualityVariables() {
    Parsed.Event e = first("cgrates__channel-hangup-complete_plain-headers.txt", "CHANNEL_HANGUP_COMPLETE");
    assertTrue(e.fields().keySet().stream().anyMatch(k -> k.startsWith("variable_rtp_audio_in_")));
    Object sdp = e.fields().get("variable_switch_r_sdp");
    assertInstanceOf(String.class, sdp);
    assertTrue(((String) sdp).startsWith("v=0\r\n"), "the URL-encoded SDP decodes to its CRLF lines");
  }

  @Test
  void channelDestroyEndsTheLeg() {
    Parsed.Event e = first("fsock__inbound-event-stream.txt", "CHANNEL_DESTROY");
    Doc d = normalised(e);
    assertEquals(List.of("end"), d.get("event.type"));
    assertEquals("303c0f9f-4b32-4b9b-9f77-df0ca215bbe7", d.get("channel.id"));
    assertEquals(Instant.parse("2012-10-05T11:42:42.372974Z"), e.time());
  }

  @Test
  void preRegisterIsAnAuthenticationChallengeOfTheAccount() {
    Parsed.Event e = first("griffin.networking__CustomSofiaPreRegister.txt", "CUSTOM");
    Doc d = normalised(e);
    assertEquals("sofia::pre_register", d.get("event.subclass"));
    assertEquals(List.of("authentication"), d.get("event.category"));
    assertEquals("unknown", d.get("event.outcome"));
    assertEquals("1003", d.get("user.name"));
    assertEquals("192.168.1.79", d.get("source.ip"));
    assertEquals(52895, d.get("source.port"));
    assertEquals("\"1003\" <sip:1003@192.168.1.79:52895;rinstance=9f282108dfdc7dda>", e.fields().get("contact"));
  }

  @Test
  void registerAttemptFromACrlfDumpNamesTheUser() {
    Parsed.Event e = first("griffin.networking__code-comment-events_crlf-as-in-source.txt", "CUSTOM");
    Doc d = normalised(e);
    assertEquals("sofia::register_attempt", d.get("event.subclass"));
    assertEquals("1000", d.get("user.name"));
    assertEquals("192.168.1.65", d.get("source.ip"));
    assertEquals("X-Lite 4 release 4.1 stamp 63214", e.fields().get("user-agent"), "no CR left on values");
  }

  @Test
  void callcenterInfoPutsTheQueueAndCallerOnTheDocument() {
    Parsed.Event e =
        corpusEvents("freeswitch-docs__mod_callcenter_callcenter-info-doc-examples.txt").stream()
            .filter(x -> "member-queue-start".equals(x.fields().get("CC-Action")))
            .findFirst()
            .orElseThrow();
    Doc d = normalised(e);
    assertEquals("CUSTOM", e.action());
    assertEquals("callcenter::info", d.get("event.subclass"));
    assertEquals("support@default", d.get("queue.name"));
    assertEquals("4385551212", d.get("caller.number"));
    assertEquals("CHOUINARD MO", d.get("caller.name"));
    assertEquals("b77c49c2-a732-11df-9438-e7d9456f8886", d.get("call.id"), "the member's channel");
  }

  @Test
  void dtmfDigitIsDecoded() {
    List<Parsed.Event> dtmf =
        corpusEvents("NEventSocket__outbound-capture-Example4.txt").stream().filter(e -> e.action().equals("DTMF")).toList();
    assertEquals(12, dtmf.size());
    Parsed.Event e = dtmf.get(0);
    assertEquals("#", e.fields().get("DTMF-Digit"));
    assertEquals("800", e.fields().get("DTMF-Duration"));
    assertEquals("1003", normalised(e).get("callee.number"));
  }

  @Test
  void backgroundJobKeepsItsBodyAndJobIds() {
    Parsed.Event e = first("freeswitch-outboundsocket__background-job.txt", "BACKGROUND_JOB");
    assertEquals("+OK 7f4de4bc-17d7-11dd-b7a0-db4edd065621\n", e.fields().get("_body"));
    assertEquals("7f4db78a-17d7-11dd-b7a0-db4edd065621", e.fields().get("Job-UUID"));
    assertEquals("sofia/default/1005 '&park'", e.fields().get("Job-Command-Arg"));
    assertEquals("41", e.fields().get("Content-Length"));
    assertEquals(Instant.parse("2008-05-01T23:37:03.894968Z"), e.time(), "Event-Date-timestamp, any case");
    assertEquals(635, e.raw().length, "envelope, 583-byte event with its 41-byte body");
  }

  @Test
  void heartbeatIsAHostEvent() {
    Parsed.Event e = first("fsock__inbound-event-stream.txt", "HEARTBEAT");
    assertEquals("System Ready", e.fields().get("Event-Info"));
    Doc d = normalised(e);
    assertEquals(List.of("host"), d.get("event.category"));
    assertNull(d.get("call.id"));
    assertEquals(Instant.parse("2012-10-05T11:41:38.012866Z"), e.time());
  }

  @Test
  void mod_json_cdrRecordIsOneFinishedLeg() {
    Parsed.Event e = first("cgrates__mod_json_cdr.json", FreeswitchFormat.JSON_CDR);
    Doc d = normalised(e);
    assertEquals("5a3a1d91-90d3-4db4-af5c-cc3ae15d93a4", d.get("call.id"));
    assertEquals(List.of("end"), d.get("event.type"));
    assertEquals(Instant.parse("2018-03-14T11:09:48.366141Z"), e.time(), "end_uepoch");
    assertInstanceOf(Map.class, e.fields().get("callStats"));
  }

  @Test
  void envelopeAndBodySplitOverTwoCapturesJoinIntoOneEvent() throws Exception {
    byte[] one = java.nio.file.Files.readAllBytes(Corpus.dir("freeswitch-esl").resolve("griffin.networking__MsgPart1.txt"));
    byte[] two = java.nio.file.Files.readAllBytes(Corpus.dir("freeswitch-esl").resolve("griffin.networking__MsgPart2.txt"));
    byte[] both = new byte[one.length + two.length];
    System.arraycopy(one, 0, both, 0, one.length);
    System.arraycopy(two, 0, both, one.length, two.length);
    List<Parsed> parsed = Readers.readAll(format, both, "joined");
    assertEquals(1, parsed.size());
    Parsed.Event e = (Parsed.Event) parsed.get(0);
    assertEquals("MESSAGE_WAITING", e.action());
    assertEquals(both.length, e.raw().length);
    assertEquals("sip:1003@192.168.1.79", e.fields().get("MWI-Message-Account"));
    List<Parsed> alone = Readers.readAll(format, one, "part1");
    assertInstanceOf(Parsed.Skipped.class, alone.get(0));
  }

  @Test
  void customEventKeepsCustomAsActionAndItsSubclassSearchable() {
    Parsed.Event e = first("freeswitch-docs__mod_avmd_1049372.txt", "CUSTOM");
    assertEquals("avmd::start", normalised(e).get("event.subclass"));
    assertFalse(corpusEvents("freeswitch-docs__mod_avmd_1049372.txt").stream().anyMatch(x -> !x.action().equals("CUSTOM")));
  }
}
