package io.callarchive.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.imports.ImportOptions;
import io.callarchive.batch.BatchImport;
import io.callarchive.batch.JobDatabase;
import io.callarchive.imports.ImportSummary;
import io.callarchive.index.EsConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the demo: local Elasticsearch, templates, and the captures of ingest/samples/.",
      "",
      "Starts the local Elasticsearch (unless --es-url is given), installs the templates, imports the demo"
          + " captures of ingest/samples/, and prints what was imported and where to query it.",
      ""
    })
final class DemoCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Spec CommandSpec spec;

  @Option(names = "--samples", paramLabel = "DIR", description = "Folder of demo captures (default: ingest/samples of the project).")
  Path samples;

  @Override
  public Integer call() throws Exception {
    Path dir = samples != null ? samples : defaultSamples();
    EsConnection conn = connection.connect();
    ImportSummary summary;
    // The demo always shows its captures, even after the indices were deleted: it keeps no import history (a
    // throwaway job repository) and relies on deterministic ids to add nothing on a second run.
    Path jobs = Files.createTempDirectory("callarchive-demo-jobs");
    try (ElasticsearchClient client = conn.client();
        JobDatabase db = JobDatabase.embedded(jobs)) {
      summary = BatchImport.run(client, db, List.of(dir), new ImportOptions(null, "demo-pbx", Map.of("source", "demo"), "mtime"),
          null, BatchImport.Settings.defaults().finishedFiles()); // a fresh checkout's samples look just written
      client.indices().refresh(r -> r.index("callarchive-*"));
      var out = spec.commandLine().getOut();
      summary.print(out);
      long count = client.count(r -> r.index("callarchive-events")).count();
      out.println();
      out.println("The demo events are searchable: " + count + " in callarchive-events.");
      StringBuilder others = new StringBuilder();
      for (String type : new String[] {"calls", "queue", "quality", "security", "charges"}) {
        long n = client.count(r -> r.index("callarchive-" + type)).count();
        others.append(others.isEmpty() ? "" : ", ").append(n).append(' ').append(type);
      }
      out.println("Correlated and decoded: " + others + ".");
      out.println("  curl '" + conn.url() + "/callarchive-events/_count'");
      out.println("  curl '" + conn.url() + "/callarchive-calls/_search?q=caller.number:1001&pretty'");
      out.println("  curl '" + conn.url() + "/callarchive-events/_search?q=event.action:Hangup&pretty'");
      out.println("Stop the local node with: callarchive es stop");
    } finally {
      deleteTree(jobs);
    }
    return summary.failedFiles() > 0 ? Main.FAILURE : Main.OK;
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  private static Path defaultSamples() {
    String project = System.getProperty("callarchive.project");
    Path base = project != null ? Path.of(project) : Path.of("");
    Path p = base.resolve("ingest").resolve("samples");
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("demo captures not found at " + p.toAbsolutePath() + "; give --samples DIR");
    }
    return p;
  }
}
