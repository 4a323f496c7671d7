package io.callarchive.enrich.cause;

import static io.callarchive.enrich.TestDocs.event;
import static io.callarchive.enrich.TestDocs.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.Fixtures;
import io.callarchive.enrich.TestDocs;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import io.callarchive.parse.ami.AmiFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CauseEnricherTest {
  private final CauseEnricher enricher = new CauseEnricher();

  static Stream<Cause> rows() {
    return CauseTable.all().stream();
  }

  /** Rows a platform can send as a number: Asterisk, ARI and ccs report Q.850 values only (0..127). */
  static Stream<Cause> q850Rows() {
    return rows().filter(c -> c.code() <= 127);
  }

  private Doc enrich(IndexDoc e) {
    assertTrue(TestDocs.run(enricher, e).isEmpty(), "a cause never derives documents");
    return e.doc();
  }

  private static void assertUnified(Cause c, Doc d) {
    assertEquals(c.q850(), d.get("hangup.cause.q850"));
    assertEquals(c.name(), d.get("hangup.cause.name"));
    assertEquals(c.category().value(), d.get("hangup.cause.category"));
    assertEquals(c.sip(), d.get("hangup.sip_code"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("q850Rows")
  void amiHangupCauseNumberAndTextGiveTheRow(Cause c) {
    String text = c.asteriskText() != null ? c.asteriskText() : "Unknown";
    Doc d = enrich(event("asterisk.ami", "Hangup", "ami", map("Cause", String.valueOf(c.code()), "Cause-txt", text)));
    assertUnified(c, d);
    assertEquals(text, d.get("hangup.cause.raw"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("q850Rows")
  void ariChannelDestroyedNumericCauseGivesTheRow(Cause c) {
    Doc d = enrich(event("asterisk.ari", "ChannelDestroyed", "ari", map("cause", c.code(), "cause_txt", "x")));
    assertUnified(c, d);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void freeswitchCauseNameGivesTheRowEvenWhenItsQ850SaysSixteen(Cause c) {
    Doc d =
        enrich(
            event(
                "freeswitch.esl",
                "CHANNEL_HANGUP_COMPLETE",
                "freeswitch",
                map("Hangup-Cause", c.name(), "variable_hangup_cause_q850", String.valueOf(c.q850()))));
    assertUnified(c, d);
    assertEquals(c.code(), d.get("hangup.cause.code"));
    assertEquals(c.name(), d.get("hangup.cause.raw"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void kazooHangupCauseNameGivesTheRow(Cause c) {
    Doc d = enrich(event("kazoo.amqp", "CHANNEL_DESTROY", "kazoo", map("Hangup-Cause", c.name())));
    assertUnified(c, d);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("q850Rows")
  void ccsFailureQ850GivesTheRow(Cause c) {
    Map<String, Object> raw = map("type", "connection_failure", "data", map("failure", map("q850", c.code())));
    Doc d = enrich(event("ccs.events", "connection_failure", "ccs", raw));
    assertUnified(c, d);
  }

  @Test
  void reportedSipStatusWinsOverTheMappedOneAndDecidesTheCategory() {
    Doc d =
        enrich(
            event("kazoo.amqp", "CHANNEL_DESTROY", "kazoo", map("Hangup-Cause", "NORMAL_CLEARING", "Hangup-Code", "sip:486")));
    assertEquals(486, d.get("hangup.sip_code"));
    assertEquals(false, d.get("hangup.sip_code_mapped"));
    assertEquals("busy", d.get("hangup.cause.category"));
    assertEquals("NORMAL_CLEARING", d.get("hangup.cause.name"));
  }

  @Test
  void sipStatusAloneIsMappedBackToQ850() {
    Doc d = enrich(event("kazoo.amqp", "CHANNEL_DESTROY", "kazoo", map("Hangup-Code", "sip:404")));
    assertEquals(1, d.get("hangup.cause.q850"));
    assertEquals("UNALLOCATED_NUMBER", d.get("hangup.cause.name"));
    assertEquals("unavailable", d.get("hangup.cause.category"));
    assertEquals(404, d.get("hangup.sip_code"));

    Doc ccs =
        enrich(event("ccs.events", "connection_failure", "ccs", map("failure", map("sip_code", 486, "reason", "busy"))));
    assertEquals(17, ccs.get("hangup.cause.q850"));
    assertEquals("busy", ccs.get("hangup.cause.raw"));
  }

  @Test
  void freeswitchSipTermStatusAndProtoSpecificCauseAreBothRead() {
    Doc a =
        enrich(
            event("freeswitch.esl", "CHANNEL_HANGUP", "freeswitch",
                map("Hangup-Cause", "USER_BUSY", "variable_sip_term_status", "486")));
    assertEquals(486, a.get("hangup.sip_code"));
    assertEquals(false, a.get("hangup.sip_code_mapped"));
    Doc b =
        enrich(
            event("freeswitch.esl", "CHANNEL_HANGUP", "freeswitch",
                map("Hangup-Cause", "CALL_REJECTED", "variable_proto_specific_hangup_cause", "sip:603")));
    assertEquals(603, b.get("hangup.sip_code"));
    assertEquals("rejected", b.get("hangup.cause.category"));
  }

  @Test
  void sip487KeepsTheCategoryOfAKnownCauseButCancelsANormalOne() {
    Doc noAnswer =
        enrich(
            event("freeswitch.esl", "CHANNEL_HANGUP", "freeswitch",
                map("Hangup-Cause", "NO_ANSWER", "variable_sip_term_status", "487")));
    assertEquals("no_answer", noAnswer.get("hangup.cause.category"));
    Doc normal =
        enrich(
            event("freeswitch.esl", "CHANNEL_HANGUP", "freeswitch",
                map("Hangup-Cause", "NORMAL_CLEARING", "variable_sip_term_status", "487")));
    assertEquals("cancelled", normal.get("hangup.cause.category"));
  }

  @Test
  void normalClearingOfALegNeverAnsweredIsCancelled() {
    Doc ringing =
        enrich(event("asterisk.ami", "Hangup", "ami", map("ChannelState", "4", "Cause", "16", "Cause-txt", "Normal Clearing")));
    assertEquals("cancelled", ringing.get("hangup.cause.category"));
    assertEquals("NORMAL_CLEARING", ringing.get("hangup.cause.name"));
    Doc up =
        enrich(event("asterisk.ami", "Hangup", "ami", map("ChannelState", "6", "Cause", "16", "Cause-txt", "Normal Clearing")));
    assertEquals("answered", up.get("hangup.cause.category"));
    Doc ari =
        enrich(event("asterisk.ari", "ChannelDestroyed", "ari", map("cause", 16, "channel", map("state", "Ring"))));
    assertEquals("cancelled", ari.get("hangup.cause.category"));
    Doc fs =
        enrich(
            event("freeswitch.esl", "CHANNEL_HANGUP", "freeswitch",
                map("Hangup-Cause", "NORMAL_CLEARING", "Caller-Channel-Answered-Time", "0")));
    assertEquals("cancelled", fs.get("hangup.cause.category"));
    Doc fsAnswered =
        enrich(
            event("freeswitch.esl", "CHANNEL_HANGUP", "freeswitch",
                map("Hangup-Cause", "NORMAL_CLEARING", "Caller-Channel-Answered-Time", "1443672756993309")));
    assertEquals("answered", fsAnswered.get("hangup.cause.category"));
  }

  @Test
  void unknownValuesKeepTheirRawTextWithCategoryOther() {
    Doc fs = enrich(event("freeswitch.esl", "CHANNEL_HANGUP", "freeswitch", map("Hangup-Cause", "CHECK FS HANGUP CAUSE")));
    assertEquals("CHECK FS HANGUP CAUSE", fs.get("hangup.cause.raw"));
    assertEquals("other", fs.get("hangup.cause.category"));
    assertNull(fs.get("hangup.cause.name"));
    assertNull(fs.get("hangup.cause.q850"));

    Doc ami = enrich(event("asterisk.ami", "Hangup", "ami", map("Cause", "48", "Cause-txt", "Unknown")));
    assertEquals(48, ami.get("hangup.cause.q850"));
    assertEquals("Unknown", ami.get("hangup.cause.raw"));
    assertEquals("other", ami.get("hangup.cause.category"));
    assertNull(ami.get("hangup.cause.name"));
  }

  @Test
  void numbersOutsideTheQ850RangeStayRawSoTheyCannotBreakTheShortField() {
    Doc d = enrich(event("asterisk.ami", "Hangup", "ami", map("Cause", "999999", "Cause-txt", "Unknown")));
    assertNull(d.get("hangup.cause.q850"));
    assertEquals("Unknown", d.get("hangup.cause.raw"));
    assertEquals("other", d.get("hangup.cause.category"));
  }

  @Test
  void whatAParserPutUnderHangupCauseIsReplacedButOtherHangupFieldsStay() {
    IndexDoc e = event("kazoo.amqp", "CHANNEL_DESTROY", "kazoo", map("Hangup-Cause", "not a cause"));
    e.doc().put("hangup.cause.name", "not a cause");
    e.doc().put("hangup.sip_code", 999L);
    e.doc().put("hangup.disposition", "send_bye");
    Doc d = enrich(e);
    assertNull(d.get("hangup.cause.name"), "only canonical names go to hangup.cause.name");
    assertEquals("not a cause", d.get("hangup.cause.raw"));
    assertNull(d.get("hangup.sip_code"));
    assertEquals("send_bye", d.get("hangup.disposition"));
  }

  @Test
  void amiRequestsCarryOnlyTheNumberAndTechCauseIsTheSipStatus() {
    Doc d = enrich(event("asterisk.ami", "SoftHangupRequest", "ami", map("Cause", "17")));
    assertEquals("USER_BUSY", d.get("hangup.cause.name"));
    assertEquals("17", d.get("hangup.cause.raw"));
    Doc t = enrich(event("asterisk.ami", "Hangup", "ami", map("Cause", "21", "Cause-txt", "Call Rejected", "TechCause", "403")));
    assertEquals(403, t.get("hangup.sip_code"));
    assertEquals(false, t.get("hangup.sip_code_mapped"));
  }

  @Test
  void eventsThatAreNotAboutHangupsAreLeftAlone() {
    Doc peer = enrich(event("asterisk.ami", "PeerStatus", "ami", map("Cause", "17", "PeerStatus", "Unreachable")));
    assertNull(peer.get("hangup"));
    Doc ari = enrich(event("asterisk.ari", "Dial", "ari", map("dialstatus", "BUSY")));
    assertNull(ari.get("hangup"));
    Doc fs = enrich(event("freeswitch.esl", "CHANNEL_CREATE", "freeswitch", map("Unique-ID", "u1")));
    assertNull(fs.get("hangup"));
  }

  @Test
  void everyAmiHangupOfTheFixturesGetsAKnownCause() {
    AmiFormat ami = new AmiFormat();
    int seen = 0;
    for (Path file : Fixtures.files("asterisk-ami")) {
      for (Parsed.Event e : Readers.events(Readers.readAll(ami, file))) {
        if (!e.action().equalsIgnoreCase("Hangup")) continue;
        assertTrue(e.fields().containsKey("Cause"), file + ": every Hangup of the fixtures has a Cause");
        Doc d = enrich(event("asterisk.ami", e.action(), "ami", e.fields()));
        Cause c = CauseTable.byCode(Integer.parseInt((String) e.fields().get("Cause")));
        // a normal clearing of a leg that never got Up (ChannelState 6, §11.1) was a cancelled attempt
        boolean up = "6".equals(e.fields().get("ChannelState"));
        String category = c.code() == 16 && !up ? "cancelled" : c.category().value();
        assertEquals(category, d.get("hangup.cause.category"), file + ": " + e.fields());
        assertEquals(c.q850(), d.get("hangup.cause.q850"), file + ": " + e.fields());
        assertEquals(c.asteriskText(), e.fields().get("Cause-txt"), "Asterisk's text for " + c.code());
        seen++;
      }
    }
    assertEquals(15, seen, "Hangup events of the AMI fixtures (CONTENTS.md)");
  }

  @Test
  void ariFixtureChannelDestroyedCausesAreUnified() throws Exception {
    ObjectMapper json = new ObjectMapper();
    int seen = 0;
    for (Path file : Fixtures.files("asterisk-ari")) {
      try (var it = json.readerFor(Object.class).readValues(Files.readAllBytes(file))) {
        while (it.hasNext()) {
          Object v = it.next();
          for (Object o : v instanceof java.util.List<?> l ? l : java.util.List.of(v)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> tree = (Map<String, Object>) o;
            if (!"ChannelDestroyed".equals(tree.get("type"))) continue;
            Doc d = enrich(event("asterisk.ari", "ChannelDestroyed", "ari", tree));
            Cause c = CauseTable.byCode(((Number) tree.get("cause")).intValue());
            assertEquals(c.name(), d.get("hangup.cause.name"));
            boolean up = "Up".equals(((Map<?, ?>) tree.get("channel")).get("state"));
            assertEquals(c.code() == 16 && !up ? "cancelled" : c.category().value(), d.get("hangup.cause.category"));
            assertEquals(tree.get("cause_txt"), d.get("hangup.cause.raw"));
            assertEquals(c.asteriskText(), tree.get("cause_txt"), "Asterisk's text for " + c.code());
            seen++;
          }
        }
      }
    }
    assertEquals(6, seen, "ChannelDestroyed events of the ARI fixtures (CONTENTS.md)");
  }
}
