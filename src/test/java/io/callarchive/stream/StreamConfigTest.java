package io.callarchive.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

  private String error(String yaml) {
    return assertThrows(StreamConfig.ConfigException.class, () -> parse(yaml, Map.of())).getMessage();
  }

  @Test
  void theSampleConfigIsValidAndItsSecretsComeFromTheEnvironmentAndAFile() throws IOException {
    Path pw = tmp.resolve("fs1.password");
    Files.writeString(pw, "ClueCon\n");
    String sample = Files.readString(Path.of(System.getProperty("callarchive.project", "."), "ingest", "stream.yml"))
        .replace("/etc/callarchive/fs1.password", pw.toString());
    StreamConfig c = parse(sample, Map.of("PBX1_AMI_SECRET", "from-env"));
    assertEquals(2, c.sources().size());
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
    assertTrue(error(AMI.replace("type: ami", "type: sip")).contains("sources[0] (pbx1): type must be ami or freeswitch, got sip"));
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
