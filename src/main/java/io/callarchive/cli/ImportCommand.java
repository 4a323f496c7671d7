package io.callarchive.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.imports.ImportOptions;
import io.callarchive.imports.ImportRun;
import io.callarchive.imports.ImportSummary;
import io.callarchive.index.EsConnection;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Import event captures and log files into Elasticsearch.",
      "",
      "PATH may be a file, a .gz file or a folder (read recursively). The format of each file is detected from"
          + " its first bytes unless --format is given. Every event is kept verbatim in event.original; a piece"
          + " that cannot be parsed goes to callarchive-deadletter with its bytes, file, byte offset and reason,"
          + " and the rest carries on. Importing the same file again adds nothing: documents have deterministic"
          + " ids.",
      ""
    })
final class ImportCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders to import.")
  List<Path> paths;

  @Option(names = "--format", paramLabel = "NAME", description = "Force the format of every file: ami, freeswitch, ari, kazoo or ccs. Default: detected per file from its first bytes.")
  String format;

  @Option(names = "--source-name", paramLabel = "NAME", description = "observer.name of every event (the PBX node); default: from the events.")
  String sourceName;

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Tag every document (labels.KEY); repeatable.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(
      names = "--time-from",
      paramLabel = "WHEN",
      defaultValue = "mtime",
      description = "Time of events that carry none (AMI without timestampevents=yes): mtime (the file's), now, or an ISO-8601 instant. Default: ${DEFAULT-VALUE}.")
  String timeFrom;

  @Option(names = "--strict", description = "Exit with code 1 when anything was dead-lettered or a file was not recognised.")
  boolean strict;

  @Option(names = "--templates", paramLabel = "DIR", hidden = true)
  Path templates;

  @Override
  public Integer call() throws Exception {
    ImportOptions options = new ImportOptions(format, sourceName, labels, timeFrom);
    EsConnection conn = connection.connect();
    ImportSummary summary;
    try (ElasticsearchClient client = conn.client()) {
      summary = ImportRun.run(client, paths, options, templates);
    }
    summary.print(spec.commandLine().getOut());
    if (summary.failedFiles() > 0) return Main.FAILURE;
    if (strict && summary.deadLettered() + summary.malformed() + summary.unrecognisedFiles() > 0) return Main.DEAD_LETTERS;
    return Main.OK;
  }
}
