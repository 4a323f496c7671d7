package io.callarchive.parse.freeswitch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Fixtures;
import java.nio.file.Files;
import io.callarchive.model.Doc;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One test per event class of the issue: corpus samples where the corpus has them, otherwise samples written here
 * from event-sources §3 (URL-encoded values, LF line ends, byte-exact Content-Length).
 */
class FreeswitchEventsTest {
  private final FreeswitchFormat format = new FreeswitchFormat();

  static String envelope(String event) {
    return "Content-Length: " + event.getBytes(StandardCharsets.UTF_8).length
        + "\nContent-Type: text/event-plain\n\n" + event;
  }

  static final String CORE =
      "Core-UUID: 1f3c5b9e-8c1d-4a70-9a51-6b1d2e3f4a5b\n"
          + "FreeSWITCH-Hostname: fs1.example.net\n"
          + "FreeSWITCH-Switchname: fs1\n"
          + "FreeSWITCH-IPv4: 10.0.0.5\n"
          + "FreeSWITCH-IPv6: %3A%3A1\n"
          + "Event-Date-Local: 2024-03-01%2010%3A00%3A00\n"
          + "Event-Date-GMT: Fri,%2001%20Mar%202024%2009%3A00%3A00%20GMT\n"
          + "Event-Date-Timestamp: 1709283600123456\n";

  /** sofia::register_failure as sofia_reg.c fires it: profile-name twice (event-sources §3.10). */
  static final String REGISTER_FAILURE =
      "Event-Subclass: sofia%3A%3Aregister_failure\n"
          + "Event-Name: CUSTOM\n"
          + CORE
          + "Event-Calling-File: sofia_reg.c\n"
          + "Event-Calling-Function: sofia_reg_parse_auth\n"
          + "Event-Calling-Line-Number: 2906\n"
          + "Event-Sequence: 5107\n"
          + "profile-name: internal\n"
          + "to-user: 1001\n"
          + "to-host: 10.0.0.5\n"
          + "network-ip: 203.0.113.77\n"
          + "user-agent: friendly-scanner\n"
          + "profile-name: internal\n"
          + "network-port: 5071\n"
          + "registration-type: REGISTER\n\n";

  /** RECV_RTCP_MESSAGE with the headers of switch_rtp.c (event-sources §3.8). */
  static final String RTCP =
      "Event-Name: RECV_RTCP_MESSAGE\n"
          + CORE
          + "Event-Calling-File: switch_rtp.c\n"
          + "Event-Calling-Function: rtcp_stats\n"
          + "Event-Calling-Line-Number: 6521\n"
          + "Event-Sequence: 777\n"
          + "Unique-ID: 9d7a1c2e-0b1f-4c55-8a1e-3c6f2b7d9e10\n"
          + "SSRC: 1a2b3c4d\n"
          + "NTP-Most-Significant-Word: 3918272400\n"
          + "NTP-Least-Significant-Word: 0\n"
          + "RTP-Timestamp: 160\n"
          + "Sender-Packet-Count: 250\n"
          + "Octect-Packet-Count: 40000\n"
          + "Last-RTP-Timestamp: 40000\n"
          + "RTP-Rate: 8000\n"
          + "Capture-Time: 1709283600120000\n"
          + "Source0-SSRC: 5e6f7a8b\n"
          + "Source0-Fraction: 12\n"
          + "Source0-Lost: 4294967295\n"
          + "Source0-Loss-Avg: 0.500000\n"
          + "Source0-Highest-Sequence-Number-Received: 65600\n"
          + "Source0-Jitter: 80\n"
          + "Source0-LSR: 0\n"
          + "Source0-DLSR: 0\n"
          + "Rtt0-Avg: 0.020000\n\n";

  private List<Parsed.Event> fixtureEvents(String file) {
    return Readers.events(Readers.readAll(format, Fixtures.file("freeswitch-esl", file)));
  }

  private Parsed.Event first(String file, String action) {
    return fixtureEvents(file).stream().filter(e -> e.action().equals(action)).findFirst().orElseThrow();
  }

