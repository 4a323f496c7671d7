package io.callarchive.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.model.IndexType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlertConfigTest {
  private static final Path PACK = Path.of(System.getProperty("callarchive.project"), "ingest", "alerts.yml");

  private static String invalid(String yaml, Map<String, String> env) {
    return assertThrows(AlertConfig.InvalidException.class, () -> AlertConfig.parse(yaml, "a.yml", env::get)).getMessage();
  }

  @Test
  void theDefaultPackLoadsWithEveryRuleOfTheIssue() throws Exception {
    AlertConfig c = AlertConfig.load(PACK);
    Set<String> names = Set.copyOf(Rule.names(c.rules()));
    assertEquals(Set.of("auth-failures", "manager-login-failures", "auth-failures-recidive", "accounts-tried",
        "rtcp-loss-call", "rtcp-loss-remote", "mos-low", "jitter-high", "queue-service-level", "pbx-asr",
        "source-silent"), names);
    Rule auth = c.rules().get(0);
    assertEquals(Rule.Kind.FREQUENCY, auth.kind());
    assertEquals(IndexType.SECURITY, auth.index());
    assertEquals(5.0, auth.threshold());
    assertEquals(java.time.Duration.ofMinutes(10), auth.window());
    assertTrue(c.webhooks().isEmpty() && c.emails().isEmpty(), "the pack's notifiers are commented out");
  }

  @Test
  void theBuiltInPackIsTheFileOfTheProject() throws Exception {
    try (var in = AlertConfig.class.getResourceAsStream(AlertConfig.BUILT_IN)) {
      assertEquals(Files.readString(PACK), new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Test
  void mistakesNameTheRuleAndTheSetting() {
    String base = "rules:\n  - name: r1\n    kind: frequency\n    index: security\n    key: source.ip\n";
    assertEquals("a.yml: rule 'r1': window is required (a duration like 30s, 10m, 1h)",
        invalid(base + "    threshold: 5\n", Map.of()));
    assertEquals("a.yml: rule 'r1': window expected a duration like 30s, 10m, 1h or 1d, got 'ten minutes'",
        invalid(base + "    threshold: 5\n    window: ten minutes\n", Map.of()));
    assertTrue(invalid(base + "    threshold: 5\n    window: 1m\n    treshold: 3\n", Map.of())
        .startsWith("a.yml: rule 'r1': unknown setting 'treshold'"));
    assertEquals("a.yml: rule 'r1': kind must be one of frequency, cardinality, threshold, ratio, flatline, got 'often'",
        invalid(base.replace("frequency", "often") + "    threshold: 5\n    window: 1m\n", Map.of()));
    assertTrue(invalid(base + "    threshold: 5\n    window: 1m\n    notify: [chat]\n", Map.of())
        .contains("notify names 'chat', which is not a notifier"));
    assertTrue(invalid("rules:\n  - name: x\n    kind: threshold\n    index: quality\n    key: call.id\n    window: 1m\n    threshold: 3\n", Map.of())
        .contains("rule 'x': field is required"));
    assertTrue(invalid("rules: [\n", Map.of()).startsWith("a.yml: not valid YAML"));
  }

  @Test
  void secretsComeFromTheEnvironmentAndNeverShow() {
    String yaml = """
        notifiers:
          webhook:
            - name: chat
              url: https://chat.example.net/hooks/1
              secret_env: HOOK_KEY
        """;
    assertEquals("a.yml: notifier 'chat': secret_env names the environment variable HOOK_KEY, which is not set",
        invalid(yaml, Map.of()));
    AlertConfig c = AlertConfig.parse(yaml, "a.yml", Map.of("HOOK_KEY", "s3cr3t-value")::get);
    assertEquals("s3cr3t-value", c.webhooks().get(0).secret().value());
    assertFalse(c.toString().contains("s3cr3t-value"), c.toString());
  }

  @Test
  void aChatWebhookUrlMayBeASecretToo() {
    String yaml = "notifiers:\n  webhook:\n    - name: chat\n      url_env: CHAT_URL\n      shape: slack\n";
    AlertConfig c = AlertConfig.parse(yaml, "a.yml", Map.of("CHAT_URL", "https://chat.example.net/hooks/T1/B2/xyz")::get);
    assertEquals("https://chat.example.net/hooks/T1/B2/xyz", c.webhooks().get(0).url());
    assertEquals(AlertConfig.Webhook.Shape.SLACK, c.webhooks().get(0).shape());
    assertEquals("a.yml: notifier 'chat': url_env names the environment variable CHAT_URL, which is not set",
        invalid(yaml, Map.of()));
  }

  @Test
  void secretsComeFromFiles(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path f = dir.resolve("smtp-password");
    Files.writeString(f, "pw-from-file\n");
    String yaml = "notifiers:\n  email:\n    - name: oncall\n      host: smtp.example.net\n      user: a@example.net\n"
        + "      password_file: " + f + "\n      from: a@example.net\n      to: b@example.net\n";
    AlertConfig c = AlertConfig.parse(yaml, "a.yml", k -> null);
    assertEquals("pw-from-file", c.emails().get(0).password().value());
    assertEquals(587, c.emails().get(0).port());
    assertEquals(AlertConfig.Email.Tls.STARTTLS, c.emails().get(0).tls());
    assertTrue(invalid(yaml.replace(f.toString(), dir.resolve("missing").toString()), Map.of())
        .startsWith("a.yml: notifier 'oncall': password_file names "));
    assertTrue(invalid(yaml.replace("      password_file: " + f + "\n", ""), Map.of())
        .contains("notifier 'oncall': password_env or password_file is required with user"));
  }

  @Test
  void durationsReadBack() {
    for (String s : new String[] {"500ms", "30s", "10m", "1h", "2d"}) assertEquals(s, Durations.format(Durations.parse(s)));
  }
}
