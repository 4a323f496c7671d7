package io.callarchive.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertsCommandTest {
  @TempDir Path dir;

  private record Run(int rc, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = System.out;
    PrintStream e = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int rc = Main.run(args);
      return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(o);
      System.setErr(e);
    }
  }

  @Test
  void checkListsTheRulesOfTheDefaultPack() {
    Path pack = Path.of(System.getProperty("callarchive.project"), "ingest", "alerts.yml");
    Run r = run("alerts", "check", "--home", dir.toString(), "--alerts", pack.toString());
    assertEquals(Main.OK, r.rc(), r.err());
    assertTrue(r.out().contains(": 11 rules, 0 webhooks, 0 mail notifiers"), r.out());
    assertTrue(r.out().contains("auth-failures"), r.out());
  }

  @Test
  void aBrokenRulesFileIsOneSentenceNamingTheRule() throws Exception {
    Path bad = dir.resolve("alerts.yml");
    Files.writeString(bad, "rules:\n  - name: burst\n    kind: frequency\n    index: security\n    key: source.ip\n"
        + "    window: 10 minutes\n    threshold: 5\n");
    Run r = run("alerts", "check", "--home", dir.toString(), "--alerts", bad.toString());
    assertEquals(Main.FAILURE, r.rc());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().strip().startsWith("callarchive check: " + bad + ": rule 'burst': window expected a duration like"
        + " 30s, 10m, 1h or 1d, got '10 minutes'"), r.err());
  }

  @Test
  void aMissingSecretNamesTheNotifier() throws Exception {
    Path bad = dir.resolve("alerts.yml");
    Files.writeString(bad, "notifiers:\n  webhook:\n    - name: tickets\n      url: https://t.example.net/a\n"
        + "      secret_env: CALLARCHIVE_TEST_SECRET_THAT_IS_NOT_SET\n");
    Run r = run("alerts", "check", "--home", dir.toString(), "--alerts", bad.toString());
    assertEquals(Main.FAILURE, r.rc());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().strip().startsWith("callarchive check: " + bad + ": notifier 'tickets': secret_env names the"
        + " environment variable CALLARCHIVE_TEST_SECRET_THAT_IS_NOT_SET, which is not set"), r.err());
  }

  @Test
  void streamChecksItsAlertRulesBeforeConnectingWithOneSentence() throws Exception {
    Path cfg = dir.resolve("stream.yml");
    Files.writeString(cfg, """
        sources:
          - name: pbx1
            type: ami
            host: 127.0.0.1
            username: callarchive
            secret: s
        """);
    Path pack = Path.of(System.getProperty("callarchive.project"), "ingest", "alerts.yml");
    Run ok = run("stream", "--check", "--home", dir.toString(), "--config", cfg.toString(), "--alerts", pack.toString());
    assertEquals(Main.OK, ok.rc(), ok.err());
    assertTrue(ok.out().contains("1 source(s); 11 alert rule(s)"), ok.out());

    Path bad = dir.resolve("bad.yml");
    Files.writeString(bad, "rules:\n  - name: x\n    kind: frequency\n    index: security\n    key: source.ip\n"
        + "    window: ten minutes\n    threshold: 5\n");
    Run r = run("stream", "--check", "--home", dir.toString(), "--config", cfg.toString(), "--alerts", bad.toString());
    assertEquals(Main.FAILURE, r.rc());
    assertTrue(r.err().startsWith("callarchive stream: ") && r.err().contains("bad.yml: rule 'x': window expected a duration"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());

    Run missing = run("stream", "--check", "--home", dir.toString(), "--config", cfg.toString(),
        "--alerts", dir.resolve("nope.yml").toString());
    assertEquals(Main.FAILURE, missing.rc());
    assertTrue(missing.err().contains("the alert rules file") && missing.err().contains("does not exist"), missing.err());
  }
}
