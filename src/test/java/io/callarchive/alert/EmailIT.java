package io.callarchive.alert;

import static io.callarchive.alert.Docs.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The mail notifier against a real SMTP server (GreenMail) on loopback, with SMTP AUTH. */
class EmailIT {
  private GreenMail smtp;
  private int port;

  @BeforeEach
  void start() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts@example.net", "alerts", "right-password"));
    smtp.start();
  }

  @AfterEach
  void stop() {
    smtp.stop();
  }

  private AlertConfig config(String password) {
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
              tls: none
              user: alerts
              password_env: SMTP_PASSWORD
              from: callarchive <alerts@example.net>
              to: [oncall@example.net, noc@example.net]
              retries: 1
              backoff: 10ms
        """.formatted(port);
    return AlertConfig.parse(yaml, "test.yml", Map.of("SMTP_PASSWORD", password)::get);
  }

  private static Alert alert(AlertConfig c) throws Exception {
    List<Alert> out = new ArrayList<>();
    AlertEngine e = new AlertEngine(c.rules(), out::add, null);
    for (int i = 0; i < 5; i++) e.accept(Docs.authFailure(at(i), "203.0.113.5", "u"));
    return out.get(0);
  }

  @Test
  void theAlertArrivesByMailAfterAuthentication() throws Exception {
    AlertConfig c = config("right-password");
    Alert a = alert(c);
    EmailNotifier mail = new EmailNotifier(c.emails().get(0));
    mail.send(a);
    long until = System.nanoTime() + 20_000_000_000L;
    while (smtp.getReceivedMessages().length < 2 && System.nanoTime() < until) Thread.sleep(20);
    assertEquals(2, smtp.getReceivedMessages().length, "two recipients, two deliveries; got " + smtp.getReceivedMessages().length + ", " + mail.counts());
    mail.close(Duration.ofSeconds(5));
    MimeMessage m = smtp.getReceivedMessages()[0];
    assertEquals("[callarchive] " + a.message(), m.getSubject());
    assertEquals("alerts@example.net", ((jakarta.mail.internet.InternetAddress) m.getFrom()[0]).getAddress());
    assertEquals(2, m.getRecipients(Message.RecipientType.TO).length);
    assertEquals(a.id(), m.getHeader("X-Callarchive-Alert")[0]);
    String body = m.getContent().toString();
    assertTrue(body.contains("\"rule\" : \"auth-failures\""), body);
    assertTrue(body.contains("\"key\" : \"203.0.113.5\""), body);
    assertEquals(1, mail.counts().delivered());
  }

  @Test
  void aWrongPasswordIsAFailedDeliveryNotARetryLoop() throws Exception {
    AlertConfig c = config("wrong-password");
    EmailNotifier mail = new EmailNotifier(c.emails().get(0));
    mail.send(alert(c));
    mail.close(Duration.ofSeconds(20));
    assertEquals(0, smtp.getReceivedMessages().length);
    assertEquals(new Notifier.Counts(0, 1, 0, 1), mail.counts());
  }
}
