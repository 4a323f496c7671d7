package io.callarchive.cli;

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
      StreamCommand.class,
      JobsCommand.class,
      SetupCommand.class,
      EsCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 success; 1 something was dead-lettered and --strict was given; 2 failure.",
      "Environment: CALLARCHIVE_HOME, CALLARCHIVE_ES_URL, CALLARCHIVE_ES_API_KEY, CALLARCHIVE_ES_PASSWORD,"
          + " CALLARCHIVE_ES_PORT, CALLARCHIVE_ES_DIST, CALLARCHIVE_JAVA_OPTS, CALLARCHIVE_LOG_LEVEL."
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
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(
        (ex, cmd, parseResult) -> {
          cmd.getErr().println("callarchive: " + message(ex));
          if (System.getenv("CALLARCHIVE_DEBUG") != null) ex.printStackTrace(cmd.getErr());
          return FAILURE;
        });
    cl.setExitCodeExceptionMapper(ex -> FAILURE);
    int rc = cl.execute(args);
    // picocli returns 2 for usage errors, which is our failure code too.
    return rc;
  }

  private static String message(Throwable ex) {
    String m = ex.getMessage();
    if (m == null || m.isBlank()) m = ex.getClass().getSimpleName();
    Throwable c = ex.getCause();
    if (c != null && c.getMessage() != null && !m.contains(c.getMessage())) m += " (" + c.getMessage() + ")";
    return m;
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
