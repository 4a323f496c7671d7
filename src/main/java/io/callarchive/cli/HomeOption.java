package io.callarchive.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The callarchive home alone, for commands that use neither Elasticsearch nor the local node ({@code jobs}). */
public final class HomeOption {
  @Option(
      names = "--home",
      paramLabel = "DIR",
      description = "callarchive home, whose jobs/ holds the default job repository (env CALLARCHIVE_HOME; default ~/.callarchive).")
  Path home;

  Path home() {
    Path h = home;
    if (h == null && LocalNodeOptions.env("CALLARCHIVE_HOME") != null) h = Path.of(LocalNodeOptions.env("CALLARCHIVE_HOME"));
    if (h == null) h = Path.of(System.getProperty("user.home"), ".callarchive");
    return h.toAbsolutePath();
  }
}
