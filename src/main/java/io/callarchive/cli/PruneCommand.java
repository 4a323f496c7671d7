package io.callarchive.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callarchive.index.Pruner;
import io.callarchive.index.Retention;
import io.callarchive.query.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "prune",
    mixinStandardHelpOptions = true,
    description = {
      "Delete the monthly indices older than each type's retention period.",
      "",
      "An index callarchive-<type>-YYYY.MM goes when its whole month is older than the period kept for <type>."
          + " Defaults: events=90d, quality=180d, calls=400d, queue=400d, security=365d, charges=400d,"
          + " alerts=365d, deadletter=90d; a --config file (keep.<type>=<period>, see ingest/prune.properties)"
          + " overrides them, and --keep overrides both. Periods: 90d, 12w, 6mo, 2y or forever. Needs no ILM; run"
          + " it daily from cron or the systemd timer of ingest/.",
      ""
    })
final class PruneCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Spec CommandSpec spec;

  @Option(names = "--keep", paramLabel = "TYPE=PERIOD", split = ",", description = "Retention per type, e.g. events=90d,quality=180d,calls=400d (repeatable).")
  Map<String, String> keep = new LinkedHashMap<>();

  @Option(names = "--config", paramLabel = "FILE", description = "Retention file with keep.<type>=<period> lines (env CALLARCHIVE_PRUNE_CONFIG).")
  Path config;

  @Option(names = "--dry-run", description = "List what would be deleted, with sizes, and delete nothing.")
  boolean dryRun;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Retention retention = Retention.defaults();
    Path file = config != null ? config : envPath("CALLARCHIVE_PRUNE_CONFIG");
    if (file != null) {
      if (!Files.isRegularFile(file)) throw new IllegalArgumentException("the retention file " + file + " does not exist");
      retention = retention.withFile(file);
    }
    retention = retention.with(keep);
    Pruner.Result r;
    try (ElasticsearchClient client = connection.connect().client()) {
      r = new Pruner(client).prune(retention, Instant.now(), dryRun);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("dry_run", dryRun);
      o.put("retention", retention.toString());
      o.put("bytes", r.bytes());
      ArrayNode a = o.putArray("indices");
      for (Pruner.Expired e : r.expired()) {
        a.addObject().put("index", e.index()).put("type", e.type().typeName()).put("docs", e.docs()).put("bytes", e.bytes())
            .put("deleted", !dryRun);
      }
      out.println(Json.pretty(o));
      return Main.OK;
    }
    out.println("retention: " + retention);
    if (r.expired().isEmpty()) {
      out.println("nothing to delete");
      return Main.OK;
    }
    int w = r.expired().stream().mapToInt(e -> e.index().length()).max().orElse(5);
    for (Pruner.Expired e : r.expired()) {
      out.printf(Locale.ROOT, "%-" + w + "s  %10d docs  %10s  %s%n", e.index(), e.docs(), size(e.bytes()),
          dryRun ? "would be deleted" : "deleted");
    }
    out.printf(Locale.ROOT, "%s %d ind%s, %s%n", dryRun ? "would delete" : "deleted", r.expired().size(),
        r.expired().size() == 1 ? "ex" : "ices", size(r.bytes()));
    return Main.OK;
  }

  private static Path envPath(String name) {
    String v = LocalNodeOptions.env(name);
    return v == null ? null : Path.of(v);
  }

  static String size(long bytes) {
    if (bytes < 1024) return bytes + " B";
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }
}
