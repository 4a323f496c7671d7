package io.callarchive.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.index.EsConnection;
import io.callarchive.index.Templates;
import io.callarchive.kibana.KibanaImporter;
import io.callarchive.kibana.SavedObjects;
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
      "Install the index templates and create the read aliases; with --kibana-url, also the dashboards.",
      "",
      "Installs index-templates/ for every index type and creates the aliases callarchive-events, -calls,"
          + " -quality, -queue, -security, -charges, -alerts and -deadletter. Idempotent: a template whose"
          + " version is unchanged is left alone; a changed one replaces it.",
      "With --kibana-url, imports the dashboards (data views, visualizations, the Calls search, dashboards) with"
          + " overwrite, so running it again updates them; each object Kibana refuses is listed with its reason.",
      ""
    })
final class SetupCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Mixin KibanaOptions kibana = new KibanaOptions();
  @Mixin DashboardOptions dashboards = new DashboardOptions();
  @Spec CommandSpec spec;

  @Option(names = "--templates", paramLabel = "DIR", description = "Read templates from this folder instead of the packaged copy.")
  Path templates;

  @Override
  public Integer call() throws Exception {
    KibanaImporter.Target target = kibana.target();
    SavedObjects objects = target == null ? null : dashboards.load();
    EsConnection conn = connection.connect();
    var out = spec.commandLine().getOut();
    try (ElasticsearchClient client = conn.client()) {
      Templates.Result r = new Templates(templates).install(client);
      out.printf("templates installed or updated: %d, unchanged: %d, indices created: %d%n",
          r.installed().size(), r.unchanged().size(), r.indicesCreated().size());
      out.println("Elasticsearch: " + conn);
    }
    if (target == null) return Main.OK;
    String ndjson = SavedObjects.ndjson(objects.all());
    KibanaImporter.Result r = new KibanaImporter(target).importNdjson("callarchive-all.ndjson", ndjson);
    var err = spec.commandLine().getErr();
    for (KibanaImporter.Refused x : r.refused()) {
      err.printf("Kibana refused %s %s%s: %s%n", x.type(), x.id(), x.title() == null ? "" : " (" + x.title() + ")",
          x.reason());
    }
    for (String w : r.warnings()) err.println("Kibana: " + w);
    if (!r.success()) {
      err.printf("callarchive: Kibana imported none of the %d saved objects (it creates nothing while one has a"
          + " missing reference or a conflict); fix the reasons above and run setup again.%n", objects.all().size());
      err.flush();
      return Main.FAILURE;
    }
    if (!r.refused().isEmpty()) {
      err.printf("callarchive: Kibana refused %d of the %d saved objects; fix the reasons above and run setup"
          + " again.%n", r.refused().size(), objects.all().size());
      err.flush();
      return Main.FAILURE;
    }
    out.printf("Kibana: %d saved objects imported or updated (%d dashboards), service level T = %d s, short"
        + " abandon S = %d s%n", r.successCount(), objects.dashboards().size(),
        objects.settings().serviceLevelSeconds(), objects.settings().shortAbandonSeconds());
    out.println("Kibana: " + target);
    return Main.OK;
  }
}
