package io.callarchive.cli;

import io.callarchive.localnode.LocalNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "es",
    mixinStandardHelpOptions = true,
    description = {
      "Manage the local Elasticsearch node used when no --es-url is given.",
      "",
      "The node is the official minimal " + LocalNodeOptions.ES_VERSION + " distribution, resolved by Maven,"
          + " unpacked under the callarchive home with its data and logs; it listens on 127.0.0.1 only, without"
          + " security. Run as root, callarchive runs the node as the unprivileged system user 'callarchive'"
          + " (created once), because Elasticsearch refuses to run as root.",
      ""
    },
    subcommands = {EsCommand.Start.class, EsCommand.Stop.class, EsCommand.Status.class})
final class EsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Start the local node and wait until it is usable. A no-op when it already runs.")
  static final class Start implements Callable<Integer> {
    @Mixin LocalNodeOptions local = new LocalNodeOptions();
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      LocalNode node = new LocalNode(local.settings());
      boolean started = node.start();
      spec.commandLine().getOut().println(
          (started ? "started: " : "already running: ") + node.settings().url() + " (pid "
              + node.runningPid().orElse(-1L) + ", home " + node.settings().home() + ")");
      return Main.OK;
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = "Stop the local node cleanly and wait until its process is gone.")
  static final class Stop implements Callable<Integer> {
    @Mixin NodeAddressOptions local = new NodeAddressOptions();
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      LocalNode node = new LocalNode(local.settings());
      boolean stopped = node.stop();
      spec.commandLine().getOut().println(stopped ? "stopped" : "not running");
      return Main.OK;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Say whether the local node runs, on which port, and the cluster health. Exit 0 when running, 3 when not.")
  static final class Status implements Callable<Integer> {
    @Mixin NodeAddressOptions local = new NodeAddressOptions();
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      LocalNode node = new LocalNode(local.settings());
      LocalNode.Status s = node.status();
      var out = spec.commandLine().getOut();
      if (s.running() && s.probe().answering()) {
        out.printf("running: %s (pid %d, Elasticsearch %s, health %s, home %s)%n",
            node.settings().url(), s.pid(), s.probe().version(), s.health(), node.settings().home());
        return Main.OK;
      }
      if (s.running()) {
        out.printf("not answering: the node's process %d is alive but nothing answers on %s (starting up, or"
            + " another port? see %s)%n", s.pid(), node.settings().url(), node.settings().logsDir());
        return 3;
      }
      if (s.probe().answering()) {
        out.printf("not running; but another Elasticsearch (cluster '%s', %s) answers on %s%n",
            s.probe().clusterName(), s.probe().version(), node.settings().url());
      } else {
        out.printf("stopped (home %s, port %d)%n", node.settings().home(), node.settings().port());
      }
      return 3;
    }
  }
}
