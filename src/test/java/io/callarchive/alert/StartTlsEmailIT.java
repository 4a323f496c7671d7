package io.callarchive.alert;

import static io.callarchive.alert.Docs.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Mail over STARTTLS with AUTH PLAIN to a loopback server that refuses anything in the clear. */
class StartTlsEmailIT {
  private static AlertConfig config(int port, Path ca) {
    String yaml = """
        rules:
          - name: auth-failures
            kind: frequency
            index: security
            key: source.ip
            window: 10m
            threshold: 5
        notifiers:
          email:
            - name: oncall
              host: 127.0.0.1
              port: %d
              tls: starttls
              user: alerts
              password_env: SMTP_PASSWORD
              ca_cert: %s
              from: alerts@example.net
              to: oncall@example.net
              retries: 0
        """.formatted(port, ca);
    return AlertConfig.parse(yaml, "test.yml", Map.of("SMTP_PASSWORD", "tls-password")::get);
  }

  private static Alert alert(AlertConfig c) throws Exception {
    List<Alert> out = new ArrayList<>();
    AlertEngine e = new AlertEngine(c.rules(), out::add, null);
    for (int i = 0; i < 5; i++) e.accept(Docs.authFailure(at(i), "203.0.113.5", "u"));
    return out.get(0);
  }

  @Test
  void mailGoesOutOverStartTlsWithAuthentication() throws Exception {
    try (StartTlsSmtpServer smtp = new StartTlsSmtpServer(true, "alerts", "tls-password")) {
      AlertConfig c = config(smtp.port(), smtp.caPem);
      Alert a = alert(c);
      EmailNotifier mail = new EmailNotifier(c.emails().get(0));
      mail.send(a);
      mail.close(Duration.ofSeconds(20));
      assertEquals(new Notifier.Counts(1, 0, 0, 1), mail.counts());
      assertEquals(1, smtp.received.size());
      StartTlsSmtpServer.Mail m = smtp.received.get(0);
      assertTrue(m.tls(), "sent after STARTTLS");
      assertEquals("alerts", m.user());
      assertEquals("<alerts@example.net>", m.from());
      assertEquals(List.of("<oncall@example.net>"), m.to());
      assertTrue(m.data().contains("X-Callarchive-Alert: " + a.id()), m.data());
    }
  }

  @Test
  void aServerWithoutStartTlsGetsNothingInTheClear() throws Exception {
    try (StartTlsSmtpServer smtp = new StartTlsSmtpServer(false, "alerts", "tls-password")) {
      AlertConfig c = config(smtp.port(), smtp.caPem);
      EmailNotifier mail = new EmailNotifier(c.emails().get(0));
      mail.send(alert(c));
      mail.close(Duration.ofSeconds(20));
      assertEquals(0, smtp.received.size());
      assertEquals(1, mail.counts().failed());
    }
  }
}
