package io.callarchive.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.index.EsConnection;
import io.callarchive.index.Templates;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "setup",
    mixinStandardHelpOptions = true,
    description = {
      "Install the index templates and create the read aliases.",
      "",
      "Installs index-templates/ for every index type and creates the aliases callarchive-events, -calls,"
          + " -quality, -queue, -security, -charges, -alerts and -deadletter. Idempotent: a template whose"
          + " version is unchanged is left alone; a changed one replaces it.",
      ""
    })
final class SetupCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Spec CommandSpec spec;

  @Option(names = "--templates", paramLabel = "DIR", description = "Read templates from this folder instead of the packaged copy.")
  Path templates;

  @Override
  public Integer call() throws Exception {
    EsConnection conn = connection.connect();
    try (ElasticsearchClient client = conn.client()) {
      Templates.Result r = new Templates(templates).install(client);
      var out = spec.commandLine().getOut();
      out.printf("templates installed or updated: %d, unchanged: %d, indices created: %d%n",
          r.installed().size(), r.unchanged().size(), r.indicesCreated().size());
      out.println("Elasticsearch: " + conn);
    }
    return Main.OK;
  }
}
