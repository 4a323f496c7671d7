package io.callarchive.index;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import co.elastic.clients.transport.rest5_client.low_level.ResponseException;
import io.callarchive.model.IndexType;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How to reach one Elasticsearch cluster: one or more node URLs (comma-separated in {@code url}), an optional API
 * key or user/password, and a CA certificate (PEM) for clusters whose TLS certificate is not signed by an
 * authority of the JDK's trust store. Every client of callarchive (import, setup, stream, queries, prune) is
 * built here, so TLS, credentials and failover behave the same everywhere.
 *
 * <p>Several URLs are nodes of the same cluster: the client sends requests round-robin and, when a node cannot be
 * reached, retries the request on the next one and leaves the dead node aside for a while (the low-level REST
 * client's node selection). Secrets never leave this record: {@link #toString()} names the URLs and the kind of
 * credentials only, and error sentences never quote a request header.
 *
 * <p>Immutable and thread-safe; each {@link #client()} call builds a new client that the caller closes.
 */
public record EsConnection(String url, String apiKey, String username, String password, Path caCert) {
  private static final Logger log = LoggerFactory.getLogger(EsConnection.class);

  /** An expected connection failure, said in one sentence; the cause is logged at debug level only. */
  public static final class Unreachable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Unreachable(String sentence) {
      super(sentence, null, false, false);
    }
  }

  public EsConnection {
    if (url == null || url.isBlank()) throw new IllegalArgumentException("an Elasticsearch URL is required");
    if (apiKey != null && username != null) {
      throw new IllegalArgumentException("give either an API key or a user name, not both");
    }
    if (username != null && password == null) {
      throw new IllegalArgumentException("--es-user needs --es-password (or CALLARCHIVE_ES_PASSWORD)");
    }
    parseUrls(url); // fail at construction on a bad URL list
  }

  public static EsConnection plain(String url) {
    return new EsConnection(url, null, null, null, null);
  }

  /** Several node URLs of one cluster. */
  public static EsConnection of(Collection<String> urls, String apiKey, String username, String password, Path caCert) {
    return new EsConnection(String.join(",", urls), apiKey, username, password, caCert);
  }

  /** The node URLs, in the order given. */
  public List<URI> urls() {
    return parseUrls(url);
  }

  private static List<URI> parseUrls(String list) {
    List<URI> out = new ArrayList<>();
    for (String part : list.split(",")) {
      String s = part.strip();
      if (s.isEmpty()) continue;
      URI u;
      try {
        u = new URI(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("not a URL: " + redactUserInfo(s) + " (expected e.g. https://es1.example.net:9200)");
      }
      if (u.getRawUserInfo() != null) {
        // A password in a URL ends up in shell history, process lists and error messages.
        throw new IllegalArgumentException(
            "put credentials in --es-user/--es-password or --es-api-key, not in the URL " + redactUserInfo(s));
      }
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
        throw new IllegalArgumentException("not an http:// or https:// URL: " + s);
      }
      out.add(u);
    }
    if (out.isEmpty()) throw new IllegalArgumentException("an Elasticsearch URL is required");
    return List.copyOf(out);
  }

  private static String redactUserInfo(String s) {
    return s.replaceAll("//[^/@]*@", "//***@");
  }

  public ElasticsearchClient client() {
    SSLContext ssl = caCert != null ? sslContext() : null;
    return ElasticsearchClient.of(
        b -> {
          b.hosts(urls());
          if (apiKey != null) b.apiKey(apiKey);
          if (username != null) b.usernameAndPassword(username, password);
          if (ssl != null) b.sslContext(ssl);
          return b;
        });
  }

  /**
   * The TLS context that trusts {@link #caCert()} (every certificate of the PEM file), or the JDK's default when
   * none was given. Public so that other HTTP clients of the same deployment (Kibana) trust the same CA.
   */
  public SSLContext sslContext() {
    if (caCert == null) {
      try {
        return SSLContext.getDefault();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK has no default TLS context: " + e.getMessage(), e);
      }
    }
    return sslContext(caCert);
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
      if (i == 0) throw new CertificateException("no certificate in the file");
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("the CA certificate file " + caCert + " does not exist");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot read the CA certificate " + caCert + " (a PEM file is expected): " + e.getMessage(), e);
    }
  }

  /**
   * Asks the cluster once whether the events alias exists, so that a wrong URL, CA or credential is reported at
   * start in one sentence instead of being retried for minutes by the writer. (Not {@code GET /}: the minimal
   * distribution has no handler for it.) Found or not found both prove the cluster answered us; a 403 means the
   * credentials were accepted but may not see index metadata, which is fine too.
   */
  public EsConnection check() {
    try (ElasticsearchClient c = client()) {
      c.indices().exists(r -> r.index(IndexType.EVENTS.alias()));
    } catch (Exception e) {
      int status = status(e);
      if (status == 403) return this;
      log.debug("Elasticsearch check of {} failed", this, e);
      throw new Unreachable(explain(e));
    }
    return this;
  }

  /** One sentence for a failure to talk to this cluster, decided on exception types and HTTP statuses. */
  public String explain(Throwable e) {
    String where = "Elasticsearch at " + String.join(", ", urls().stream().map(URI::toString).toList());
    int status = status(e);
    if (status == 401) {
      return where + " refused the credentials (HTTP 401): check "
          + (apiKey != null ? "the API key (--es-api-key, CALLARCHIVE_ES_API_KEY)"
              : username != null ? "the user and password (--es-user, --es-password, CALLARCHIVE_ES_PASSWORD)"
              : "that it needs credentials and give --es-api-key or --es-user");
    }
    if (status == 400 && urls().stream().anyMatch(u -> u.getScheme().equals("http"))) {
      return where + " answered a plain HTTP request with 400 Bad Request: it is probably a TLS port, use https://";
    }
    if (has(e, CertPathBuilderException.class) || has(e, CertPathValidatorException.class)) {
      return where + " presented a TLS certificate that is not signed by a trusted CA: give the CA certificate"
          + " that signed it with --es-ca-cert (PEM)"
          + (caCert != null ? " (" + caCert + " is not it)" : "");
    }
    if (has(e, SSLPeerUnverifiedException.class)) {
      return where + " presented a TLS certificate for another host name: use the name the certificate is for";
    }
    if (has(e, SSLHandshakeException.class) || has(e, SSLException.class)) {
      return where + " did not complete a TLS handshake: if it is a plain HTTP port, use http:// instead of https://";
    }
    if (has(e, ConnectionClosedException.class) || has(e, NoHttpResponseException.class)) {
      return where + " closed the connection without answering: if it is a TLS port, use https://";
    }
    if (has(e, UnknownHostException.class)) return where + ": unknown host name";
    if (has(e, ConnectException.class)) return "cannot connect to " + where + ": is it running, and are host and port right?";
    if (status > 0) return where + " answered HTTP " + status + " to a request for index information";
    return "cannot talk to " + where + ": " + e.getClass().getSimpleName();
  }

  /** The HTTP status a failure carries, or -1. */
  public static int status(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ElasticsearchException ee) return ee.status();
      if (t instanceof TransportException te && te.statusCode() > 0) return te.statusCode();
      if (t instanceof ResponseException re) return re.getResponse().getStatusCode();
    }
    return -1;
  }

  private static boolean has(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) return true;
      if (t.getCause() == t) break;
    }
    return false;
  }

  @Override
  public String toString() {
    return String.join(", ", urls().stream().map(URI::toString).toList())
        + (apiKey != null ? " (API key)" : username != null ? " (user " + username + ")" : "");
  }
}