  static final String PLAIN = "answered-call_plain-envelopes.txt";
  static final String BARE = "callcenter-registrations_bare-blocks.txt";
  static final String A_LEG = "5b2e8c1a-7d3f-4e9b-a6c4-0f1e2d3c4b5a";
  static final String B_LEG = "9e4d2a7c-1b3f-4c8e-9a5d-6f7e8d9c0b1a";

  private Doc normalised(Parsed.Event e) {
    Doc doc = new Doc();
    format.normalise(e, doc);
    return doc;
  }

  private List<Parsed> read(String text) {
    return Readers.readAll(format, text.getBytes(StandardCharsets.UTF_8), "test");
  }

  @Test
  void channelCreateStartsTheLegWithItsIdsAndParties() {
    Parsed.Event e = first(PLAIN, "CHANNEL_CREATE");
    Doc d = normalised(e);
    assertEquals(A_LEG, d.get("call.id"));
    assertEquals(A_LEG, d.get("channel.id"));
    assertEquals("sofia/internal/1000@192.0.2.30", d.get("channel.name"), "URL-decoded once");
    assertEquals("1000", d.get("caller.number"));
    assertEquals("Camille Noel", d.get("caller.name"));
    assertEquals("1001", d.get("callee.number"));
    assertEquals(List.of("session"), d.get("event.category"));
    assertEquals(List.of("start"), d.get("event.type"));
    assertEquals(Instant.parse("2025-12-01T14:00:00.100Z"), e.time(), "Event-Date-Timestamp 1764597600100000");
    assertEquals("us", e.timePrecision());
    assertEquals("5b2e8c1a@192.0.2.51", e.fields().get("variable_sip_call_id"));
    assertEquals("2025-12-01 15:00:00", e.fields().get("Event-Date-Local"));
  }

  @Test
  void channelAnswerIsASessionInfoEventOfTheLeg() {
    Parsed.Event e = first(PLAIN, "CHANNEL_ANSWER");
    Doc d = normalised(e);
    assertEquals(B_LEG, d.get("channel.id"));
    assertEquals(A_LEG, d.get("call.id"), "the B-leg's Channel-Call-UUID");
    assertEquals("1000", d.get("caller.number"));
    assertEquals("1001", d.get("callee.number"));
    assertEquals("answered", e.fields().get("Answer-State"));
    assertEquals(List.of("info"), d.get("event.type"));
    assertEquals(Instant.parse("2025-12-01T14:00:04.500Z"), e.time());
  }

  @Test
  void channelBridgeKeepsBothLegIds() {
    Parsed.Event e = first(PLAIN, "CHANNEL_BRIDGE");
    assertEquals(A_LEG, e.fields().get("Bridge-A-Unique-ID"));
    assertEquals(B_LEG, e.fields().get("Bridge-B-Unique-ID"));
    assertEquals(A_LEG, normalised(e).get("call.id"));
  }

  @Test
  void channelHangupOfTheBLegIsGroupedUnderTheALegCall() {
    Parsed.Event e = first(PLAIN, "CHANNEL_HANGUP");
    Doc d = normalised(e);
    assertEquals(A_LEG, d.get("call.id"), "Channel-Call-UUID of the B-leg");
    assertEquals(B_LEG, d.get("channel.id"));
    assertEquals("sofia/internal/1001@192.0.2.52:5060", d.get("channel.name"));
    assertEquals("NORMAL_CLEARING", e.fields().get("Hangup-Cause"));
  }

  @Test
  void channelHangupCompleteEndsTheLeg() {
    Parsed.Event e = first("no-answer-call_event-xml.txt", "CHANNEL_HANGUP_COMPLETE");
    Doc d = normalised(e);
    assertEquals(List.of("end"), d.get("event.type"));
    assertEquals("NO_ANSWER", e.fields().get("Hangup-Cause"));
    assertEquals("3d5f7a9c-0e1b-4d3f-a7c9-2e4a6c8e0a1b", d.get("channel.id"));
    assertEquals("1b3d5f7a-9c0e-4b2d-8f6a-1c3e5a7b9d0f", d.get("call.id"));
  }

