package io.callarchive.cli;

import io.callarchive.index.EsConnection;
import io.callarchive.localnode.LocalNode;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a command reaches Elasticsearch: a given cluster, or the managed local node (started when needed).
 */
public final class ConnectionOptions {
  @Option(
      names = "--es-url",
      paramLabel = "URL",
      split = ",",
      description = "Elasticsearch to use, e.g. https://es.example.net:9200 (env CALLARCHIVE_ES_URL). Several nodes of one cluster: repeat the option or separate URLs with commas; requests spread over them and fail over when one goes away. Without it the local node is used and started if needed.")
  List<String> urls;

  @Option(names = "--es-api-key", paramLabel = "KEY", description = "API key (env CALLARCHIVE_ES_API_KEY).")
  String apiKey;

  @Option(names = "--es-user", paramLabel = "USER", description = "User for basic authentication (env CALLARCHIVE_ES_USER).")
  String user;

  @Option(
      names = "--es-password",
      paramLabel = "PASSWORD",
      description = "Password for --es-user (env CALLARCHIVE_ES_PASSWORD; prefer the environment).")
  String password;

  @Option(
      names = "--es-ca-cert",
      paramLabel = "PEM",
      description = "CA certificate(s) that sign the cluster's TLS certificate (env CALLARCHIVE_ES_CA_CERT). Default: the JDK's trust store.")
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
    String all = urls != null && !urls.isEmpty() ? String.join(",", urls) : LocalNodeOptions.env("CALLARCHIVE_ES_URL");
    if (all == null) return null;
    for (String u : all.split(",")) {
      u = u.strip();
      if (!u.isEmpty() && !u.matches("(?i)https?://[^/\\s]+.*")) {
        return "--es-url must start with http:// or https://, e.g. http://" + u.replaceFirst("^[a-zA-Z]*:?/*", "")
            + ", got '" + u + "'";
      }
    }
    return null;
  }

  /**
   * The connection to use, starting the local node when no URL was given. A given cluster is asked once who it
   * is, so that a wrong URL, CA or credential ends the command at once with one sentence.
   */
  public EsConnection connect() throws Exception {
    String problem = problem();
    if (problem != null) throw new IllegalArgumentException(problem);
    String u = urls != null && !urls.isEmpty() ? String.join(",", urls) : LocalNodeOptions.env("CALLARCHIVE_ES_URL");
    String key = apiKey != null ? apiKey : LocalNodeOptions.env("CALLARCHIVE_ES_API_KEY");
    String usr = user != null ? user : LocalNodeOptions.env("CALLARCHIVE_ES_USER");
    String pw = password != null ? password : LocalNodeOptions.env("CALLARCHIVE_ES_PASSWORD");
    String ca = caCert != null ? caCert.toString() : LocalNodeOptions.env("CALLARCHIVE_ES_CA_CERT");
    if (u != null) {
      return new EsConnection(u, key, usr, usr != null ? pw : null, ca != null ? Path.of(ca) : null).check();
    }
    LocalNode node = new LocalNode(local.settings());
    node.start();
    return EsConnection.plain(node.settings().url());
  }

}
