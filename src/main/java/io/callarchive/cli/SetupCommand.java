package io.callarchive.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.index.EsConnection;
import io.callarchive.index.IlmPolicies;
import io.callarchive.index.Retention;
import io.callarchive.index.Templates;
import io.callarchive.kibana.KibanaImporter;
import io.callarchive.kibana.SavedObjects;
import io.callarchive.model.IndexType;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
          + " version and settings are unchanged is left alone; a changed one replaces it.",
      "With --kibana-url, imports the dashboards (data views, visualizations, the Calls search, dashboards) with"
          + " overwrite, so running it again updates them; each object Kibana refuses is listed with its reason.",
      "",
      "Defaults suit one node: 1 shard, 0 replicas growing to 1 when a second node joins. For a three-node"
          + " cluster, e.g. --shards events=3,quality=2 --replicas all=1. Shards apply to indices created from"
          + " then on (next month); replicas also to the existing indices.",
      ""
    })
final class SetupCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Mixin KibanaOptions kibana = new KibanaOptions();
  @Mixin DashboardOptions dashboards = new DashboardOptions();
  @Spec CommandSpec spec;

  @Option(names = "--templates", paramLabel = "DIR", description = "Read templates from this folder instead of the packaged copy.")
  Path templates;

  @Option(names = "--shards", paramLabel = "TYPE=N", split = ",", description = "Primary shards per index of a type (events, calls, ... or all), e.g. events=3 (default 1).")
  Map<String, Integer> shards = new LinkedHashMap<>();

  @Option(names = "--replicas", paramLabel = "TYPE=N", split = ",", description = "Replicas per shard of a type (or all), e.g. all=1 (default 0, 1 once a second node joins).")
  Map<String, Integer> replicas = new LinkedHashMap<>();

  @Option(names = "--ilm", description = "Attach an ILM delete policy per type (clusters with ILM only) instead of running prune; periods as for prune (--keep, --retention-config).")
  boolean ilm;

  @Option(names = "--keep", paramLabel = "TYPE=PERIOD", split = ",", description = "With --ilm: retention per type, e.g. events=90d.")
  Map<String, String> keep = new LinkedHashMap<>();

  @Option(names = "--retention-config", paramLabel = "FILE", description = "With --ilm: retention file (keep.<type>=<period>, see ingest/prune.properties).")
  Path retentionConfig;

  @Override
  public Integer call() throws Exception {
    Map<IndexType, Map<String, Object>> settings = new EnumMap<>(IndexType.class);
    Map<IndexType, Map<String, Object>> dynamic = new EnumMap<>(IndexType.class);
    put(settings, null, shards, "number_of_shards", 1, 1024);
    put(settings, dynamic, replicas, "number_of_replicas", 0, 64);
    // An explicit replica count replaces the one-node default that grows replicas with the cluster.
    for (IndexType t : dynamic.keySet()) {
      settings.get(t).put("auto_expand_replicas", "false");
      dynamic.get(t).put("auto_expand_replicas", "false");
    }
    if (!ilm && (!keep.isEmpty() || retentionConfig != null)) {
      throw new IllegalArgumentException("--keep and --retention-config go with --ilm (or use 'callarchive prune')");
    }
    KibanaImporter.Target target = kibana.target();
    SavedObjects objects = target == null ? null : dashboards.load();
    EsConnection conn = connection.connect();
    var out = spec.commandLine().getOut();
    try (ElasticsearchClient client = conn.client()) {
      if (ilm) {
        Retention retention = Retention.defaults();
        if (retentionConfig != null) retention = retention.withFile(retentionConfig);
        retention = retention.with(keep);
        Map<IndexType, String> policies = IlmPolicies.install(client, retention);
        policies.forEach((t, name) -> settings.computeIfAbsent(t, x -> new LinkedHashMap<>()).put("lifecycle.name", name));
        out.println("ILM policies installed: " + String.join(", ", policies.values()));
      }
      Templates tpl = new Templates(templates, settings);
      Templates.Result r = tpl.install(client);
      out.printf("templates installed or updated: %d, unchanged: %d, indices created: %d%n",
          r.installed().size(), r.unchanged().size(), r.indicesCreated().size());
      for (Map.Entry<IndexType, Map<String, Object>> d : dynamic.entrySet()) {
        List<String> updated = tpl.updateExisting(client, d.getKey(), d.getValue());
        if (!updated.isEmpty()) out.printf("replicas set on %d existing %s indices%n", updated.size(), d.getKey().typeName());
      }
      if (!shards.isEmpty()) out.println("shard counts apply to indices created from now on (the next month's)");
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

  private static void put(Map<IndexType, Map<String, Object>> settings, Map<IndexType, Map<String, Object>> dynamic,
      Map<String, Integer> given, String key, int min, int max) {
    for (Map.Entry<String, Integer> e : given.entrySet()) {
      int n = e.getValue();
      if (n < min || n > max) {
        throw new IllegalArgumentException(key.replace('_', ' ') + " for " + e.getKey() + " must be between " + min + " and " + max + ", got " + n);
      }
      List<IndexType> types = e.getKey().equalsIgnoreCase("all") ? List.of(IndexType.values()) : List.of(Retention.type(e.getKey()));
      for (IndexType t : types) {
        settings.computeIfAbsent(t, x -> new LinkedHashMap<>()).put(key, n);
        if (dynamic != null) dynamic.computeIfAbsent(t, x -> new LinkedHashMap<>()).put(key, n);
      }
    }
  }
}