  @Test
  void channelHangupCompleteKeepsTheRtpQualityVariables() {
    Parsed.Event e = fixtureEvents(PLAIN).stream()
        .filter(x -> x.action().equals("CHANNEL_HANGUP_COMPLETE") && A_LEG.equals(x.fields().get("Unique-ID")))
        .findFirst().orElseThrow();
    assertEquals(24, e.fields().keySet().stream().filter(k -> k.startsWith("variable_rtp_audio_")).count());
    assertEquals("4.48", e.fields().get("variable_rtp_audio_in_mos"));
    Object sdp = e.fields().get("variable_switch_r_sdp");
    assertInstanceOf(String.class, sdp);
    assertTrue(((String) sdp).startsWith("v=0\r\no=FreeSWITCH 1764597000 1764597001 IN IP4 192.0.2.51\r\n"),
        "the URL-encoded SDP decodes to its CRLF lines");
  }

  @Test
  void channelDestroyEndsTheLeg() {
    Parsed.Event e = first(PLAIN, "CHANNEL_DESTROY");
    Doc d = normalised(e);
    assertEquals(List.of("end"), d.get("event.type"));
    assertEquals(B_LEG, d.get("channel.id"));
    assertEquals("CS_DESTROY", e.fields().get("Channel-State"));
    assertEquals(Instant.parse("2025-12-01T14:01:05.040Z"), e.time());
  }

  private Parsed.Event subclass(String sub) {
    return fixtureEvents(BARE).stream().filter(e -> sub.equals(e.fields().get("Event-Subclass"))).findFirst().orElseThrow();
  }

  @Test
  void preRegisterIsAnAuthenticationChallengeOfTheAccount() {
    Parsed.Event e = subclass("sofia::pre_register");
    Doc d = normalised(e);
    assertEquals("CUSTOM", e.action());
    assertEquals("sofia::pre_register", d.get("event.subclass"));
    assertEquals(List.of("authentication"), d.get("event.category"));
    assertEquals("unknown", d.get("event.outcome"));
    assertEquals("1000", d.get("user.name"));
    assertEquals("203.0.113.90", d.get("source.ip"));
    assertEquals(5080, d.get("source.port"));
    assertEquals("\"1000\" <sip:1000@203.0.113.90:5080;transport=udp>", e.fields().get("contact"));
  }

  @Test
  void registerAttemptFromACrlfDumpNamesTheUser() throws Exception {
    // the bare block of the fixture with CRLF line ends, as a Windows tool would have saved it
    String text = Files.readString(Fixtures.file("freeswitch-esl", BARE));
    int at = text.indexOf("Event-Subclass: sofia%3A%3Aregister_attempt");
    String block = text.substring(at, text.indexOf("\n\n", at) + 2).replace("\n", "\r\n");
    List<Parsed> parsed = read(block);
    assertEquals(1, parsed.size());
    Parsed.Event e = assertInstanceOf(Parsed.Event.class, parsed.get(0));
    Doc d = normalised(e);
    assertEquals("sofia::register_attempt", d.get("event.subclass"));
    assertEquals("1000", d.get("user.name"));
    assertEquals("203.0.113.90", d.get("source.ip"));
    assertEquals("failure", d.get("event.outcome"), "auth-result FORBIDDEN");
    assertEquals("friendly-scanner", e.fields().get("user-agent"), "no CR left on values");
  }

  @Test
  void callcenterInfoPutsTheQueueAndCallerOnTheDocument() {
    Parsed.Event e = fixtureEvents(BARE).stream()
        .filter(x -> "member-queue-start".equals(x.fields().get("CC-Action")))
        .findFirst()
        .orElseThrow();
    Doc d = normalised(e);
    assertEquals("CUSTOM", e.action());
    assertEquals("callcenter::info", d.get("event.subclass"));
    assertEquals("sales@default", d.get("queue.name"));
    assertEquals("+33240112233", d.get("caller.number"));
    assertEquals("Client Trois", d.get("caller.name"));
    assertEquals("2c4e6a8b-0d1f-4a3c-9e5b-7d9f1b3d5f7a", d.get("call.id"), "the member's channel");
    Parsed.Event offering = fixtureEvents(BARE).stream()
        .filter(x -> "agent-offering".equals(x.fields().get("CC-Action"))).findFirst().orElseThrow();
    assertEquals("bertrand@default", normalised(offering).get("agent.name"));
  }

