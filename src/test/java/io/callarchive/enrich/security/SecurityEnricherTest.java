package io.callarchive.enrich.security;

import static io.callarchive.enrich.TestDocs.event;
import static io.callarchive.enrich.TestDocs.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Fixtures;
import io.callarchive.parse.freeswitch.FreeswitchFormat;
import io.callarchive.enrich.TestDocs;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import io.callarchive.parse.ami.AmiFormat;
import io.callarchive.pipeline.DocIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecurityEnricherTest {
  private final SecurityEnricher enricher = new SecurityEnricher();

  private static Map<String, Object> amiSecurity(String name, String severity, String... extra) {
    Map<String, Object> m =
        map(
            "Event", name, "Privilege", "security,all", "EventTV", "2019-06-07T21:25:59.559+0000",
            "Severity", severity, "Service", "PJSIP", "EventVersion", "1", "AccountID", "5500",
            "SessionID", "99260YTExOWI2", "LocalAddress", "IPV4/UDP/10.211.55.8/5060",
            "RemoteAddress", "IPV4/UDP/203.0.113.5/59977");
    for (int i = 0; i < extra.length; i += 2) m.put(extra[i], extra[i + 1]);
    return m;
  }

  static IndexDoc only(List<IndexDoc> derived) {
    assertEquals(1, derived.size(), "one security document per security event");
    return derived.get(0);
  }

  // event-sources §1.10: all 15 Asterisk security events, with the outcome each one means
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "FailedACL,               Error,         failure, false, ACLName,            no_ip_acl",
    "InvalidAccountID,        Error,         failure, true,  -,                  -",
    "SessionLimit,            Error,         failure, false, -,                  -",
    "MemoryLimit,             Error,         failure, false, -,                  -",
    "LoadAverageLimit,        Error,         failure, false, -,                  -",
    "RequestNotSupported,     Error,         failure, false, RequestType,        SUBSCRIBE",
    "RequestNotAllowed,       Error,         failure, false, RequestType,        Action: Originate",
    "AuthMethodNotAllowed,    Error,         failure, false, AuthMethod,         plaintext",
    "RequestBadFormat,        Error,         failure, false, RequestType,        INVITE",
    "SuccessfulAuth,          Informational, success, false, UsingPassword,      1",
    "UnexpectedAddress,       Error,         failure, false, ExpectedAddress,    IPV4/UDP/10.0.0.1/5060",
    "ChallengeResponseFailed, Error,         failure, true,  Challenge,          1559942393/fa9a",
    "InvalidPassword,         Error,         failure, true,  ReceivedHash,       91801011d87f",
    "ChallengeSent,           Informational, unknown, false, Challenge,          43ccaa48",
    "InvalidTransport,        Error,         failure, false, AttemptedTransport, ws"
  })
  void everyAsteriskSecurityEventGetsItsFieldsAndASecurityDocument(
      String name, String severity, String outcome, boolean credentialFailure, String extraKey, String extraValue) {
    Map<String, Object> raw =
        extraKey.equals("-") ? amiSecurity(name, severity) : amiSecurity(name, severity, extraKey, extraValue);
    IndexDoc e = event("asterisk.ami", name, "ami", raw);
    IndexDoc sec = only(TestDocs.run(enricher, e));

    for (Doc d : List.of(e.doc(), sec.doc())) {
      assertEquals(name, d.get("security.event"));
      assertEquals("PJSIP", d.get("security.service"));
      assertEquals(severity, d.get("security.severity"));
      assertEquals(outcome, d.get("event.outcome"));
      assertEquals(credentialFailure, d.get("security.credential_failure"));
      assertEquals("5500", d.get("user.name"));
      assertEquals("203.0.113.5", d.get("source.ip"));
      assertEquals(59977, d.get("source.port"));
      assertEquals("10.211.55.8", d.get("destination.ip"));
      assertEquals(5060, d.get("destination.port"));
      assertEquals("udp", d.get("network.transport"));
      assertEquals("ipv4", d.get("network.type"));
      assertTrue(((List<?>) d.get("event.category")).contains("authentication"));
    }
    assertEquals(IndexType.SECURITY, sec.type());
    assertEquals(DocIds.of("security", e.id()), sec.id());
    assertEquals(e.timestamp(), sec.timestamp());
    assertEquals(e.doc().get("@timestamp"), sec.doc().get("@timestamp"));
    assertEquals("pbx1", sec.doc().get("observer.name"));
    assertEquals("call-1", sec.doc().get("call.id"));
    assertEquals("asterisk.ami", sec.doc().get("event.dataset"));
    assertEquals(name, sec.doc().get("event.action"));
    assertEquals("capture.txt", sec.doc().get("log.file.path"));
    assertNull(sec.doc().get("event.original"), "the security copy leaves the original text in the events index");
    assertNull(sec.doc().get("ami"), "nor the raw key/values");
    assertEquals("original text", e.doc().get("event.original"));
  }

  @Test
  void eventSpecificFieldsAreKept() {
    IndexDoc ok = event("asterisk.ami", "SuccessfulAuth", "ami", amiSecurity("SuccessfulAuth", "Informational", "UsingPassword", "0"));
    Doc d = only(TestDocs.run(enricher, ok)).doc();
    assertEquals(false, d.get("security.using_password"));
    IndexDoc req = event("asterisk.ami", "RequestNotAllowed", "ami",
        amiSecurity("RequestNotAllowed", "Error", "RequestType", "Action: Originate", "Module", "manager"));
    Doc r = only(TestDocs.run(enricher, req)).doc();
    assertEquals("Action: Originate", r.get("security.request_type"));
    assertEquals("manager", r.get("security.module"));
    assertEquals("99260YTExOWI2", r.get("security.session_id"));
    assertEquals("2019-06-07T21:25:59.559+0000", r.get("security.event_time"));
  }

  @Test
  void anonymousAccountIsNotAUserNameAndIpv6AddressesAreRead() {
    IndexDoc e = event("asterisk.ami", "InvalidAccountID", "ami",
        amiSecurity("InvalidAccountID", "Error", "AccountID", "<unknown>", "RemoteAddress", "IPV6/TCP/[2001:db8::5]/40001",
            "LocalAddress", "IPV6/TCP/[2001:db8::1]/5060"));
    Doc d = only(TestDocs.run(enricher, e)).doc();
    assertNull(d.get("user.name"));
    assertEquals("<unknown>", d.get("security.account_id"));
    assertEquals("2001:db8::5", d.get("source.ip"));
    assertEquals("2001:db8::1", d.get("destination.ip"));
    assertEquals("tcp", d.get("network.transport"));
    assertEquals("ipv6", d.get("network.type"));
  }

  @Test
  void missingSeverityFallsBackToAsterisksOwn() {
    Map<String, Object> raw = amiSecurity("InvalidPassword", "Error");
    raw.remove("Severity");
    Doc d = only(TestDocs.run(enricher, event("asterisk.ami", "invalidpassword", "ami", raw))).doc();
    assertEquals("Error", d.get("security.severity"));
    assertEquals("InvalidPassword", d.get("security.event"), "the canonical spelling, whatever the wire case");
  }

  /** The events of a FreeSWITCH fixture whose Event-Subclass is {@code subclass}. */
  private static List<Parsed.Event> freeswitch(String subclass) {
    return Readers.events(Readers.readAll(new FreeswitchFormat(),
            Fixtures.file("freeswitch-esl", "callcenter-registrations_bare-blocks.txt"))).stream()
        .filter(e -> subclass.equals(e.fields().get("Event-Subclass")))
        .toList();
  }

  @Test
  void everySecurityEventOfTheAmiFixturesYieldsASecurityDocumentWithItsSourceAddress() {
    AmiFormat ami = new AmiFormat();
    int seen = 0;
    for (Path file : Fixtures.files("asterisk-ami")) {
      for (Parsed.Event p : Readers.events(Readers.readAll(ami, file))) {
        if (SecurityEventType.of(p.action()) == null) continue;
        IndexDoc e = event("asterisk.ami", p.action(), "ami", p.fields());
        Doc d = only(TestDocs.run(enricher, e)).doc();
        // RemoteAddress is IPV4|IPV6/transport/address/port (§1.10), IPv6 in brackets
        String[] parts = ((String) p.fields().get("RemoteAddress")).split("/");
        assertEquals(parts[2].replace("[", "").replace("]", ""), d.get("source.ip"), file + ": " + p.fields());
        assertEquals(Integer.valueOf(parts[3]), d.get("source.port"), file + ": " + p.fields());
        assertEquals(parts[1].toLowerCase(java.util.Locale.ROOT), d.get("network.transport"));
        assertEquals(p.fields().get("Service"), d.get("security.service"));
        assertEquals(p.action().equals("SuccessfulAuth") ? "success" : p.action().equals("ChallengeSent") ? "unknown" : "failure",
            d.get("event.outcome"));
        seen++;
      }
    }
    assertEquals(9, seen, "the events of security-events_crlf.txt");
  }

  @Test
  void freeswitchPreRegisterOfTheFixturesIsAChallengeWithTheRealSourceAddress() {
    Parsed.Event p = freeswitch("sofia::pre_register").get(0);
    Doc d = only(TestDocs.run(enricher, event("freeswitch.esl", "CUSTOM", "freeswitch", p.fields()))).doc();
    assertEquals("sofia::pre_register", d.get("security.event"));
    assertEquals("unknown", d.get("event.outcome"));
    assertEquals("Informational", d.get("security.severity"));
    assertEquals("SIP", d.get("security.service"));
    assertEquals("1000", d.get("user.name"), "from-user: the AOR being registered (§3.10)");
    assertEquals("192.0.2.30", d.get("user.domain"));
    assertEquals("203.0.113.90", d.get("source.ip"), "network-ip, not the contact");
    assertEquals(5080, d.get("source.port"));
    assertEquals("udp", d.get("network.transport"), "status Registered(UDP)");
    assertEquals("friendly-scanner", d.get("user_agent.original"));
    assertEquals("internal", d.get("security.profile"));
    assertEquals("scan-77@203.0.113.90", d.get("security.session_id"));
  }

  @Test
  void freeswitchForbiddenRegisterAttemptAndRegisterFailureOfTheFixturesAreFailures() {
    Parsed.Event attempt = freeswitch("sofia::register_attempt").get(0);
    Doc a = only(TestDocs.run(enricher, event("freeswitch.esl", "CUSTOM", "freeswitch", attempt.fields()))).doc();
    assertEquals("sofia::register_attempt", a.get("security.event"));
    assertEquals("1000", a.get("user.name"), "username");
    assertEquals("192.0.2.30", a.get("user.domain"), "realm");
    assertEquals("failure", a.get("event.outcome"), "auth-result FORBIDDEN");
    assertEquals("Error", a.get("security.severity"));
    assertEquals("FORBIDDEN", a.get("security.auth_result"));
    Parsed.Event failure = freeswitch("sofia::register_failure").get(0);
    Doc f = only(TestDocs.run(enricher, event("freeswitch.esl", "CUSTOM", "freeswitch", failure.fields()))).doc();
    assertEquals("sofia::register_failure", f.get("security.event"));
    assertEquals("1000", f.get("user.name"), "to-user");
    assertEquals("192.0.2.30", f.get("user.domain"), "to-host");
    assertEquals("203.0.113.90", f.get("source.ip"));
    assertEquals(5080, f.get("source.port"));
    assertEquals("internal", f.get("security.profile"), "the first of the two profile-name headers");
    assertEquals("REGISTER", f.get("security.request_type"));
    assertEquals("failure", f.get("event.outcome"));
  }

  @ParameterizedTest(name = "auth-result {0}")
  @CsvSource({"SUCCESS, success, Informational", "RENEWED, success, Informational", "FORBIDDEN, failure, Error",
      "STALE, unknown, Informational", "SOMETHING_NEW, unknown, Informational"})
  void registerAttemptOutcomeFollowsItsAuthResult(String result, String outcome, String severity) {
    Map<String, Object> raw = map("Event-Name", "CUSTOM", "Event-Subclass", "sofia::register_attempt",
        "from-user", "1001", "username", "1001", "realm", "pbx.example.com", "network-ip", "198.51.100.20",
        "network-port", "5062", "auth-result", result, "contact", "<sip:1001@198.51.100.20:5062;transport=tcp>");
    Doc d = only(TestDocs.run(enricher, event("freeswitch.esl", "CUSTOM", "freeswitch", raw))).doc();
    assertEquals(outcome, d.get("event.outcome"));
    assertEquals(severity, d.get("security.severity"));
    assertEquals(result, d.get("security.auth_result"));
    assertEquals("tcp", d.get("network.transport"));
    assertEquals("pbx.example.com", d.get("user.domain"));
  }

  @Test
  void registerFailureWithItsDuplicatedProfileNameIsACredentialFailure() {
    Map<String, Object> raw = map("Event-Name", "CUSTOM", "Event-Subclass", "sofia::register_failure",
        "profile-name", List.of("external", "external"), "to-user", "admin", "to-host", "203.0.113.1",
        "network-ip", "2001:db8::bad", "network-port", "5060", "user-agent", "friendly-scanner",
        "registration-type", "INVITE");
    IndexDoc e = event("freeswitch.esl", "sofia::register_failure", "freeswitch", raw);
    IndexDoc sec = only(TestDocs.run(enricher, e));
    for (Doc d : List.of(e.doc(), sec.doc())) {
      assertEquals("failure", d.get("event.outcome"));
      assertEquals("Error", d.get("security.severity"));
      assertEquals(true, d.get("security.credential_failure"));
      assertEquals("admin", d.get("user.name"));
      assertEquals("2001:db8::bad", d.get("source.ip"));
      assertEquals("ipv6", d.get("network.type"));
      assertEquals("external", d.get("security.profile"));
      assertEquals("INVITE", d.get("security.request_type"));
      assertEquals("friendly-scanner", d.get("user_agent.original"));
    }
  }

  @Test
  void otherEventsYieldNothing() {
    assertTrue(TestDocs.run(enricher, event("asterisk.ami", "Hangup", "ami", map("Cause", "16"))).isEmpty());
    assertTrue(TestDocs.run(enricher, event("freeswitch.esl", "CUSTOM", "freeswitch",
        map("Event-Subclass", "sofia::register", "network-ip", "192.0.2.1"))).isEmpty());
    assertTrue(TestDocs.run(enricher, event("kazoo.amqp", "InvalidPassword", "kazoo", map("Event-Name", "x"))).isEmpty());
    IndexDoc fsNamedLikeAsterisk = event("freeswitch.esl", "InvalidPassword", "freeswitch", map("Event-Name", "CUSTOM"));
    assertTrue(TestDocs.run(enricher, fsNamedLikeAsterisk).isEmpty());
    assertFalse(fsNamedLikeAsterisk.doc().asMap().containsKey("security"));
  }
}
