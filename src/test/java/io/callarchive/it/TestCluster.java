package io.callarchive.it;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.index.EsConnection;
import io.callarchive.localnode.LocalNode;
import io.callarchive.localnode.LocalNodeSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The one real Elasticsearch node of an integration-test run, started by the same code as
 * {@code callarchive es start} on a port and home of its own, and stopped when the test JVM exits. There is no
 * fallback: if it cannot start, every integration test fails with the reason.
 */
public final class TestCluster {
  private static LocalNode node;
  private static ElasticsearchClient client;
  private static RuntimeException startFailure;

  private TestCluster() {}

  public static synchronized LocalNodeSettings settings() {
    return new LocalNodeSettings(
        Path.of(required("callarchive.it.home")).toAbsolutePath(),
        Path.of(required("callarchive.es.dist")).toAbsolutePath(),
        Integer.parseInt(required("callarchive.it.port")),
        768,
        Path.of(System.getProperty("java.home")),
        LocalNodeSettings.DEFAULT_USER,
        Duration.ofMinutes(4));
  }

  public static synchronized ElasticsearchClient client() {
    if (startFailure != null) throw startFailure;
    if (client == null) {
      try {
        node = new LocalNode(settings());
        boolean started = node.start();
        if (started) {
          Runtime.getRuntime().addShutdownHook(new Thread(TestCluster::stopQuietly, "stop-test-elasticsearch"));
        }
        client = EsConnection.plain(url()).client();
      } catch (IOException | InterruptedException | RuntimeException e) {
        startFailure = new IllegalStateException("the test Elasticsearch could not start: " + e.getMessage(), e);
        throw startFailure;
      }
    }
    return client;
  }

  public static String url() {
    return "http://127.0.0.1:" + required("callarchive.it.port");
  }

  public static LocalNode node() {
    client();
    return node;
  }

  /** Deletes every callarchive index so a test starts from an empty archive. */
  public static void wipe() throws IOException {
    client().indices().delete(r -> r.index("callarchive-*").allowNoIndices(true).expandWildcards(
        co.elastic.clients.elasticsearch._types.ExpandWildcard.All));
  }

  private static void stopQuietly() {
    try {
      node.stop();
    } catch (Exception e) {
      System.err.println("could not stop the test Elasticsearch: " + e);
    }
  }

  private static String required(String prop) {
    String v = System.getProperty(prop);
    if (v == null) throw new IllegalStateException("system property " + prop + " is not set: run the tests with Maven");
    return v;
  }
}
