package io.callarchive.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.stream.ari.AriSettings;
import io.callarchive.stream.kazoo.KazooSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamConfigTest {
  @TempDir Path tmp;

  private static final String AMI = """
      sources:
        - name: pbx1
          type: ami
          host: 10.0.0.5
          username: callarchive
          secret: s3cret-inline
      """;

  private StreamConfig parse(String yaml, Map<String, String> env) throws IOException {
    return StreamConfig.parse(yaml, "stream.yml", tmp, env::get);
  }

  private StreamConfig parse(String yaml, java.util.function.Function<String, String> env) throws IOException {
    return StreamConfig.parse(yaml, "stream.yml", tmp, env);
  }

  private String error(String yaml) {
    return assertThrows(StreamConfig.ConfigException.class, () -> parse(yaml, Map.of())).getMessage();
  }

  @Test
  void theSampleConfigIsValidAndItsSecretsComeFromTheEnvironmentAndAFile() throws IOException {
    Path pw = tmp.resolve("fs1.password");
    Files.writeString(pw, "ClueCon\n");
    String sample = Files.readString(Path.of(System.getProperty("callarchive.project", "."), "ingest", "stream.yml"))
        .replace("/etc/callarchive/fs1.password", pw.toString());
    StreamConfig c = parse(sample, Map.of("PBX1_AMI_SECRET", "from-env", "PBX2_ARI_PASSWORD", "ari-pw",
        "KAZOO1_AMQP_PASSWORD", "amqp-pw", "CCS_WEBHOOK_TOKEN", "a-token-of-more-than-16-chars"));
    assertEquals(List.of("ami", "freeswitch", "ari", "kazoo", "ccs"), c.sources().stream().map(StreamConfig.Source::type).toList());
    StreamConfig.Source ami = c.sources().get(0);
    assertEquals("from-env", ami.secret().value());
    assertEquals("ami://pbx1", ami.origin());
    assertEquals("on", ami.events());
    assertEquals(Map.of("site", "paris"), ami.labels());
    assertEquals(Duration.ofMinutes(5), ami.reconnect().afterAuthFailure());
    StreamConfig.Source fs = c.sources().get(1);
    assertEquals("ClueCon", fs.secret().value());
    assertEquals("json", fs.eventFormat());
    assertEquals("ALL", fs.events());
    assertEquals(tmp.resolve("spool"), c.spool().dir());
    assertEquals(1L << 30, c.spool().maxBytes());
    assertEquals(9464, c.http().port());
    assertEquals(Duration.ofSeconds(2), c.correlation().grace());
    AriSettings ari = (AriSettings) c.sources().get(2).settings();
    assertEquals("ari-pw", ari.password());
    assertEquals(URI.create("ws://127.0.0.1:8088"), ari.url());
    assertEquals("callarchive-pbx2", ari.app());
    assertEquals("ari://pbx2", c.sources().get(2).origin());
    KazooSettings kazoo = (KazooSettings) c.sources().get(3).settings();
    assertEquals("amqp-pw", kazoo.password());
    assertEquals("callarchive.kazoo1", kazoo.queue());
    assertEquals(List.of("call.*.*"), kazoo.routingKeys());
    assertEquals("kazoo", c.sources().get(3).format());
    StreamConfig.CcsSource ccs = (StreamConfig.CcsSource) c.sources().get(4).settings();
    assertEquals("a-token-of-more-than-16-chars", ccs.webhook().token());
    assertEquals(8095, ccs.webhook().port());
    assertFalse(ccs.onServicePort());
    assertFalse(c.toString().contains("ari-pw") || c.toString().contains("amqp-pw") || c.toString().contains("a-token-of"), c.toString());
  }

  private static final String ARI = """
      sources:
        - name: pbx2
          type: ari
          url: wss://pbx2.example.net:8089
          user: callarchive
          password: ${env:ARI_PW}
      """;

  private static final String KAZOO = """
      sources:
        - name: kz
          type: kazoo
          uri: amqp://mq1.example.net:5672/
      """;

  private static final String CCS = """
      http:
        listen: 127.0.0.1
        port: 9464
      sources:
        - name: ccs
          type: ccs
          token: ${file:TOKEN_FILE}
      """;

  @Test
  void ariKazooAndCcsEntriesTakeTheDefaultsOfTheirConnectors() throws IOException {
    AriSettings a = (AriSettings) parse(ARI, Map.of("ARI_PW", "pw")).sources().getFirst().settings();
    assertEquals("callarchive-pbx2", a.app());
    assertTrue(a.subscribeAll());
    assertEquals(AriSettings.Auth.BASIC, a.auth());
    assertEquals(Duration.ofSeconds(20), a.pingInterval());
    assertEquals(Duration.ofSeconds(10), a.pongTimeout());
    assertEquals(Duration.ofSeconds(60), a.reconnectMax());

    StreamConfig.Source k = parse(KAZOO, Map.of()).sources().getFirst();
    KazooSettings ks = (KazooSettings) k.settings();
    assertEquals("callevt", ks.exchange());
    assertFalse(ks.exchangeDurable());
    assertEquals("callarchive.kz", ks.queue());
    assertEquals(List.of("call.*.*"), ks.routingKeys());
    assertEquals(300, ks.prefetch());
    assertEquals(null, ks.password());
    assertFalse(k.disconnectIsGap(), "the broker keeps the queue's messages");

    Path token = tmp.resolve("token");
    Files.writeString(token, "from-a-file-0123456789\n");
    StreamConfig.Source c = parse(CCS.replace("TOKEN_FILE", token.toString()), Map.of()).sources().getFirst();
    StreamConfig.CcsSource cs = (StreamConfig.CcsSource) c.settings();
    assertTrue(cs.onServicePort(), "without a port of its own, the webhook is on the http port");
    assertEquals(9464, cs.webhook().port());
    assertEquals("/ccs/events", cs.webhook().path());
    assertEquals("from-a-file-0123456789", cs.webhook().token());
    assertEquals("ccs://ccs", c.origin());
  }

  @Test
  void ariKazooAndCcsMistakesAreOneSentenceNamingTheEntryAndTheKey() {
    assertEquals("stream.yml: sources[0] (pbx2): password comes from the environment variable ARI_PW, which is not set",
        error(ARI));
    assertEquals("stream.yml: sources[0] (pbx2): url must start with ws:// or wss://, not http://pbx2:8088",
        assertThrows(StreamConfig.ConfigException.class, () -> parse(ARI.replace("wss://pbx2.example.net:8089", "http://pbx2:8088"),
            Map.of("ARI_PW", "x"))).getMessage());
    assertTrue(error(ARI.replace("user: callarchive", "username: callarchive")).startsWith(
        "stream.yml: sources[0] (pbx2): unknown key 'username' (known: app, auth, ca_cert,"), error(ARI.replace("user: callarchive", "username: callarchive")));
    assertEquals("stream.yml: sources[0] (pbx2): auth must be basic or api_key, got digest",
        assertThrows(StreamConfig.ConfigException.class, () -> parse(ARI + "    auth: digest\n", Map.of("ARI_PW", "x"))).getMessage());
    assertTrue(error(ARI.replace("password: ${env:ARI_PW}", "password: x\n    ca_cert: /nonexistent/ca.pem"))
        .endsWith("(pbx2): ca_cert /nonexistent/ca.pem cannot be read"));
    assertEquals("stream.yml: sources[0] (kz): 'uri' is missing", error(KAZOO.replace("    uri: amqp://mq1.example.net:5672/\n", "")));
    assertEquals("stream.yml: sources[0] (kz): prefetch must be 1 to 65535", error(KAZOO + "    prefetch: 0\n"));
    assertEquals("stream.yml: sources[0] (kz): queue must be a name of 1-255 characters not starting with 'amq.' (reserved by the broker)",
        error(KAZOO + "    queue: amq.mine\n"));
    assertEquals("stream.yml: sources[0] (kz): exchange_durable must be true or false, got maybe",
        error(KAZOO + "    exchange_durable: maybe\n"));
    assertEquals("stream.yml: sources[0] (ccs): set token, or user and password: anonymous posts are refused",
        error(CCS.replace("    token: ${file:TOKEN_FILE}\n", "")));
    assertEquals("stream.yml: sources[0] (ccs): token must be at least 16 characters",
        error(CCS.replace("${file:TOKEN_FILE}", "short")));
    assertEquals("stream.yml: sources[0] (ccs): path /health is taken by the service itself",
        error(CCS.replace("${file:TOKEN_FILE}", "a-token-of-more-than-16-chars") + "    path: /health\n"));
    String noFile = error(CCS.replace("TOKEN_FILE", "/nonexistent/token"));
    assertEquals("stream.yml: sources[0] (ccs): token file /nonexistent/token cannot be read (NoSuchFileException)", noFile);
  }

  /**
   * Every configuration of the README's "Live streaming" sections is valid as it stands: a whole file, or a
   * source entry (put under {@code sources:}); the secrets and CA files they name are stand-ins here.
   */
  @Test
  void theReadmeConfigurationsAreValid() throws IOException {
    String readme = Files.readString(Path.of(System.getProperty("callarchive.project", "."), "README.md"));
    Path ca = tmp.resolve("ca.pem");
    Files.writeString(ca, "not read at parse time\n");
    Path secretFile = tmp.resolve("secret");
    Files.writeString(secretFile, "a-secret-from-a-file-0123\n");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?s)```yaml\n(.*?)```").matcher(readme);
    List<String> types = new java.util.ArrayList<>();
    while (m.find()) {
      String block = m.group(1).replaceAll("/etc/callarchive/[A-Za-z0-9._-]+\\.pem", ca.toString())
          .replaceAll("\\$\\{file:[^}]+}", "\\${file:" + secretFile + "}");
      if (!block.contains("type:")) continue; // not a stream configuration
      String yaml = block.startsWith("- ") ? "sources:\n" + block.indent(2) : block;
      StreamConfig c;
      try {
        c = parse(yaml, name -> "a-secret-from-the-environment-0123");
      } catch (StreamConfig.ConfigException e) {
        throw new AssertionError("README block\n" + block + "\n" + e.getMessage());
      }
      c.sources().forEach(s -> types.add(s.type()));
    }
    assertTrue(types.containsAll(List.of("ami", "freeswitch", "ari", "kazoo", "ccs")), "a working configuration for each: " + types);
  }

  @Test
  void defaultsFillWhatIsNotGiven() throws IOException {
    StreamConfig.Source s = parse(AMI, Map.of()).sources().getFirst();
    assertEquals(5038, s.port());
    assertEquals("pbx1", s.observerName());
    assertEquals(Duration.ofSeconds(20), s.keepalive());
    assertTrue(s.readIdleTimeout().compareTo(s.keepalive()) > 0);
  }

  @Test
  void anUnknownKeyIsOneErrorNamingTheEntryAndTheKey() {
    String m = error(AMI + "    pasword: x\n");
    assertTrue(m.startsWith("stream.yml: sources[0] (pbx1): unknown key 'pasword'"), m);
  }

  @Test
  void aMissingFieldNamesTheEntry() {
    String m = error("""
        sources:
          - name: pbx1
            type: ami
            host: h
            username: u
            secret: s
          - name: fs1
            type: freeswitch
            host: h
        """);
    assertEquals("stream.yml: sources[1] (fs1): 'password' is missing", m);
  }

  @Test
  void badValuesAreNamed() {
    assertTrue(error(AMI.replace("type: ami", "type: sip")).contains("sources[0] (pbx1): type must be one of ami, freeswitch, ari, kazoo, ccs, got sip"));
    assertTrue(error(AMI + "    port: 70000\n").contains("port must be a TCP port"));
    assertTrue(error(AMI + "    keepalive: soon\n").contains("keepalive must be a duration"));
    assertTrue(error(AMI + "spool:\n  fsync: sometimes\n").contains("stream.yml: spool: fsync must be one of [always, interval, os]"));
    assertTrue(error(AMI + "  - name: pbx1\n    type: ami\n    host: h\n    username: u\n    secret: s\n").contains("used twice"));
    assertTrue(error("sources: []\n").contains("non-empty list"));
    assertTrue(error("nothing: here\n").contains("unknown key 'nothing'"));
  }

  @Test
  void aSecretIsNeverInAMessageNorInToString() throws IOException {
    StreamConfig c = parse(AMI, Map.of());
    assertFalse(c.toString().contains("s3cret-inline"), c.toString());
    String m = error(AMI.replace("s3cret-inline", "${env:NOT_SET_ANYWHERE}"));
    assertEquals("stream.yml: sources[0] (pbx1): secret comes from the environment variable NOT_SET_ANYWHERE, which is not set", m);
    String bad = error(AMI.replace("secret: s3cret-inline", "secret: s3cret-inline\n    port: nope"));
    assertFalse(bad.contains("s3cret"), bad);
  }
}
