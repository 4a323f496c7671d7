package io.callarchive.cli;

import io.callarchive.kibana.DashboardSettings;
import io.callarchive.kibana.SavedObjects;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The dashboards to use and the thresholds they are computed with, shared by setup, kibana export and report. */
public final class DashboardOptions {
  @Option(
      names = "--service-level-s",
      paramLabel = "T",
      defaultValue = "" + DashboardSettings.DEFAULT_SERVICE_LEVEL_S,
      description = "Service level threshold T: a queue call answered within T seconds counts (default ${DEFAULT-VALUE}).")
  int serviceLevelSeconds;

  @Option(
      names = "--short-abandon-s",
      paramLabel = "S",
      defaultValue = "" + DashboardSettings.DEFAULT_SHORT_ABANDON_S,
      description = "Short abandon threshold S: a caller hanging up before S seconds is counted apart (default ${DEFAULT-VALUE}).")
  int shortAbandonSeconds;

  @Option(names = "--dashboards", paramLabel = "DIR", description = "Read the saved objects from this folder instead of the packaged copy.")
  Path dir;

  SavedObjects load() throws IOException {
    return SavedObjects.load(dir, new DashboardSettings(serviceLevelSeconds, shortAbandonSeconds));
  }
}
