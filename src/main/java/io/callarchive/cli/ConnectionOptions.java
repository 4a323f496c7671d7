package io.callarchive.cli;

import io.callarchive.index.EsConnection;
import io.callarchive.localnode.LocalNode;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a command reaches Elasticsearch: a given cluster, or the managed local node (started when needed).
 */
public final class ConnectionOptions {
  @Option(
      names = "--es-url",
      paramLabel = "URL",
      description = "Elasticsearch to use, e.g. https://es.example.net:9200 (env CALLARCHIVE_ES_URL). Without it the local node is used and started if needed.")
  String url;

  @Option(names = "--es-api-key", paramLabel = "KEY", description = "API key (env CALLARCHIVE_ES_API_KEY).")
  String apiKey;

  @Option(names = "--es-user", paramLabel = "USER", description = "User for basic authentication.")
  String user;

  @Option(
      names = "--es-password",
      paramLabel = "PASSWORD",
      description = "Password for --es-user (env CALLARCHIVE_ES_PASSWORD; prefer the environment).")
  String password;

  @Option(names = "--es-ca-cert", paramLabel = "PEM", description = "CA certificate(s) that sign the cluster's TLS certificate.")
  Path caCert;

  @Mixin LocalNodeOptions local = new LocalNodeOptions();

  /**
   * Refuses, before anything runs, options that cannot work together: a password without a user (it would be
   * ignored and the cluster would answer 401 later), a URL without a scheme ({@code localhost:9200}).
   */
  void check(picocli.CommandLine.Model.CommandSpec spec) {
    String problem = problem();
    if (problem != null) throw new picocli.CommandLine.ParameterException(spec.commandLine(), problem);
  }

  private String problem() {
    if (password != null && user == null) return "--es-password needs --es-user (or use --es-api-key)";
    String u = url != null ? url : LocalNodeOptions.env("CALLARCHIVE_ES_URL");
    if (u != null && !u.matches("(?i)https?://[^/\\s]+.*")) {
      return "--es-url must start with http:// or https://, e.g. http://" + u.replaceFirst("^[a-zA-Z]*:?/*", "")
          + ", got '" + u + "'";
    }
    return null;
  }

  /** The connection to use, starting the local node when no URL was given. */
  public EsConnection connect() throws Exception {
    String problem = problem();
    if (problem != null) throw new IllegalArgumentException(problem);
    String u = url != null ? url : LocalNodeOptions.env("CALLARCHIVE_ES_URL");
    String key = apiKey != null ? apiKey : LocalNodeOptions.env("CALLARCHIVE_ES_API_KEY");
    String pw = password != null ? password : LocalNodeOptions.env("CALLARCHIVE_ES_PASSWORD");
    if (u != null) return new EsConnection(u, key, user, user != null ? pw : null, caCert);
    LocalNode node = new LocalNode(local.settings());
    node.start();
    return EsConnection.plain(node.settings().url());
  }

}
