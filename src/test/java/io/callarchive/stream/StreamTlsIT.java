package io.callarchive.stream;

import static io.callarchive.stream.StreamFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.cli.Main;
import io.callarchive.it.Cli;
import io.callarchive.it.Nginx;
import io.callarchive.it.Secrets;
import io.callarchive.it.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code callarchive stream} as its own process through a real TLS front (nginx with a test CA, requiring an API key)
 * in front of the test node, streaming from a loopback AMI server: every event and call arrives, a wrong key is one
 * sentence, and neither the Elasticsearch key nor the AMI secret appears in any output, log, spool or state file.
 */
class StreamTlsIT {
  private static final String API_KEY = Secrets.random("key");
  private static final String WRONG_KEY = Secrets.random("wrongkey");
  private static final String AMI_SECRET = Secrets.random("ami-");
  private static final Path DIR = Path.of(System.getProperty("callarchive.project"), "target", "stream-tls-it");

  @TempDir static Path tmp;
  private static Nginx front;
  private static Path ca;

  @BeforeAll
  static void startFront() throws Exception {
    TestCluster.wipe();
    ca = Nginx.ca(DIR, "ca");
    Nginx.serverCert(DIR, "ca");
    front = Nginx.start(DIR, Integer.parseInt(System.getProperty("callarchive.it.port")), "unused", Secrets.random("unused-"), API_KEY);
  }

  @AfterAll
  static void stopFront() throws Exception {
    if (front != null) front.close();
  }

  /** One AMI source whose secret comes from the environment, as the README recommends. */
  private static Path config(String name, int amiPort) throws Exception {
    String yaml = """
        spool:
          dir: %s
          max_size: 64MiB
          segment_size: 1MiB
        http:
          port: 0
        correlation:
          grace: 1s
          update_every: 300ms
        sources:
          - name: pbx-tls
            type: ami
            host: 127.0.0.1
            port: %d
            username: callarchive
            secret: ${env:PBX_AMI_SECRET}
            keepalive: 1s
            reconnect: {initial: 100ms, max: 500ms, after_auth_failure: 500ms}
        """.formatted(tmp.resolve(name + "-spool"), amiPort);
    return Files.writeString(tmp.resolve(name + ".yml"), yaml);
  }

  /** Debug logging shows what a secret could leak into; the one-sentence check reads the terminal without it. */
  private static Map<String, String> env(String key, boolean debug) {
    return debug
        ? Map.of("CALLARCHIVE_ES_API_KEY", key, "PBX_AMI_SECRET", AMI_SECRET, "CALLARCHIVE_LOG_LEVEL", "DEBUG")
        : Map.of("CALLARCHIVE_ES_API_KEY", key, "PBX_AMI_SECRET", AMI_SECRET);
  }

  @Test
  void streamsThroughTheTlsFrontAndWritesNoSecretAnywhere() throws Exception {
    Instant base = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    List<byte[]> ami = Captures.amiCalls(5, base, 5000, 1);
    StringBuilder output = new StringBuilder();
    try (LoopbackServer.Ami pbx = new LoopbackServer.Ami("callarchive", AMI_SECRET, 31)) {
      pbx.frames.addAll(ami);
      Path logs = tmp.resolve("logs");
      Process p = Cli.start(logs, "stream", env(API_KEY, true), "stream", "--config", config("ok", pbx.port()).toString(),
          "--es-url", front.url(), "--es-ca-cert", ca.toString(), "--home", tmp.resolve("home").toString());
      try {
        await("every event through the TLS front", Duration.ofSeconds(90),
            () -> StreamFixture.countEvents("pbx-tls") == ami.size());
        await("every call complete", Duration.ofSeconds(60), () -> StreamFixture.completeCalls("pbx-tls") == 5);
      } finally {
        p.destroy(); // SIGTERM: the service writes what it spooled and exits
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
      }
      Cli.Run run = Cli.finish(p, logs, "stream");
      output.append(run.all());
      assertEquals(0, pbx.loginsRefused.get(), "the AMI secret from the environment was accepted");
    }
    assertEquals(ami.size(), StreamFixture.countEvents("pbx-tls"), "nothing twice after the stop");

    Cli.Run wrong = Cli.process(tmp.resolve("logs"), "wrong", env(WRONG_KEY, false), "stream", "--config",
        config("wrong", 1).toString(), "--es-url", front.url(), "--es-ca-cert", ca.toString(), "--home",
        tmp.resolve("home").toString());
    output.append(wrong.all());
    assertEquals(Main.FAILURE, wrong.code(), wrong.all());
    String err = wrong.err().strip();
    assertTrue(err.startsWith("callarchive") && err.contains("refused the credentials (HTTP 401): check the API key"), err);
    assertEquals(1, err.lines().count(), err);
    assertFalse(err.contains("Exception"), err);

    List<String> leaks = new ArrayList<>();
    for (String s : List.of(API_KEY, WRONG_KEY, AMI_SECRET)) if (output.indexOf(s) >= 0) leaks.add("output contains " + s);
    try (Stream<Path> files = Files.walk(tmp)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (f.getFileName().toString().endsWith(".yml")) continue; // the configs name the variable, not the value
        byte[] bytes = Files.readAllBytes(f);
        for (String s : List.of(API_KEY, WRONG_KEY, AMI_SECRET)) {
          if (Secrets.foundIn(bytes, s)) leaks.add(f.getFileName() + " contains a secret");
        }
      }
    }
    assertTrue(Files.exists(tmp.resolve("ok-spool")), "the spool was written");
    assertEquals(List.of(), leaks);
  }
}
