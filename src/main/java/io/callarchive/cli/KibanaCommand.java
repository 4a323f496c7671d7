package io.callarchive.cli;

import io.callarchive.kibana.SavedObjects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "kibana",
    mixinStandardHelpOptions = true,
    description = {"Kibana saved objects: the callarchive dashboards.", ""},
    subcommands = {KibanaCommand.Export.class})
final class KibanaCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = {
        "Write the dashboards as NDJSON files for a manual import.",
        "",
        "Writes callarchive-all.ndjson (every data view, search, visualization and dashboard) and one file per"
            + " dashboard with what it needs, into DIR. Import one in Kibana with Stack Management > Saved"
            + " objects > Import (overwrite), or use 'callarchive setup --kibana-url URL'.",
        ""
      })
  static final class Export implements Callable<Integer> {
    @Mixin DashboardOptions dashboards = new DashboardOptions();
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Folder to write the files into (created if needed).")
    Path dir;

    @Override
    public Integer call() throws Exception {
      SavedObjects objects = dashboards.load();
      Files.createDirectories(dir);
      var out = spec.commandLine().getOut();
      for (Map.Entry<String, String> f : objects.files().entrySet()) {
        Files.writeString(dir.resolve(f.getKey()), f.getValue());
        long n = f.getValue().lines().count() - 1;
        out.printf("%s: %d objects%n", dir.resolve(f.getKey()), n);
      }
      out.printf("service level T = %d s, short abandon S = %d s%n",
          objects.settings().serviceLevelSeconds(), objects.settings().shortAbandonSeconds());
      return Main.OK;
    }
  }
}
