package io.callarchive.localnode;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the managed local Elasticsearch node.
 *
 * @param home the callarchive home ({@code CALLARCHIVE_HOME}, default {@code ~/.callarchive}); the node lives in
 *     {@code <home>/elasticsearch} (install), {@code <home>/data} and {@code <home>/logs}
 * @param distribution the {@code elasticsearch-<version>.zip} integ-test distribution, resolved by Maven
 * @param port HTTP port on 127.0.0.1 (default 9200)
 * @param heapMb JVM heap of the node in MiB (default 1024)
 * @param javaHome the JDK 21+ the node runs on (default: the one running callarchive)
 * @param serviceUser the unprivileged user that runs the node when callarchive runs as root
 * @param startTimeout how long {@code start} waits for the cluster to become usable
 */
public record LocalNodeSettings(
    Path home,
    Path distribution,
    int port,
    int heapMb,
    Path javaHome,
    String serviceUser,
    Duration startTimeout) {

  public static final int DEFAULT_PORT = 9200;
  public static final int DEFAULT_HEAP_MB = 1024;
  public static final String DEFAULT_USER = "callarchive";

  public LocalNodeSettings {
    if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be 1..65535, got " + port);
    if (heapMb < 256) throw new IllegalArgumentException("heap must be at least 256 MiB, got " + heapMb);
  }

  public Path nodeDir() {
    return home.resolve("elasticsearch");
  }

  public Path dataDir() {
    return home.resolve("data");
  }

  public Path logsDir() {
    return home.resolve("logs");
  }

  public Path pidFile() {
    return home.resolve("elasticsearch.pid");
  }

  /** Where {@code es start} remembers the port, so that later commands with the same home find the node. */
  public Path portFile() {
    return home.resolve("elasticsearch.port");
  }

  /** The port the node of this home was last started on, if recorded. */
  public static java.util.Optional<Integer> rememberedPort(Path home) {
    try {
      Path f = home.resolve("elasticsearch.port");
      if (!java.nio.file.Files.isRegularFile(f)) return java.util.Optional.empty();
      return java.util.Optional.of(Integer.parseInt(java.nio.file.Files.readString(f).strip()));
    } catch (java.io.IOException | NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }
}
