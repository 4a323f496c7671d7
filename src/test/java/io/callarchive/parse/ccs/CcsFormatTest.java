package io.callarchive.parse.ccs;

import static io.callarchive.parse.json.Pieces.assertAccounted;
import static io.callarchive.parse.json.Pieces.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Fixtures;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Formats;
import io.callarchive.parse.Readers;
import io.callarchive.parse.json.Pieces;
import io.callarchive.pipeline.DocSink;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.SourceContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CcsFormatTest {
  static final CcsFormat CCS = new CcsFormat();
  static final Path SAMPLES = Path.of("ingest", "samples", "ccs");

  static final String SEANCE = "s-0a1b";
  static final String CALL = "c-2c3d";
  static final String CONN = "n-4e5f";

  /**
   * One event per type in the canonical shape of §5.3, with the fields §5.1 gives each entity: the entity id, the
   * seance it belongs to, and the event's own payload.
   */
  static String canonical(String type, int i) {
    String data =
        switch (type) {
          case "call_create" -> "\"call_id\":\"" + CALL + "\",\"direction\":\"in\",\"number\":\"+4930111\","
              + "\"remote_number\":\"8800\",\"state\":\"created\"";
          case "call_update" -> "\"call_id\":\"" + CALL + "\",\"seance_id\":\"" + SEANCE + "\",\"remote_name\":\"X\"";
          case "call_set_state" -> "\"call_id\":\"" + CALL + "\",\"seance_id\":\"" + SEANCE
              + "\",\"state\":\"ringing\",\"prev_state\":\"created\"";
          case "call_attach_to_seance" -> "\"call_id\":\"" + CALL + "\",\"seance_id\":\"" + SEANCE + "\"";
          case "call_dtmf" -> "\"call_id\":\"" + CALL + "\",\"seance_id\":\"" + SEANCE + "\",\"dtmf\":\"5\"";
          case "call_delete" -> "\"call_id\":\"" + CALL + "\",\"seance_id\":\"" + SEANCE + "\",\"state\":\"finished\"";
          case "connection_link_call" -> "\"connection_id\":\"" + CONN + "\",\"call_id\":\"" + CALL
              + "\",\"seance_id\":\"" + SEANCE + "\"";
          case "connection_start_record" -> "\"connection_id\":\"" + CONN + "\",\"seance_id\":\"" + SEANCE
              + "\",\"record\":{\"started_at\":\"2024-05-01T10:11:12.345Z\"}";
          case "connection_set_record_info" -> "\"connection_id\":\"" + CONN + "\",\"seance_id\":\"" + SEANCE
              + "\",\"record\":{\"started_at\":\"2024-05-01T10:11:12.345Z\",\"duration_ms\":61000,\"code\":\"k7\"}";
          case "connection_failure" -> "\"connection_id\":\"" + CONN + "\",\"seance_id\":\"" + SEANCE
              + "\",\"failure\":{\"reason\":\"busy\",\"sip_code\":486,\"q850\":17}";
          case "seance_set_next_number" -> "\"seance_id\":\"" + SEANCE + "\",\"next_number\":\"202\"";
          case "seance_set_state" -> "\"seance_id\":\"" + SEANCE + "\",\"state\":\"talking\",\"prev_state\":\"created\"";
          default -> type.startsWith("connection_")
              ? "\"connection_id\":\"" + CONN + "\",\"seance_id\":\"" + SEANCE + "\""
              : "\"seance_id\":\"" + SEANCE + "\"";
        };
    return "{\"class\":\"ccsevents\",\"type\":\"" + type + "\",\"id\":\"ev-" + i + "\","
        + "\"ts\":\"2024-05-01T10:11:" + (10 + i) + ".345Z\",\"domain\":\"sales.example.com\",\"data\":{" + data + "}}";
  }

  static Doc normalise(Parsed.Event e) {
    Doc d = new Doc();
    CCS.normalise(e, d);
    return d;
  }

  static Parsed.Event one(String json) {
    List<Parsed> ps = Readers.readAll(CCS, utf8(json), "t");
    assertEquals(1, ps.size(), ps.toString());
    return assertInstanceOf(Parsed.Event.class, ps.get(0));
  }

  @Test
  void allNineteenEventsAreReadWithTheirEntityIds() {
    assertEquals(19, CcsFormat.EVENTS.size());
    int i = 0;
    for (String type : new TreeSet<>(CcsFormat.EVENTS)) {
      i++;
      Parsed.Event e = one(canonical(type, i));
      assertEquals(type, e.action());
      assertEquals(Instant.parse("2024-05-01T10:11:" + (10 + i) + ".345Z"), e.time(), type);
      assertEquals("ms", e.timePrecision());
      Doc d = normalise(e);
      if (type.startsWith("call_")) {
        assertEquals(CALL, d.get("channel.id"), type);
        assertEquals(type.equals("call_create") ? null : SEANCE, d.get("call.id"), type);
      } else if (type.startsWith("connection_")) {
        assertEquals(CONN, d.get("dialog.id"), type);
        assertEquals(SEANCE, d.get("call.id"), type);
        assertEquals(type.equals("connection_link_call") ? CALL : null, d.get("channel.id"), type);
      } else {
        assertEquals(SEANCE, d.get("call.id"), type);
        assertNull(d.get("channel.id"), type);
      }
      String expectedType = type.endsWith("_create") ? "start" : type.endsWith("_delete") ? "end" : "info";
      assertEquals(List.of(expectedType), d.get("event.type"), type);
      assertEquals(List.of("session"), d.get("event.category"), type);
      assertEquals("id:ev-" + i, CCS.identity(e), type);
    }
  }

  @Test
  void callCreateNamesThePartiesByDirection() {
    Doc in = normalise(one(canonical("call_create", 1)));
    assertEquals("+4930111", in.get("caller.number"));
    assertEquals("8800", in.get("callee.number"));
    assertEquals("created", in.get("channel.state"));
    Doc out = normalise(one(canonical("call_create", 1).replace("\"in\"", "\"out\"")));
    assertEquals("8800", out.get("caller.number"));
    assertEquals("+4930111", out.get("callee.number"));
  }

  @Test
  void callSetStateCarriesTheNewState() {
    Parsed.Event e = one(canonical("call_set_state", 3));
    assertEquals("ringing", normalise(e).get("channel.state"));
  }

  @Test
  void connectionFailureIsAFailureWithItsCauses() {
    // §5.5 item 3: a failure without any connection_create
    Doc d = normalise(one(canonical("connection_failure", 4)));
    assertEquals("failure", d.get("event.outcome"));
    assertEquals(17L, d.get("hangup.cause.q850"));
    assertEquals(486L, d.get("hangup.sip_code"));
  }

  @Test
  void recordInfoAndNextNumberStayInTheRawObject() {
    Parsed.Event rec = one(canonical("connection_set_record_info", 5));
    assertEquals("k7", ((Map<?, ?>) ((Map<?, ?>) rec.fields().get("data")).get("record")).get("code"));
    Parsed.Event next = one(canonical("seance_set_next_number", 6));
    assertEquals("202", ((Map<?, ?>) next.fields().get("data")).get("next_number"));
  }

  @Test
  void keyAliasesAreMatchedCaseInsensitivelyInTheFlatShape() {
    // §5.3: type|event|eventtype|name, ts|timestamp|eventts|time, callid, sessionid, dialogid
    Parsed.Event e = one("{\"EventType\":\"call_set_state\",\"TimeStamp\":\"2024-05-01T12:11:12.345+02:00\","
        + "\"CallId\":\"c-9\",\"SessionId\":\"s-9\",\"DialogId\":\"n-9\",\"State\":\"answered\",\"DomainName\":\"d1\"}");
    assertEquals("call_set_state", e.action());
    assertEquals(Instant.parse("2024-05-01T10:11:12.345Z"), e.time());
    Doc d = normalise(e);
    assertEquals("c-9", d.get("channel.id"));
    assertEquals("s-9", d.get("call.id"));
    assertEquals("n-9", d.get("dialog.id"));
    assertEquals("answered", d.get("channel.state"));
  }

  @Test
  void payloadAndArgsWrappersAreReadAndIdInsideACallEventIsTheLeg() {
    Parsed.Event p = one("{\"event\":\"call_delete\",\"time\":1714558272,\"payload\":{\"id\":\"c-7\",\"seanceid\":\"s-7\"}}");
    Doc d = normalise(p);
    assertEquals("c-7", d.get("channel.id"));
    assertEquals("s-7", d.get("call.id"));
    assertEquals(Instant.ofEpochSecond(1714558272), p.time());
    assertEquals("s", p.timePrecision());
    Parsed.Event a = one("{\"name\":\"seance_delete\",\"args\":{\"seance_id\":\"s-8\",\"eventts\":1714558272345}}");
    assertEquals(Instant.ofEpochMilli(1714558272345L), a.time());
    assertEquals("s-8", normalise(a).get("call.id"));
  }

  @Test
  void numericTimestampsAreRecognisedByMagnitude() {
    // §0.2: 10 digits s, 11 digits Gregorian s, 13 ms, 16 µs, 17 Gregorian µs
    long unix = 1714558272L;
    Map<String, Instant> cases =
        Map.of(
            "1714558272", Instant.ofEpochSecond(unix),
            String.valueOf(unix + 62167219200L), Instant.ofEpochSecond(unix),
            "1714558272345", Instant.ofEpochMilli(1714558272345L),
            "1714558272345678", Instant.ofEpochSecond(unix, 345678000),
            String.valueOf((unix + 62167219200L) * 1_000_000 + 345678), Instant.ofEpochSecond(unix, 345678000),
            "\"1714558272.345\"", Instant.ofEpochSecond(unix, 345000000));
    for (Map.Entry<String, Instant> c : cases.entrySet()) {
      Parsed.Event e = one("{\"type\":\"seance_update\",\"ts\":" + c.getKey() + ",\"seance_id\":\"s\"}");
      assertEquals(c.getValue(), e.time(), c.getKey());
    }
    assertNull(one("{\"type\":\"seance_update\",\"ts\":12345,\"seance_id\":\"s\"}").time(), "unknown magnitude");
  }

  @Test
  void isoTimeWithoutOffsetIsTakenAsUtcAndFlagged() {
    Parsed.Event e = one("{\"type\":\"seance_update\",\"ts\":\"2024-05-01T10:11:12.345\",\"seance_id\":\"s\"}");
    assertEquals(Instant.parse("2024-05-01T10:11:12.345Z"), e.time());
    assertEquals("UTC", normalise(e).get("event.timezone"));
    assertNull(normalise(one(canonical("seance_update", 1))).get("event.timezone"));
  }

  @Test
  void copiesDeliveredToSeveralDomainsHaveOneIdentity() {
    String a = "{\"type\":\"call_set_state\",\"ts\":1714558272345,\"domain\":\"a.example\",\"call_id\":\"c-1\","
        + "\"seance_id\":\"s-1\",\"state\":\"ringing\"}";
    String b = a.replace("a.example", "b.example");
    String later = a.replace("\"ringing\"", "\"answered\"");
    Parsed.Event ea = one(a);
    Parsed.Event eb = one(b);
    assertNotNull(CCS.identity(ea));
    assertEquals(CCS.identity(ea), CCS.identity(eb));
    assertNotEquals(CCS.identity(ea), CCS.identity(one(later)));
    // with an event id the id decides, whatever else differs
    assertEquals(CCS.identity(one(canonical("call_dtmf", 2))),
        CCS.identity(one(canonical("call_dtmf", 2).replace("sales.example.com", "support.example.com"))));
    // and the pipeline gives the copies one document id
    Pipeline p = new Pipeline(List.of(), new NoSink(), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    SourceContext ctx = new SourceContext(null, Map.of(), Instant.EPOCH);
    IndexDoc da = p.normalise(ea, CCS, ctx);
    IndexDoc db = p.normalise(eb, CCS, ctx);
    assertEquals(da.id(), db.id());
    assertEquals("a.example", da.doc().get("ccs.domain"));
  }

  @Test
  void withoutIdOrEntityIdTheBytesDecide() {
    assertNull(CCS.identity(one("{\"type\":\"seance_update\",\"ts\":1714558272}")));
  }

  @Test
  void otherClassesAndObjectsWithoutTypeAreSkipped() {
    List<Parsed> ps = Readers.readAll(CCS, utf8("{\"class\":\"userevents\",\"type\":\"user_login\"}\n{\"x\":1}\n"
        + "{\"type\":{\"nested\":true}}"), "t");
    assertTrue(((Parsed.Skipped) ps.get(0)).reason().contains("userevents"));
    assertInstanceOf(Parsed.Skipped.class, ps.get(1));
    assertInstanceOf(Parsed.Malformed.class, ps.get(2));
  }

  @Test
  void arrayOfEventsGivesOnePiecePerElement() {
    StringBuilder arr = new StringBuilder("[");
    int i = 0;
    for (String t : new TreeSet<>(CcsFormat.EVENTS)) arr.append(i++ == 0 ? "" : ",\n").append(canonical(t, i));
    arr.append("]");
    List<Parsed> ps = Readers.readAll(CCS, utf8(arr.toString()), "t");
    assertEquals(CcsFormat.EVENTS, Readers.events(ps).stream().map(Parsed.Event::action).collect(Collectors.toSet()));
    assertAccounted(utf8(arr.toString()), ps);
  }

  @Test
  void sampleFilesParseCoverAllEventsAndCollapseCrossDomainCopies() throws IOException {
    Set<String> seen = new HashSet<>();
    int files = 0;
    try (var s = Files.list(SAMPLES)) {
      for (Path f : s.filter(p -> !p.toString().endsWith(".md")).sorted().toList()) {
        byte[] bytes = Files.readAllBytes(f);
        List<Parsed> ps = Readers.readAll(CCS, bytes, f.toString());
        assertEquals(List.of(), Pieces.malformed(ps), f.toString());
        assertTrue(ps.stream().allMatch(p -> p instanceof Parsed.Event), f.toString());
        assertAccounted(bytes, ps);
        List<Parsed.Event> es = Readers.events(ps);
        es.forEach(e -> seen.add(e.action()));
        es.forEach(e -> assertNotNull(e.time(), e.action()));
        assertTrue(CCS.detect(bytes, Math.min(bytes.length, 4096)), f.toString());
        if (f.toString().endsWith("batch.json")) {
          long domains = es.stream().map(e -> e.fields().get("domain")).distinct().count();
          long identities = es.stream().map(CCS::identity).distinct().count();
          assertTrue(domains > 1, "the batch shows cross-domain delivery");
          assertTrue(identities < es.size(), "cross-domain copies collapse: " + identities + " of " + es.size());
        }
        files++;
      }
    }
    assertEquals(2, files);
    assertEquals(CcsFormat.EVENTS, seen);
  }

  @Test
  void detectRecognisesCcsAndNothingElseInTheFixtures() throws IOException {
    byte[] flat = utf8("{\"event\":\"connection_create\",\"connection_id\":\"n\"}");
    assertTrue(CCS.detect(flat, flat.length));
    assertEquals("ccs", Formats.standard().detect(flat, flat.length).orElseThrow().name());
    byte[] wrapped = utf8("{\"name\": \"seance_delete\", \"args\": {\"seance_id\": \"s-8\"}}");
    assertEquals("ccs", Formats.standard().detect(wrapped, wrapped.length).orElseThrow().name());
    byte[] kazoo = utf8("{\"name\": \"CALL_SECURE\", \"args\": {\"Call-ID\": \"x\", \"Msg-ID\": \"1\"}}");
    assertFalse(CCS.detect(kazoo, kazoo.length), "Kazoo's CALL_SECURE is not ccs");
    assertEquals("kazoo", Formats.standard().detect(kazoo, kazoo.length).orElseThrow().name());
    for (String folder : List.of("asterisk-ami", "asterisk-ari", "kazoo-amqp", "freeswitch-esl")) {
      for (Path f : Fixtures.files(folder)) {
        byte[] head = Files.readAllBytes(f);
        assertFalse(CCS.detect(head, Math.min(head.length, 4096)), f.toString());
      }
    }
    for (Path f : Fixtures.files("ccs")) {
      byte[] head = Files.readAllBytes(f);
      assertTrue(CCS.detect(head, Math.min(head.length, 4096)), f.toString());
    }
  }

  static final class NoSink implements DocSink {
    public void accept(IndexDoc doc) {}

    public void flush() {}

    public void close() {}
  }
}
