package io.callarchive.cli;

import io.callarchive.localnode.LocalNodeSettings;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options of the managed local Elasticsearch node, shared by every command that may start it. */
public final class LocalNodeOptions {
  static final String ES_VERSION = "9.2.0";

  @Option(
      names = "--home",
      paramLabel = "DIR",
      description = "callarchive home: local node install, data and logs (env CALLARCHIVE_HOME; default ~/.callarchive).")
  Path home;

  @Option(
      names = "--es-port",
      paramLabel = "PORT",
      description = "HTTP port of the local node on 127.0.0.1 (env CALLARCHIVE_ES_PORT; default: the port the home's node was last started on, else 9200).")
  Integer port;

  @Option(
      names = "--es-heap",
      paramLabel = "MIB",
      description = "Heap of the local node in MiB (default ${DEFAULT-VALUE}).",
      defaultValue = "1024")
  int heapMb;

  @Option(
      names = "--es-dist",
      paramLabel = "ZIP",
      description = "The Elasticsearch " + ES_VERSION + " integ-test-zip distribution (env CALLARCHIVE_ES_DIST; default: the one the build resolved).")
  Path distribution;

  public LocalNodeSettings settings() {
    Path h = home;
    if (h == null && env("CALLARCHIVE_HOME") != null) h = Path.of(env("CALLARCHIVE_HOME"));
    if (h == null) h = Path.of(System.getProperty("user.home"), ".callarchive");
    int p = port != null ? port
        : env("CALLARCHIVE_ES_PORT") != null ? Integer.parseInt(env("CALLARCHIVE_ES_PORT"))
        : LocalNodeSettings.rememberedPort(h.toAbsolutePath()).orElse(LocalNodeSettings.DEFAULT_PORT);
    return new LocalNodeSettings(
        h.toAbsolutePath(), distribution(), p, heapMb, Path.of(System.getProperty("java.home")),
        LocalNodeSettings.DEFAULT_USER, Duration.ofMinutes(3));
  }

  /** The distribution: as given, else next to the jar (copied there by the build), else in the local Maven repository. */
  Path distribution() {
    if (distribution != null) return distribution;
    if (env("CALLARCHIVE_ES_DIST") != null) return Path.of(env("CALLARCHIVE_ES_DIST"));
    String prop = System.getProperty("callarchive.es.dist");
    if (prop != null) return Path.of(prop);
    String zip = "elasticsearch-" + ES_VERSION + ".zip";
    try {
      Path code = Path.of(LocalNodeOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path beside = code.getParent().resolve("elasticsearch-dist").resolve(zip);
      if (Files.isRegularFile(beside)) return beside;
      Path besideClasses = code.getParent().resolve("elasticsearch-dist").resolve(zip);
      if (Files.isRegularFile(besideClasses)) return besideClasses;
    } catch (URISyntaxException | RuntimeException ignored) {
      // fall through to the Maven repository
    }
    return Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "elasticsearch", "distribution",
        "integ-test-zip", "elasticsearch", ES_VERSION, zip);
  }

  static String env(String name) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? null : v;
  }
}
