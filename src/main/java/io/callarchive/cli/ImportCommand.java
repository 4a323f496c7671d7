package io.callarchive.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.callarchive.batch.BatchImport;
import io.callarchive.batch.JobDatabase;
import io.callarchive.batch.Progress;
import io.callarchive.batch.SourcesConfig;
import io.callarchive.imports.ImportOptions;
import io.callarchive.imports.ImportSummary;
import io.callarchive.index.EsConnection;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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
      "Import event captures and log files into Elasticsearch, exactly once.",
      "",
      "PATH may be a file, a .gz file or a folder (read recursively); --dir with --pattern picks up new and"
          + " rotated logs, --config the folders of several sources. The format of each file is detected from its"
          + " first bytes unless --format is given. Every event is kept verbatim in event.original; a piece that"
          + " cannot be parsed goes to callarchive-deadletter with its bytes, file, byte offset and reason, and the"
          + " rest carries on.",
      "",
      "Each file is a Spring Batch job recorded in the job repository (--job-db): content already imported"
          + " completely is skipped, whatever its name (rotation is recognised by content); a log that grew"
          + " imports only what was added; an import that was killed or lost Elasticsearch resumes from its last"
          + " committed chunk when run again. Deterministic document ids remain the last line of defence.",
      "",
      "Exit codes: 0 done; 1 something was dead-lettered or a file was not recognised, and --strict was given,"
          + " or the job history says a file is imported but the cluster lacks its documents (see --force);"
          + " 2 a file could not be imported to its end, or a path could not be read (run again to resume).",
      ""
    })
