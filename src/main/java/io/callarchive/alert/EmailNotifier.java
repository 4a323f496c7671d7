package io.callarchive.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Mails each alert over SMTP with Angus Mail (the Jakarta Mail implementation): STARTTLS required by default
 * (RFC 3207), implicit TLS ({@code tls: tls}, port 465, RFC 8314) or plain for a relay on the same host; AUTH
 * (RFC 4954) when a user is set. Server certificates are checked against the JDK's trust store and the host
 * name. Thread-safe.
 */
public final class EmailNotifier extends Delivery {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AlertConfig.Email config;
  private final Session session;
  private final InternetAddress from;
  private final InternetAddress[] to;

  public EmailNotifier(AlertConfig.Email config) {
    super(config.name(), config.retries(), config.backoff(), config.queue());
    this.config = config;
    String proto = config.tls() == AlertConfig.Email.Tls.TLS ? "smtps" : "smtp";
    Properties p = new Properties();
    p.put("mail.transport.protocol", proto);
    p.put("mail." + proto + ".host", config.host());
    p.put("mail." + proto + ".port", Integer.toString(config.port()));
    p.put("mail." + proto + ".auth", Boolean.toString(config.user() != null));
    String ms = Long.toString(config.timeout().toMillis());
    p.put("mail." + proto + ".connectiontimeout", ms);
    p.put("mail." + proto + ".timeout", ms);
    p.put("mail." + proto + ".writetimeout", ms);
    if (config.tls() == AlertConfig.Email.Tls.STARTTLS) {
      p.put("mail.smtp.starttls.enable", "true");
      p.put("mail.smtp.starttls.required", "true");
    }
    if (config.tls() != AlertConfig.Email.Tls.NONE) {
      p.put("mail." + proto + ".ssl.checkserveridentity", "true");
      // Used for implicit TLS and for the STARTTLS upgrade alike.
      if (config.caCert() != null) p.put("mail." + proto + ".ssl.socketFactory", trusting(config.caCert()).getSocketFactory());
    }
    this.session = Session.getInstance(p);
    try {
      this.from = new InternetAddress(config.from(), true);
      this.to = new InternetAddress[config.to().size()];
      for (int i = 0; i < to.length; i++) to[i] = new InternetAddress(config.to().get(i), true);
    } catch (AddressException e) {
      throw new AlertConfig.InvalidException("notifier '" + config.name() + "': not a valid e-mail address: " + e.getRef());
    }
  }

  /** A TLS context that trusts exactly the certificates of the PEM file. */
  private SSLContext trusting(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) ks.setCertificateEntry("ca" + i++, c);
      if (i == 0) throw new GeneralSecurityException("no certificate in it");
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new AlertConfig.InvalidException(
          "notifier '" + config.name() + "': ca_cert " + pem + " is not a PEM certificate file (" + e.getMessage() + ")");
    }
  }

  @Override
  void attempt(Alert a) throws AttemptFailed {
    try {
      MimeMessage m = new MimeMessage(session);
      m.setFrom(from);
      m.setRecipients(Message.RecipientType.TO, to);
      String subject = "[callarchive] " + a.message();
      m.setSubject(subject.length() > 200 ? subject.substring(0, 200) : subject, "UTF-8");
      m.setSentDate(Date.from(Instant.now()));
      m.setText(a.message() + "\n\n" + JSON.writerWithDefaultPrettyPrinter().writeValueAsString(a.toJson()) + "\n", "UTF-8");
      m.setHeader("X-Callarchive-Alert", a.id());
      Transport t = session.getTransport();
      try {
        if (config.user() != null) {
          t.connect(config.host(), config.port(), config.user(), config.password().value());
        } else {
          t.connect();
        }
        t.sendMessage(m, m.getAllRecipients());
      } finally {
        t.close();
      }
    } catch (MessagingException e) {
      // The server's words, never the password: Angus Mail does not put credentials in its messages.
      throw new AttemptFailed(e.getClass().getSimpleName() + ": " + e.getMessage(),
          !(e instanceof jakarta.mail.AuthenticationFailedException));
    } catch (JsonProcessingException e) {
      throw new AttemptFailed("alert could not be written as JSON", false);
    }
  }
}