  @Test
  void dtmfDigitIsDecoded() {
    List<Parsed.Event> dtmf = fixtureEvents(PLAIN).stream().filter(e -> e.action().equals("DTMF")).toList();
    assertEquals(1, dtmf.size());
    Parsed.Event e = dtmf.get(0);
    assertEquals("7", e.fields().get("DTMF-Digit"));
    assertEquals("1600", e.fields().get("DTMF-Duration"));
    assertEquals("1001", normalised(e).get("callee.number"));
  }

  @Test
  void backgroundJobKeepsItsBodyAndJobIds() {
    Parsed.Event e = first(PLAIN, "BACKGROUND_JOB");
    String body = "UP 0 years, 0 days, 2 hours, 0 minutes, 22 seconds\n2 session(s) since startup\n\n2 session(s) - peak 2\n";
    assertEquals(body, e.fields().get("_body"), "a body with an empty line inside");
    assertEquals("1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b", e.fields().get("Job-UUID"));
    assertEquals("status", e.fields().get("Job-Command"));
    assertEquals(String.valueOf(body.getBytes(StandardCharsets.UTF_8).length), e.fields().get("Content-Length"));
    assertEquals(Instant.parse("2025-12-01T14:00:22Z"), e.time());
    // the piece is the whole message: "Content-Length: N\nContent-Type: text/event-plain\n\n" and N bytes
    String raw = new String(e.raw(), StandardCharsets.UTF_8);
    int n = Integer.parseInt(raw.substring("Content-Length: ".length(), raw.indexOf('\n')));
    assertEquals(("Content-Length: " + n + "\nContent-Type: text/event-plain\n\n").length() + n, e.raw().length);
    assertTrue(raw.endsWith(body));
  }

  @Test
  void heartbeatIsAHostEvent() {
    Parsed.Event e = first(PLAIN, "HEARTBEAT");
    assertEquals("System Ready", e.fields().get("Event-Info"));
    Doc d = normalised(e);
    assertEquals(List.of("host"), d.get("event.category"));
    assertNull(d.get("call.id"));
    assertEquals(Instant.parse("2025-12-01T14:00:21Z"), e.time());
  }

  @Test
  void mod_json_cdrRecordIsOneFinishedLeg() {
    Parsed.Event e = first("answered-call_json-cdr.json", FreeswitchFormat.JSON_CDR);
    Doc d = normalised(e);
    assertEquals(A_LEG, d.get("call.id"));
    assertEquals(A_LEG, d.get("channel.id"));
    assertEquals("sofia/internal/1000@192.0.2.30", d.get("channel.name"));
    assertEquals("1000", d.get("caller.number"));
    assertEquals("1001", d.get("callee.number"));
    assertEquals("fs-lab", d.get("observer.name"));
    assertEquals(List.of("end"), d.get("event.type"));
    assertEquals(Instant.parse("2025-12-01T14:01:05.020Z"), e.time(), "end_uepoch");
    assertInstanceOf(Map.class, e.fields().get("callStats"));
  }

  @Test
  void envelopeAndBodySplitOverTwoCapturesJoinIntoOneEvent() throws Exception {
    // the first event message of the plain fixture, its envelope in one capture and the event in the next
    byte[] file = Files.readAllBytes(Fixtures.file("freeswitch-esl", PLAIN));
    String text = new String(file, StandardCharsets.ISO_8859_1);
    int start = text.indexOf("Content-Length: ");
    int headerEnd = text.indexOf("\n\n", start) + 2;
    int n = Integer.parseInt(text.substring(start + "Content-Length: ".length(), text.indexOf('\n', start)));
    byte[] one = java.util.Arrays.copyOfRange(file, start, headerEnd);
    byte[] two = java.util.Arrays.copyOfRange(file, headerEnd, headerEnd + n);
    byte[] both = new byte[one.length + two.length];
    System.arraycopy(one, 0, both, 0, one.length);
    System.arraycopy(two, 0, both, one.length, two.length);
    List<Parsed> parsed = Readers.readAll(format, both, "joined");
    assertEquals(1, parsed.size());
    Parsed.Event e = (Parsed.Event) parsed.get(0);
    assertEquals("CHANNEL_CREATE", e.action());
    assertEquals(both.length, e.raw().length);
    assertEquals(A_LEG, e.fields().get("Unique-ID"));
    List<Parsed> alone = Readers.readAll(format, one, "part1");
    assertInstanceOf(Parsed.Skipped.class, alone.get(0));
  }