final class ImportCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Mixin JobDbOptions jobDb = new JobDbOptions();
  @Spec CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "PATH", description = "Files or folders to import (or use --dir, --config).")
  List<Path> paths = new ArrayList<>();

  @Option(names = "--dir", paramLabel = "DIR", description = "Import the files of DIR (recursively) whose name matches --pattern; repeatable.")
  List<Path> dirs = new ArrayList<>();

  @Option(
      names = "--pattern",
      paramLabel = "GLOB",
      defaultValue = "*",
      description = "File-name pattern for --dir, e.g. 'ami*.log*' (default: every file). Files run oldest first.")
  String pattern;

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

  @Option(
      names = "--chunk-size",
      paramLabel = "N",
      defaultValue = "2000",
      description = "Pieces per chunk, at most: each chunk is written and committed together, and a restart resumes at the last one; a file of large events gets fewer, about 3 MiB of input per chunk, to bound memory (default ${DEFAULT-VALUE}).")
  int chunkSize;

  @Option(
      names = "--progress",
      paramLabel = "MODE",
      defaultValue = "auto",
      description = "auto (a progress line on a terminal, log lines otherwise), terminal, log or none. Default: ${DEFAULT-VALUE}.")
  String progress;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Sources file: one block per PBX with its folder, pattern, format, observer.name and labels (see ingest/sources.properties).")
  Path config;

  @Option(names = "--json", description = "Print the summary as JSON (for scripts) instead of the table.")
  boolean json;

  @Option(names = "--strict", description = "Exit with code 1 when anything was dead-lettered or a file was not recognised.")
  boolean strict;

  @Option(
      names = "--force",
      description = "Import again files the job history says are already imported into this cluster (their earlier imports are forgotten first); documents already there are counted, not doubled.")
  boolean force;

  @Option(
      names = "--quiet-period",
      paramLabel = "DURATION",
      defaultValue = "5m",
      description = "A file unchanged for this long is finished: its incomplete last event is dead-lettered. A younger one may still be written to: its incomplete last event waits for the next run. Compressed and rotated (.1, -20261201) files are always finished. E.g. 30s, 5m, 0. Default: ${DEFAULT-VALUE}.")
  String quietPeriod;

  @Option(
      names = "--max-event-size",
      paramLabel = "BYTES",
      defaultValue = "1MiB",
      description = "Largest event indexed; a larger one is dead-lettered with its offset, length and first BYTES bytes, and the file goes on. E.g. 512KiB, 4MiB. Default: ${DEFAULT-VALUE}.")
  String maxEventSize;

  @Option(names = "--templates", paramLabel = "DIR", hidden = true)
  Path templates;

  @Mixin AlertsCommand.RulesOptions alerts = new AlertsCommand.RulesOptions();

  @Option(names = "--no-alerts", description = "Do not evaluate the alert rules after the import. By default they run over what was imported when a rules file is configured (--alerts, CALLARCHIVE_ALERTS or alerts.yml in the home).")
  boolean noAlerts;

  @Override
  public Integer call() throws Exception {
    // Checked before anything runs: a typo must not start a night's import.
    if (format != null && io.callarchive.parse.Formats.standard().byName(format).isEmpty()) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--format must be one of "
          + String.join(", ", io.callarchive.parse.Formats.standard().all().stream().map(f -> f.name()).toList())
          + ", got '" + format + "'");
    }
    BatchImport.Tails tails =
        new BatchImport.Tails(Sizes.duration("--quiet-period", quietPeriod), Sizes.bytes("--max-event-size", maxEventSize), force);
    connection.check(spec);
    ImportOptions options = new ImportOptions(format, sourceName, labels, timeFrom);
    List<Path> files = new ArrayList<>(paths);
    for (Path d : dirs) files.addAll(matching(d, pattern));
    List<BatchImport.Input> inputs = new ArrayList<>(BatchImport.inputs(files, options));
    if (config != null) {
      for (SourcesConfig.Source src : SourcesConfig.load(config)) {
        for (Path f : matching(src.dir(), src.pattern())) inputs.add(new BatchImport.Input(f, src.options()));
      }
    }
    if (inputs.isEmpty()) {
      spec.commandLine().getErr().println("callarchive import: nothing to import (give PATH or --dir)");
      return dirs.isEmpty() && config == null ? Main.FAILURE : Main.OK;
    }
    BatchImport.Settings settings =
        new BatchImport.Settings(chunkSize, progressMode(progress), System.err, Duration.ofSeconds(10), tails);
    Path rulesFile = noAlerts ? null : alerts.configured(connection.local.settings().home());
    io.callarchive.alert.AlertConfig rules = rulesFile == null ? null : alerts.load(connection.local.settings().home());
    EsConnection conn = connection.connect();
    ImportSummary summary;
    java.time.Instant began = java.time.Instant.now();
    try (JobDatabase db = jobDb.open(connection.local.settings().home());
        ElasticsearchClient client = conn.client()) {
      summary = BatchImport.run(client, db, inputs, templates, settings);
      if (rules != null) io.callarchive.alert.AlertRun.afterImport(client, rules, began, templates, spec.commandLine().getErr());
    }
    if (json) {
      spec.commandLine().getOut().println(
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary.toJson()));
      spec.commandLine().getOut().flush();
    } else {
      summary.print(spec.commandLine().getOut());
    }
    for (ImportSummary.FileResult f : summary.files()) {
      if (f.status() == ImportSummary.Status.MISSING || f.status() == ImportSummary.Status.BUSY) {
        spec.commandLine().getErr().println("callarchive import: " + f.file() + ": " + f.error());
      }
    }
    if (summary.failedFiles() > 0) return Main.FAILURE;
    if (summary.missingFiles() > 0) return Main.DEAD_LETTERS;
    if (strict && summary.deadLettered() + summary.malformed() + summary.unrecognisedFiles() > 0) return Main.DEAD_LETTERS;
    return Main.OK;
  }

  static Progress.Mode progressMode(String mode) {
    return switch (mode) {
      case "auto" -> Progress.detect();
      case "terminal" -> Progress.Mode.TERMINAL;
      case "log" -> Progress.Mode.LOG;
      case "none" -> Progress.Mode.NONE;
      default -> throw new IllegalArgumentException("--progress must be auto, terminal, log or none, got " + mode);
    };
  }

  /** Regular files under {@code dir} whose name matches the glob, oldest first (rotated logs before the live one). */
  static List<Path> matching(Path dir, String glob) throws IOException {
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    // A folder that is missing or cannot be read is reported as one failed input; the other sources go on.
    List<Path> found = io.callarchive.source.FileInputs.expand(List.of(dir), f -> f.equals(dir) || m.matches(f.getFileName()));
    return found.stream()
        .sorted(Comparator.comparing(ImportCommand::mtime).thenComparing(Comparator.naturalOrder()))
        .toList();
  }

  private static FileTime mtime(Path f) {
    try {
      return Files.getLastModifiedTime(f);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }
}
