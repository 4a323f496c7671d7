package io.callarchive.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code callarchive} command line. Commands only parse options and delegate to the packages below. */
@Command(
    name = "callarchive",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Archives every event a telephone platform emits (Asterisk AMI/ARI, FreeSWITCH, Kazoo, ccs) in"
          + " Elasticsearch, and makes calls, queues, quality and attacks searchable.",
      "",
      "Without --es-url, commands use a local Elasticsearch that callarchive manages itself"
          + " (see 'callarchive es --help').",
      ""
    },
    subcommands = {
      DemoCommand.class,
      ImportCommand.class,
      AlertsCommand.class,
      StreamCommand.class,
      JobsCommand.class,
      SetupCommand.class,
      ReportCommand.class,
      KibanaCommand.class,
      CallsCommand.class,
      CallCommand.class,
      PruneCommand.class,
      EsCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 success; 1 something was dead-lettered and --strict was given; 2 failure.",
      "Environment: CALLARCHIVE_HOME, CALLARCHIVE_ES_URL, CALLARCHIVE_ES_API_KEY, CALLARCHIVE_ES_USER, CALLARCHIVE_ES_PASSWORD,"
          + " CALLARCHIVE_ES_CA_CERT, CALLARCHIVE_ES_PORT, CALLARCHIVE_ES_DIST, CALLARCHIVE_ALERTS, CALLARCHIVE_JAVA_OPTS,"
          + " CALLARCHIVE_LOG_LEVEL, CALLARCHIVE_KIBANA_URL, CALLARCHIVE_KIBANA_API_KEY, CALLARCHIVE_KIBANA_PASSWORD."
    })
public final class Main implements Runnable {
  public static final int OK = 0;
  public static final int DEAD_LETTERS = 1;
  public static final int FAILURE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return run(null, null, args);
  }

  /** Runs a command with its output and errors going to the given writers (the terminal's when null). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    RunLog runLog = RunLog.open(args);
    try {
      CommandLine cl = new CommandLine(new Main());
      if (out != null) cl.setOut(out);
      if (err != null) cl.setErr(err);
      cl.setExecutionExceptionHandler(
          (ex, cmd, parseResult) -> {
            // One sentence on the terminal; the trace goes to the log file (HOME/logs/callarchive.log).
            String m = io.callarchive.imports.Problems.describe(ex);
            org.slf4j.LoggerFactory.getLogger(RunLog.TRACE).error("callarchive {}: {}", redacted(args), m, ex);
            cmd.getErr().println("callarchive " + cmd.getCommandName() + ": " + m
                + (runLog != null ? " (details: " + runLog.file() + ")" : ""));
            cmd.getErr().flush();
            return FAILURE;
          });
      cl.setExitCodeExceptionMapper(ex -> FAILURE);
      // A wrong option is one sentence and where to look, not the whole usage text.
      cl.setParameterExceptionHandler((ex, a) -> {
        CommandLine c = ex.getCommandLine();
        c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + ex.getMessage() + " (see '"
            + c.getCommandSpec().qualifiedName() + " --help')");
        c.getErr().flush();
        return FAILURE;
      });
      // picocli returns 2 for usage errors, which is our failure code too.
      int rc = cl.execute(args);
      cl.getOut().flush();
      cl.getErr().flush();
      return rc;
    } finally {
      if (runLog != null) runLog.close();
    }
  }

  /** The arguments for the log, without the values of password and key options. */
  static String redacted(String[] args) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      boolean secret = a.startsWith("--es-password") || a.startsWith("--es-api-key") || a.startsWith("--job-db-password");
      if (!sb.isEmpty()) sb.append(' ');
      if (secret && a.contains("=")) {
        sb.append(a, 0, a.indexOf('=') + 1).append("***");
      } else {
        sb.append(a);
        if (secret && i + 1 < args.length) {
          sb.append(" ***");
          i++;
        }
      }
    }
    return sb.toString();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"callarchive " + (v == null ? "(development build)" : v)};
    }
  }
}