  @Test
  void customEventKeepsCustomAsActionAndItsSubclassSearchable() {
    List<Parsed.Event> es = fixtureEvents(BARE);
    assertEquals(15, es.size());
    assertFalse(es.stream().anyMatch(x -> !x.action().equals("CUSTOM")));
    assertEquals(12, es.stream().filter(x -> "callcenter::info".equals(normalised(x).get("event.subclass"))).count());
  }

  @Test
  void registerFailureIsAFailedAuthenticationFromTheNetworkAddress() {
    List<Parsed> parsed = read(envelope(REGISTER_FAILURE));
    assertEquals(1, parsed.size());
    Parsed.Event e = (Parsed.Event) parsed.get(0);
    assertEquals("CUSTOM", e.action());
    assertEquals(List.of("internal", "internal"), e.fields().get("profile-name"), "a repeated header is kept");
    Doc d = normalised(e);
    assertEquals("sofia::register_failure", d.get("event.subclass"));
    assertEquals(List.of("authentication"), d.get("event.category"));
    assertEquals("failure", d.get("event.outcome"));
    assertEquals("203.0.113.77", d.get("source.ip"));
    assertEquals(5071, d.get("source.port"));
    assertEquals("1001", d.get("user.name"));
    assertEquals(Instant.parse("2024-03-01T09:00:00.123456Z"), e.time());
  }

  @Test
  void registerAttemptOutcomeFollowsAuthResult() {
    String ok = REGISTER_FAILURE.replace("register_failure", "register_attempt").replace("registration-type: REGISTER\n",
        "username: 1001\nrealm: 10.0.0.5\nauth-result: SUCCESS\n");
    String forbidden = ok.replace("SUCCESS", "FORBIDDEN");
    assertEquals("success", normalised((Parsed.Event) read(ok).get(0)).get("event.outcome"));
    assertEquals("failure", normalised((Parsed.Event) read(forbidden).get(0)).get("event.outcome"));
  }

  @Test
  void recvRtcpMessageIsANetworkEventOfTheLeg() {
    Parsed.Event e = (Parsed.Event) read(envelope(RTCP)).get(0);
    assertEquals("RECV_RTCP_MESSAGE", e.action());
    assertEquals("4294967295", e.fields().get("Source0-Lost"), "kept as sent; the rtcp enricher converts it");
    Doc d = normalised(e);
    assertEquals(List.of("network"), d.get("event.category"));
    assertEquals("9d7a1c2e-0b1f-4c55-8a1e-3c6f2b7d9e10", d.get("channel.id"));
  }

  @Test
  void backgroundJobBodyIsCountedInBytesNotCharacters() {
    String body = "+OK résumé ✓\n";
    String event = "Event-Name: BACKGROUND_JOB\n" + CORE + "Job-UUID: 1\nContent-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length + "\n\n" + body;
    List<Parsed> parsed = read(envelope(event) + envelope(RTCP));
    assertEquals(2, parsed.size());
    assertEquals(body, ((Parsed.Event) parsed.get(0)).fields().get("_body"));
    assertEquals("RECV_RTCP_MESSAGE", ((Parsed.Event) parsed.get(1)).action());
  }

  @Test
  void eventDateGmtIsTheFallbackTimeWithSecondPrecision() {
    String event = "Event-Name: HEARTBEAT\nEvent-Date-GMT: Fri,%2001%20Mar%202024%2009%3A00%3A00%20GMT\n\n";
    Parsed.Event e = (Parsed.Event) read(event).get(0);
    assertEquals(Instant.parse("2024-03-01T09:00:00Z"), e.time());
    assertEquals("s", e.timePrecision());
    Parsed.Event none = (Parsed.Event) read("Event-Name: HEARTBEAT\nEvent-Date-Local: 2024-03-01 10:00:00\n\n").get(0);
    assertNull(none.time(), "Event-Date-Local has no zone and is never used");
  }

