package io.callarchive.cli;

import io.callarchive.kibana.KibanaImporter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How setup reaches Kibana to install the dashboards. */
public final class KibanaOptions {
  @Option(
      names = "--kibana-url",
      paramLabel = "URL",
      description = "Also import the dashboards into this Kibana, e.g. http://localhost:5601 (env CALLARCHIVE_KIBANA_URL).")
  String url;

  @Option(names = "--kibana-api-key", paramLabel = "KEY", description = "Kibana API key (env CALLARCHIVE_KIBANA_API_KEY).")
  String apiKey;

  @Option(names = "--kibana-user", paramLabel = "USER", description = "Kibana user for basic authentication.")
  String user;

  @Option(
      names = "--kibana-password",
      paramLabel = "PASSWORD",
      description = "Password for --kibana-user (env CALLARCHIVE_KIBANA_PASSWORD; prefer the environment).")
  String password;

  @Option(names = "--kibana-ca-cert", paramLabel = "PEM", description = "CA certificate(s) that sign Kibana's TLS certificate.")
  Path caCert;

  @Option(names = "--kibana-space", paramLabel = "SPACE", description = "Kibana space id to import into (default: the default space).")
  String space;

  /** The target, or null when no Kibana URL was given. */
  KibanaImporter.Target target() {
    String u = url != null ? url : LocalNodeOptions.env("CALLARCHIVE_KIBANA_URL");
    if (u == null) return null;
    String key = apiKey != null ? apiKey : LocalNodeOptions.env("CALLARCHIVE_KIBANA_API_KEY");
    String pw = password != null ? password : LocalNodeOptions.env("CALLARCHIVE_KIBANA_PASSWORD");
    return new KibanaImporter.Target(u, key, user, user != null ? pw : null, caCert, space);
  }
}
