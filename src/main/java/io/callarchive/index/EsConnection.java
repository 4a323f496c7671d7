package io.callarchive.index;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
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

/**
 * How to reach an Elasticsearch cluster: URL plus optional API key or user/password, and a CA certificate for
 * clusters whose TLS certificate is not signed by a public authority.
 */
public record EsConnection(String url, String apiKey, String username, String password, Path caCert) {

  public EsConnection {
    if (url == null || url.isBlank()) throw new IllegalArgumentException("an Elasticsearch URL is required");
    if (apiKey != null && username != null) {
      throw new IllegalArgumentException("give either an API key or a user name, not both");
    }
    if (username != null && password == null) {
      throw new IllegalArgumentException("--es-user needs --es-password (or CALLARCHIVE_ES_PASSWORD)");
    }
  }

  public static EsConnection plain(String url) {
    return new EsConnection(url, null, null, null, null);
  }

  public ElasticsearchClient client() {
    return ElasticsearchClient.of(
        b -> {
          b.host(url);
          if (apiKey != null) b.apiKey(apiKey);
          if (username != null) b.usernameAndPassword(username, password);
          if (caCert != null) b.sslContext(sslContext(caCert));
          return b;
        });
  }

  /** A TLS context trusting the CA certificate(s) of a PEM file (also used for Kibana). */
  public static SSLContext sslContext(Path caCert) {
    try (InputStream in = Files.newInputStream(caCert)) {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca" + i++, c);
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

  @Override
  public String toString() {
    return url + (apiKey != null ? " (API key)" : username != null ? " (user " + username + ")" : "");
  }
}
