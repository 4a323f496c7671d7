package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.cli.Main;
import io.callarchive.it.AmiCalls.Call;
import io.callarchive.it.AmiCalls.End;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Import, setup, calls, call and prune through a real TLS front (nginx with a test CA, requiring basic
 * authentication or an API key) in front of the test node; wrong CA, wrong credentials and plain HTTP each give
 * one sentence; no secret appears in any output, log or the job repository.
 */
class TlsIT {
  private static final String USER = "archivist";
  private static final String PASSWORD = Secrets.random("pw-");
  private static final String API_KEY = Secrets.random("key");
  private static final String WRONG_PASSWORD = Secrets.random("wrongpw-");
  private static final String WRONG_KEY = Secrets.random("wrongkey");
  private static final List<String> SECRETS = List.of(PASSWORD, API_KEY, WRONG_PASSWORD, WRONG_KEY);
  private static final Path DIR = Path.of(System.getProperty("callarchive.project"), "target", "tls-it");
  private static final StringBuilder OUTPUT = new StringBuilder();

  @TempDir static Path tmp;
  private static Nginx front;
  private static Path ca;
  private static Path otherCa;
  private static ElasticsearchClient es;

  @BeforeAll
  static void startFront() throws Exception {
    es = TestCluster.client();
    TestCluster.wipe();
    ca = Nginx.ca(DIR, "ca");
    otherCa = Nginx.ca(DIR, "other-ca");
    Nginx.serverCert(DIR, "ca");
    front = Nginx.start(DIR, Integer.parseInt(System.getProperty("callarchive.it.port")), USER, PASSWORD, API_KEY);
  }

  @AfterAll
  static void stopFront() throws Exception {
    if (front != null) front.close();
  }

  private static Cli.Run cli(String... args) {
    Cli.Run r = Cli.run(args);
    OUTPUT.append(r.out()).append(r.err());
    return r;
  }

  private static String[] withKey(String key, String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    a.addAll(List.of("--es-url", front.url(), "--es-ca-cert", ca.toString(), "--es-api-key", key));
    return a.toArray(String[]::new);
  }