  @Test
  void valuesAreDecodedOnceTolerantlyWithUndefAndArrays() {
    String event =
        "Event-Name: CUSTOM\nEvent-Subclass: test%3A%3Avalues\n"
            + "a: 100%25%20sure\n"
            + "b: 50%\n"
            + "c: %zz%4\n"
            + "d: _undef_\n"
            + "e: ARRAY::one|:two%20words|:three\n"
            + "f: x+y\n"
            + "g: %C3%A9t%C3%A9\n"
            + "h: %41%253a\n\n";
    Map<String, Object> f = ((Parsed.Event) read(event).get(0)).fields();
    assertEquals("100% sure", f.get("a"));
    assertEquals("50%", f.get("b"));
    assertEquals("%zz%4", f.get("c"));
    assertEquals("", f.get("d"));
    assertEquals(List.of("one", "two words", "three"), f.get("e"));
    assertEquals("x+y", f.get("f"), "space is %20, so + is literal");
    assertEquals("été", f.get("g"));
    assertEquals("A%3a", f.get("h"), "decoded exactly once (event-sources §3.3)");
  }

  @Test
  void invalidUtf8InsideAnEventIsReplacedAndFlagged() {
    byte[] head = envelopeBytes("Event-Name: CHANNEL_CREATE\nCaller-Caller-ID-Name: Ren%E9\nCaller-Caller-ID-Number: 1000\n\n");
    Parsed.Event e = (Parsed.Event) Readers.readAll(format, head, "t").get(0);
    assertTrue(e.lossyText());
    assertEquals("Ren\uFFFD", e.fields().get("Caller-Caller-ID-Name"));
  }

