package io.callarchive.enrich.security;

import static io.callarchive.enrich.TestDocs.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Corpus;
import io.callarchive.enrich.TestDocs;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import io.callarchive.parse.ami.AmiFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Conformance: the security events of the shared corpus (AMI, and FreeSWITCH's sofia registrations). */
class SecurityEnricherCorpusTest {
  private final SecurityEnricher enricher = new SecurityEnricher();

  private static IndexDoc only(List<IndexDoc> docs) {
    return SecurityEnricherTest.only(docs);
  }

  @Test
  void everySecurityEventOfTheAmiCorpusYieldsASecurityDocumentWithItsSourceAddress() {
    AmiFormat ami = new AmiFormat();
    int seen = 0;
    for (Path file : Corpus.files("asterisk-ami")) {
      for (Parsed.Event p : Readers.events(Readers.readAll(ami, file))) {
        if (SecurityEventType.of(p.action()) == null) continue;
        IndexDoc e = event("asterisk.ami", p.action(), "ami", p.fields());
        Doc d = only(TestDocs.run(enricher, e)).doc();
        assertTrue(d.get("source.ip") != null, file + ": " + p.fields());
        assertTrue(d.get("source.port") instanceof Integer, file + ": " + p.fields());
        assertEquals(p.action().equals("SuccessfulAuth") ? "success" : p.action().equals("ChallengeSent") ? "unknown" : "failure",
            d.get("event.outcome"));
        seen++;
      }
    }
    assertTrue(seen >= 5, "saw " + seen);
  }

  @Test
  void freeswitchPreRegisterFromTheCorpusIsAChallengeWithTheRealSourceAddress() throws Exception {
    String text = Files.readString(Corpus.dir("freeswitch-esl").resolve("griffin.networking__CustomSofiaPreRegister.txt"));
    Map<String, Object> raw = TestDocs.freeswitchBlock(text, "Event-Subclass");
    IndexDoc e = event("freeswitch.esl", "CUSTOM", "freeswitch", raw);
    Doc d = only(TestDocs.run(enricher, e)).doc();
    assertEquals("sofia::pre_register", d.get("security.event"));
    assertEquals("unknown", d.get("event.outcome"));
    assertEquals("Informational", d.get("security.severity"));
    assertEquals("SIP", d.get("security.service"));
    assertEquals("1003", d.get("user.name"));
    assertEquals("192.168.1.79", d.get("user.domain"));
    assertEquals("192.168.1.79", d.get("source.ip"));
    assertEquals(52895, d.get("source.port"));
    assertEquals("udp", d.get("network.transport"));
    assertEquals("3CXPhone 5.0.14439.0", d.get("user_agent.original"));
    assertEquals("internal", d.get("security.profile"));
  }

  @Test
  void freeswitchRegisterAttemptFromTheCorpusNamesTheAuthenticatingUser() throws Exception {
    String text =
        Files.readString(Corpus.dir("freeswitch-esl").resolve("griffin.networking__code-comment-events_crlf-as-in-source.txt"));
    Map<String, Object> raw = TestDocs.freeswitchBlock(text, "Event-Subclass");
    Doc d = only(TestDocs.run(enricher, event("freeswitch.esl", "CUSTOM", "freeswitch", raw))).doc();
    assertEquals("sofia::register_attempt", d.get("security.event"));
    assertEquals("1000", d.get("user.name"));
    assertEquals("internal", d.get("user.domain"));
    assertEquals("192.168.1.65", d.get("source.ip"));
    assertEquals(35000, d.get("source.port"));
    assertEquals("unknown", d.get("event.outcome"), "no auth-result in this old capture");
  }

}