  @Test
  void everyCommandWorksThroughTheTlsFrontAndNoSecretIsWrittenAnywhere() throws Exception {
    Cli.Run setup = cli(withKey(API_KEY, "setup"));
    assertEquals(Main.OK, setup.code(), setup.all());
    assertTrue(setup.out().contains(front.url() + " (API key)"), setup.out());

    List<Call> calls = new ArrayList<>();
    Instant t0 = Instant.parse("2026-11-21T09:00:00Z");
    for (int i = 0; i < 5; i++) {
      calls.add(new Call(100 + i, t0.plusSeconds(600L * i), "2" + i, "06" + i, i % 2 == 0 ? End.ANSWERED : End.BUSY, null, null));
    }
    Path file = tmp.resolve("tls-ami.log");
    Files.writeString(file, AmiCalls.whole(calls), StandardCharsets.UTF_8);
    Path home = tmp.resolve("home");
    // A separate process, the password in the environment as the README recommends, with --json.
    Cli.Run imp = Cli.process(tmp.resolve("logs"), "import", Map.of("CALLARCHIVE_ES_USER", USER, "CALLARCHIVE_ES_PASSWORD", PASSWORD,
            "CALLARCHIVE_LOG_LEVEL", "DEBUG"),
        "import", "--es-url", front.url(), "--es-ca-cert", ca.toString(), "--home", home.toString(), "--json",
        "--progress", "log", file.toString());
    OUTPUT.append(imp.out()).append(imp.err());
    assertEquals(Main.OK, imp.code(), imp.all());
    int events = calls.stream().mapToInt(AmiCalls::eventCount).sum();
    assertEquals(events, countEvents());

    Cli.Run list = cli(withKey(API_KEY, "calls", "--json"));
    assertEquals(Main.OK, list.code(), list.all());
    assertEquals(calls.size(), new ObjectMapper().readTree(list.out()).path("total").asInt());
    Cli.Run one = cli(withKey(API_KEY, "call", calls.get(0).uniqueB()));
    assertEquals(Main.OK, one.code(), one.all());
    assertTrue(one.out().contains("events (" + AmiCalls.eventCount(calls.get(0)) + ")"), one.out());
    Cli.Run prune = cli(withKey(API_KEY, "prune", "--dry-run"));
    assertEquals(Main.OK, prune.code(), prune.all());

    // The failures of the other tests of this class are part of what is searched too.
    wrongCaIsOneSentence();
    wrongCredentialsAreOneSentence();
    plainHttpToTheTlsPortIsOneSentence();

    List<String> leaks = new ArrayList<>();
    for (String s : SECRETS) if (OUTPUT.indexOf(s) >= 0) leaks.add("output contains " + s);
    try (Stream<Path> files = Files.walk(tmp)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(f);
        for (String s : SECRETS) {
          if (Secrets.foundIn(bytes, s)) {
            leaks.add(f + " contains a secret");
          }
        }
      }
    }
    assertTrue(Files.list(home.resolve("jobs")).findAny().isPresent(), "the job repository was written");
    assertEquals(List.of(), leaks);
  }

  private static long countEvents() throws Exception {
    es.indices().refresh(r -> r.index("callarchive-*"));
    return es.count(c -> c.index("callarchive-events")).count();
  }

  private static void assertOneSentence(Cli.Run r, String expected) {
    assertEquals(Main.FAILURE, r.code(), r.all());
    String err = r.err().strip().replaceFirst("^callarchive [a-z]+: ", "callarchive: ");
    assertTrue(err.startsWith("callarchive: ") && err.contains(expected), err);
    assertEquals(1, err.lines().count(), err);
    assertFalse(err.contains("Exception"), err);
  }

  @Test
  void wrongCaIsOneSentence() {
    Cli.Run wrong = cli("setup", "--es-url", front.url(), "--es-ca-cert", otherCa.toString(), "--es-api-key", API_KEY);
    assertOneSentence(wrong, "presented a TLS certificate that is not signed by a trusted CA");
    assertTrue(wrong.err().contains(otherCa + " is not it"), wrong.err());
    // Without --es-ca-cert the JDK's trust store is used, which does not know the test CA either.
    assertOneSentence(cli("calls", "--es-url", front.url(), "--es-api-key", API_KEY),
        "presented a TLS certificate that is not signed by a trusted CA");
  }

  @Test
  void wrongCredentialsAreOneSentence() throws Exception {
    assertOneSentence(cli(withKey(WRONG_KEY, "setup")), "refused the credentials (HTTP 401): check the API key");
    assertOneSentence(cli("prune", "--dry-run", "--es-url", front.url(), "--es-ca-cert", ca.toString(), "--es-user", USER,
        "--es-password", WRONG_PASSWORD), "refused the credentials (HTTP 401): check the user and password");
    assertOneSentence(cli("calls", "--es-url", front.url(), "--es-ca-cert", ca.toString()),
        "refused the credentials (HTTP 401): check that it needs credentials");
    Path file = tmp.resolve("wrong-key-ami.log");
    Files.writeString(file, AmiCalls.whole(List.of(new Call(1, Instant.parse("2026-11-21T08:00:00Z"), "1", "2", End.BUSY, null, null))));
    Cli.Run imp = cli("import", "--es-url", front.url(), "--es-ca-cert", ca.toString(), "--es-api-key", WRONG_KEY,
        "--home", tmp.resolve("wrong-home").toString(), "--progress", "none", file.toString());
    assertOneSentence(imp, "refused the credentials (HTTP 401)");
  }

  @Test
  void plainHttpToTheTlsPortIsOneSentence() {
    assertOneSentence(cli("setup", "--es-url", "http://127.0.0.1:" + front.port, "--es-api-key", API_KEY),
        "answered a plain HTTP request with 400 Bad Request: it is probably a TLS port, use https://");
    // And the other way round: TLS to a plain HTTP port.
    assertOneSentence(cli("setup", "--es-url", "https://127.0.0.1:" + System.getProperty("callarchive.it.port")),
        "did not complete a TLS handshake: if it is a plain HTTP port, use http://");
  }

  @Test
  void severalUrlsFailOverWhenOneCannotBeReached() throws Exception {
    int closed = Nginx.freePort();
    Cli.Run r = cli("prune", "--dry-run", "--es-url", "https://127.0.0.1:" + closed + "," + front.url(), "--es-ca-cert",
        ca.toString(), "--es-api-key", API_KEY);
    assertEquals(Main.OK, r.code(), r.all());
  }
}
