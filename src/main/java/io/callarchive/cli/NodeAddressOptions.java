package io.callarchive.cli;

import io.callarchive.localnode.LocalNodeSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the local node of a home is, for the commands that only look for it ({@code es stop}, {@code es status}):
 * the heap and distribution options of {@link LocalNodeOptions} would not act there, so they are not offered.
 */
public final class NodeAddressOptions {
  @Option(
      names = "--home",
      paramLabel = "DIR",
      description = "callarchive home whose node to look for (env CALLARCHIVE_HOME; default ~/.callarchive).")
  Path home;

  @Option(
      names = "--es-port",
      paramLabel = "PORT",
      description = "HTTP port of the local node (env CALLARCHIVE_ES_PORT; default: the port the home's node was last started on, else 9200).")
  Integer port;

  LocalNodeSettings settings() {
    LocalNodeOptions o = new LocalNodeOptions();
    o.home = home;
    o.port = port;
    o.heapMb = LocalNodeSettings.DEFAULT_HEAP_MB;
    return o.settings();
  }
}