  static byte[] envelopeBytes(String event) {
    return envelope(event).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void jsonEventKeepsDuplicateKeysAndArrays() {
    String json =
        "{\"Event-Name\":\"CUSTOM\",\"Core-UUID\":\"c1\",\"Event-Subclass\":\"sofia::register_failure\","
            + "\"Event-Date-Timestamp\":\"1709283600123456\",\"profile-name\":\"internal\",\"network-ip\":\"198.51.100.9\","
            + "\"profile-name\":\"external\",\"codecs\":[\"PCMU\",\"PCMA\"],\"Content-Length\":\"3\",\"_body\":\"abc\"}";
    String framed = "Content-Length: " + json.length() + "\nContent-Type: text/event-json\n\n" + json;
    for (String input : List.of(framed, json + "\n", json + "\n" + json + "\n")) {
      List<Parsed> parsed = read(input);
      Parsed.Event e = (Parsed.Event) parsed.get(0);
      assertEquals("CUSTOM", e.action());
      assertEquals(List.of("internal", "external"), e.fields().get("profile-name"));
      assertEquals(List.of("PCMU", "PCMA"), e.fields().get("codecs"));
      assertEquals("abc", e.fields().get("_body"));
      assertEquals(Instant.parse("2024-03-01T09:00:00.123456Z"), e.time());
      assertEquals("sofia::register_failure", normalised(e).get("event.subclass"));
      assertTrue(parsed.stream().allMatch(p -> p instanceof Parsed.Event), input);
    }
    assertEquals(2, read(json + "\n" + json + "\n").size());
  }

  @Test
  void xmlEventIsDecodedLikePlain() {
    String xml =
        "<event>\n  <headers>\n    <Event-Name>BACKGROUND_JOB</Event-Name>\n    <Core-UUID>c1</Core-UUID>\n"
            + "    <Event-Date-Timestamp>1709283600123456</Event-Date-Timestamp>\n"
            + "    <Job-Command-Arg>sofia/default/1005%20%27%26park%27</Job-Command-Arg>\n"
            + "    <Caller-Caller-ID-Name>A%20&amp;%20B</Caller-Caller-ID-Name>\n  </headers>\n"
            + "  <Content-Length>8</Content-Length>\n  <body>+OK &lt;1&gt;</body>\n</event>\n";
    String framed = "Content-Length: " + xml.length() + "\nContent-Type: text/event-xml\n\n" + xml;
    for (String input : List.of(framed, xml)) {
      List<Parsed> parsed = read(input);
      assertEquals(1, parsed.size(), input);
      Parsed.Event e = (Parsed.Event) parsed.get(0);
      assertEquals("BACKGROUND_JOB", e.action());
      assertEquals("sofia/default/1005 '&park'", e.fields().get("Job-Command-Arg"));
      assertEquals("A & B", e.fields().get("Caller-Caller-ID-Name"));
      assertEquals("+OK <1>", e.fields().get("_body"));
      assertEquals(Instant.parse("2024-03-01T09:00:00.123456Z"), e.time());
    }
  }

  @Test
  void nonEventMessagesAreSkippedWithTheirContentType() {
    String api = "+OK 3 channels\n";
    String input =
        "Content-Type: auth/request\n\n"
            + "auth ClueCon\n\n"
            + "Content-Type: command/reply\nReply-Text: +OK accepted\n\n"
            + "event plain ALL\n\n"
            + "Content-Type: api/response\nContent-Length: " + api.length() + "\n\n" + api
            + "Content-Type: log/data\nContent-Length: 6\nLog-Level: 7\n\nline\n\n"
            + "Content-Type: text/disconnect-notice\nContent-Length: 4\n\nbye\n"
            + "Content-Type: text/rude-rejection\nContent-Length: 7\n\nAccess\n";
    List<Parsed> parsed = read(input);
    List<String> reasons = parsed.stream().map(p -> ((Parsed.Skipped) p).reason()).toList();
    assertEquals(
        List.of("auth/request", "client command 'auth'", "command/reply", "client command 'event'", "api/response",
            "log/data", "text/disconnect-notice", "text/rude-rejection"),
        reasons);
  }

  @Test
  void channelDumpAnsweredToAnApiCommandIsArchivedAsItsEvent() {
    String dump = "Event-Name: CHANNEL_DATA\nUnique-ID: 9b1c\nChannel-Name: sofia/internal/1001\n\n";
    List<Parsed> parsed = read("Content-Type: api/response\nContent-Length: " + dump.length() + "\n\n" + dump);
    assertEquals(1, parsed.size());
    Parsed.Event e = assertInstanceOf(Parsed.Event.class, parsed.get(0));
    assertEquals("CHANNEL_DATA", e.action());
    assertEquals("9b1c", e.fields().get("Unique-ID"));
  }

  @Test
  void thePipelineIndexesTheEventWithItsRawHeadersUnderFreeswitch() {
    Parsed.Event e = (Parsed.Event) read(envelope(REGISTER_FAILURE)).get(0);
    Instant now = Instant.parse("2024-03-02T00:00:00Z");
    io.callarchive.pipeline.Pipeline pipeline =
        new io.callarchive.pipeline.Pipeline(List.of(), new NoSink(), java.time.Clock.fixed(now, java.time.ZoneOffset.UTC));
    Doc d = pipeline.normalise(e, format, new io.callarchive.pipeline.SourceContext(null, Map.of(), now)).doc();
    assertEquals("freeswitch.esl", d.get("event.dataset"));
    assertEquals("CUSTOM", d.get("event.action"));
    assertEquals("sofia::register_failure", d.get("event.subclass"));
    assertEquals("2024-03-01T09:00:00.123456Z", d.get("@timestamp"));
    assertEquals("us", d.get("event.timestamp_precision"));
    assertEquals("fs1", d.get("observer.name"));
    assertEquals("203.0.113.77", d.get("freeswitch.network-ip"));
    assertEquals("failure", d.get("event.outcome"), "the format's outcome is not overwritten");
  }

  /** The pipeline's normalise does not write to the sink. */
  private static final class NoSink implements io.callarchive.pipeline.DocSink {
    @Override
    public void accept(io.callarchive.model.IndexDoc doc) {
      throw new AssertionError("normalise must not index");
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

}
