package io.callarchive.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.alert.AlertConfig;
import io.callarchive.index.EsConnection;
import io.callarchive.stream.StreamConfig;
import io.callarchive.stream.StreamService;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "stream",
    mixinStandardHelpOptions = true,
    description = {
      "Archive events live from Asterisk (AMI) and FreeSWITCH (event socket) connections, until stopped.",
      "",
      "--config names a YAML file listing the connections (see ingest/stream.yml). Every frame is written to an"
          + " on-disk spool before it is parsed; the spool is released only once Elasticsearch acknowledged what was"
          + " made of it, so a crash or an Elasticsearch outage loses nothing and a restart replays what was not"
          + " acknowledged (deterministic ids: nothing twice). Calls, queue stays and quality documents are written"
          + " while calls run. Connection changes (connected, disconnected, sequence gaps, refused logins) are"
          + " archived as events with event.kind: state.",
      "",
      "Alert rules are evaluated live when a rules file is configured, as for import: --alerts FILE, else"
          + " CALLARCHIVE_ALERTS, else alerts.yml in the callarchive home (--no-alerts: none). They see every"
          + " document Elasticsearch acknowledged and a tick a second; notices go to callarchive-alerts, the log and"
          + " the file's webhooks and mail, which never hold up the stream. The engine's state (windows, open"
          + " alerts) is kept in alerts-state.json of the spool directory, so a restart does not fire again.",
      "",
      "/health (JSON, 200 or 503) and /metrics (Prometheus) are served on the configured HTTP port, 127.0.0.1:9464"
          + " by default. SIGTERM or SIGINT stops reading, writes what was spooled and exits.",
      ""
    })
final class StreamCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", required = true, description = "The stream configuration (YAML).")
  Path config;

  @Mixin AlertsCommand.RulesOptions alerts = new AlertsCommand.RulesOptions();

  @Option(names = "--no-alerts", description = "Do not evaluate alert rules, even when a rules file is configured.")
  boolean noAlerts;

  @Option(names = "--check", description = "Only read and validate the configuration, then exit.")
  boolean check;

  @Option(names = "--templates", paramLabel = "DIR", hidden = true)
  Path templates;

  @Override
  public Integer call() throws Exception {
    Path home = connection.local.settings().home();
    StreamConfig cfg = StreamConfig.load(config, home);
    // Validated before anything connects: a mistake is one sentence naming the rule or notifier.
    AlertConfig rules = noAlerts || alerts.configured(home) == null ? null : alerts.load(home);
    if (check) {
      spec.commandLine().getOut().println("callarchive stream: " + config + " is valid: " + cfg.sources().size() + " source(s)"
          + (rules == null ? "" : "; " + rules.rules().size() + " alert rule(s)"));
      return Main.OK;
    }
    EsConnection conn = connection.connect();
    CountDownLatch stopped = new CountDownLatch(1);
    try (ElasticsearchClient client = conn.client()) {
      StreamService service = new StreamService(cfg, client, templates, Clock.systemUTC());
      if (rules != null) service.alerts(rules);
      Thread hook = new Thread(() -> {
        try {
          service.close();
        } catch (Exception e) {
          org.slf4j.LoggerFactory.getLogger(StreamCommand.class).error("Stopping the stream: {}", e.getMessage());
        } finally {
          stopped.countDown();
        }
      }, "stream-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      service.start();
      stopped.await();
    }
    return Main.OK;
  }
}
