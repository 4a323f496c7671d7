package io.callarchive.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
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
      "/health (JSON, 200 or 503) and /metrics (Prometheus) are served on the configured HTTP port, 127.0.0.1:9464"
          + " by default. SIGTERM or SIGINT stops reading, writes what was spooled and exits.",
      ""
    })
final class StreamCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", required = true, description = "The stream configuration (YAML).")
  Path config;

  @Option(names = "--check", description = "Only read and validate the configuration, then exit.")
  boolean check;

  @Option(names = "--templates", paramLabel = "DIR", hidden = true)
  Path templates;

  @Override
  public Integer call() throws Exception {
    StreamConfig cfg = StreamConfig.load(config, connection.local.settings().home());
    if (check) {
      spec.commandLine().getOut().println("callarchive stream: " + config + " is valid: " + cfg.sources().size() + " source(s)");
      return Main.OK;
    }
    EsConnection conn = connection.connect();
    CountDownLatch stopped = new CountDownLatch(1);
    try (ElasticsearchClient client = conn.client()) {
      StreamService service = new StreamService(cfg, client, templates, Clock.systemUTC());
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
