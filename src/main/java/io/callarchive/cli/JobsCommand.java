package io.callarchive.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.callarchive.batch.ImportHistory;
import io.callarchive.batch.JobDatabase;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = {
      "List past imports from the job repository.",
      "",
      "One line per imported content (a file, or the part a grown log added): file, content checksum, byte"
          + " range, events, status and duration, from the same job repository as 'import' (--job-db, default"
          + " the embedded database under the callarchive home). A failed or unfinished import is resumed by"
          + " running the same import again. 'jobs forget' removes imports from the history, so that their"
          + " content is imported again (after indices were deleted, or into a cluster the history does not"
          + " know apart).",
      ""
    },
    subcommands = JobsCommand.Forget.class)
final class JobsCommand implements Callable<Integer> {
  @Mixin JobDbOptions jobDb = new JobDbOptions();
  @Mixin HomeOption local = new HomeOption();
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print the list as JSON.")
  boolean json;

  @Option(names = "--last", paramLabel = "N", defaultValue = "50", description = "Show the N most recent imports (default ${DEFAULT-VALUE}; 0 for all).")
  int last;

  @Override
  public Integer call() throws Exception {
    List<ImportHistory.Entry> all;
    try (JobDatabase db = jobDb.open(local.home())) {
      all = ImportHistory.all(db.repository());
    }
    List<ImportHistory.Entry> shown = last > 0 && all.size() > last ? all.subList(all.size() - last, all.size()) : all;
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(
          shown.stream().map(JobsCommand::toJson).toList()));
    } else {
      out.printf("%6s %-44s %-12s %21s %10s %-10s %9s %s%n", "id", "file", "sha256", "bytes", "events", "status", "duration",
          "cluster");
      for (ImportHistory.Entry e : shown) {
        out.printf(Locale.ROOT, "%6d %-44s %-12s %21s %10d %-10s %9s %s%n",
            e.instanceId(), abbreviate(String.valueOf(e.path()), 44), e.sha256() == null ? "-" : e.sha256().substring(0, 12),
            e.start() + ".." + e.end(), e.events(), e.status().name().toLowerCase(Locale.ROOT), duration(e.duration()),
            e.target() == null ? "-" : e.target().substring(0, Math.min(8, e.target().length())));
      }
      if (all.isEmpty()) out.println("(no imports recorded yet)");
    }
    out.flush();
    return Main.OK;
  }

  private static Map<String, Object> toJson(ImportHistory.Entry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.instanceId());
    m.put("path", e.path());
    m.put("format", e.format());
    m.put("sha256", e.sha256());
    m.put("start", e.start());
    m.put("length", e.length());
    m.put("offset", e.offset());
    m.put("end", e.end());
    m.put("cluster", e.target());
    m.put("events", e.events());
    m.put("skipped", e.skipped());
    m.put("malformed", e.malformed());
    m.put("status", e.status().name().toLowerCase(Locale.ROOT));
    m.put("started", e.started() == null ? null : e.started().toString());
    m.put("ended", e.ended() == null ? null : e.ended().toString());
    m.put("duration_ms", e.duration() == null ? null : e.duration().toMillis());
    return m;
  }

  private static String duration(Duration d) {
    if (d == null) return "-";
    return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
  }

  private static String abbreviate(String s, int n) {
    return s.length() <= n ? s : "..." + s.substring(s.length() - n + 3);
  }

  @Command(
      name = "forget",
      mixinStandardHelpOptions = true,
      description = {
        "Remove imports from the job history, so that the next 'import' reads their content again.",
        "",
        "Use it when the history and the cluster disagree (indices deleted by hand, a cluster restored from an"
            + " older snapshot). Documents already in the cluster are not touched: a re-import counts them as"
            + " already present. An import running now is never forgotten. 'import --force' does the same for"
            + " the files it is given.",
        ""
      })
  static final class Forget implements Callable<Integer> {
    @Mixin JobDbOptions jobDb = new JobDbOptions();
    @Mixin HomeOption local = new HomeOption();
    @Spec CommandSpec spec;

    @picocli.CommandLine.Parameters(arity = "0..*", paramLabel = "ID", description = "Ids of imports, as 'jobs' lists them.")
    List<Long> ids = new java.util.ArrayList<>();

    @Option(names = "--file", paramLabel = "PATH", description = "Forget every import of the file at PATH (as recorded when it was imported).")
    List<java.nio.file.Path> files = new java.util.ArrayList<>();

    @Option(names = "--all", description = "Forget the whole history.")
    boolean all;

    @Override
    public Integer call() throws Exception {
      if (ids.isEmpty() && files.isEmpty() && !all) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say what to forget: IDs, --file PATH or --all");
      }
      java.util.Set<String> paths = new java.util.HashSet<>();
      for (java.nio.file.Path f : files) paths.add(f.toAbsolutePath().toString());
      int n;
      try (JobDatabase db = jobDb.open(local.home())) {
        n = ImportHistory.forget(db.repository(), e -> all || ids.contains(e.instanceId()) || paths.contains(e.path()));
      }
      spec.commandLine().getOut().println(n == 0 ? "nothing forgotten (no such import)" : "forgotten: " + n + " import(s); the next import reads their content again");
      spec.commandLine().getOut().flush();
      return n == 0 && !all ? Main.DEAD_LETTERS : Main.OK;
    }
  }
}
