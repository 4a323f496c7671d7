package io.callarchive.stream.connect;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS trust for a platform whose certificate is not signed by a public authority: a CA certificate in PEM. */
public final class TlsTrust {
  private TlsTrust() {}

  /** A TLS context trusting the certificates of {@code caCert}, or the JDK's default context when null. */
  public static SSLContext context(Path caCert) {
    try {
      if (caCert == null) return SSLContext.getDefault();
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      try (InputStream in = Files.newInputStream(caCert)) {
        int i = 0;
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          ks.setCertificateEntry("ca" + i++, c);
        }
        if (i == 0) throw new IllegalArgumentException("the CA certificate file " + caCert + " holds no certificate");
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read the CA certificate " + caCert + ": " + e.getMessage(), e);
    }
  }
}
