package io.callarchive.stream;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.callarchive.index.Templates;
import io.callarchive.model.IndexDoc;
import io.callarchive.stream.ari.AriConnector;
import io.callarchive.stream.ari.AriSettings;
import io.callarchive.stream.ccs.CcsWebhook;
import io.callarchive.stream.kazoo.KazooConsumer;
import io.callarchive.stream.kazoo.KazooSettings;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code callarchive stream}: the spool, one connector per configured source (a thread each for AMI and
 * FreeSWITCH; the ARI, Kazoo and ccs connectors run their own threads), the pipeline thread, and the HTTP port with {@code /health} (JSON; 200 when every connection streams and Elasticsearch answers, 503
 * otherwise) and {@code /metrics} (Prometheus text format, by Micrometer). Lifecycle: {@link #start}, then
 * {@link #close} (stop reading, let the pipeline write and acknowledge what was spooled, close the spool).
 */
public final class StreamService implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(StreamService.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StreamConfig config;
  private final ElasticsearchClient client;
  private final Clock clock;
  private final Path templates;
  private final List<Connector> connectors = new ArrayList<>();
  /** The ARI, Kazoo and ccs connectors, and the ccs webhooks served on the service's HTTP port. */
  private final List<io.callarchive.stream.connect.Connector> live = new ArrayList<>();
  private final List<CcsWebhook> mounted = new ArrayList<>();
  private final List<ConnectionStatus> statuses = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<Consumer<IndexDoc>> pendingListeners = new ArrayList<>();
  private Spool spool;
  private StreamPipeline pipeline;
  private Thread pipelineThread;
  private HttpServer http;
  private ScheduledExecutorService timer;
  private Backoff.Sleeper sleeper = Backoff.Sleeper.REAL;
  private io.callarchive.alert.AlertConfig alertRules;
  private io.callarchive.alert.LiveAlerts alerts;

  public StreamService(StreamConfig config, ElasticsearchClient client, Path templates, Clock clock) {
    this.config = config;
    this.client = client;
    this.templates = templates;
    this.clock = clock;
  }

  /** Adds a document listener (the alert engine); call before {@link #start}. */
  public void addListener(Consumer<IndexDoc> listener) {
    pendingListeners.add(listener);
  }

  /**
   * Evaluates these alert rules live (call before {@link #start}): over every document Elasticsearch
   * acknowledged, on a thread of their own, with their state in {@code alerts-state.json} of the spool directory.
   */
  public void alerts(io.callarchive.alert.AlertConfig rules) {
    this.alertRules = rules;
  }

  /** The live alerts, or null when no rules were given. */
  public io.callarchive.alert.LiveAlerts liveAlerts() {
    return alerts;
  }

  public void start() throws IOException {
    new Templates(templates).install(client);
    spool = new Spool(config.spool(), clock);
    pipeline = new StreamPipeline(spool, client, config.sources(), config.correlation(), clock);
    pipeline.listeners.addAll(pendingListeners);
    if (alertRules != null) alerts = StreamAlerts.start(alertRules, config, pipeline, clock);
    timer = Executors.newScheduledThreadPool(1, r -> Thread.ofPlatform().daemon().name("stream-keepalive").unstarted(r));
    for (StreamConfig.Source s : config.sources()) connector(s);
    metrics();
    latency();
    http = HttpServer.create(new InetSocketAddress(config.http().host(), config.http().port()), 16);
    http.createContext("/health", this::health);
    http.createContext("/metrics", this::metricsPage);
    int httpThreads = 1;
    for (CcsWebhook w : mounted) {
      StreamConfig.CcsSource c = (StreamConfig.CcsSource) source(w.name()).settings();
      http.createContext(c.webhook().path(), w::handle);
      httpThreads += c.webhook().threads();
    }
    http.setExecutor(httpThreads == 1
        ? Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("stream-http").unstarted(r))
        : Executors.newFixedThreadPool(httpThreads, r -> Thread.ofPlatform().daemon().name("stream-http").unstarted(r)));
    http.start();
    pipeline.probe(Duration.ofSeconds(2));
    pipelineThread = Thread.ofPlatform().name("stream-pipeline").start(pipeline);
    for (Connector c : connectors) {
      threads.add(Thread.ofPlatform().daemon().name("stream-" + c.status().name()).start(c));
    }
    for (io.callarchive.stream.connect.Connector c : live) c.start();
    for (CcsWebhook w : mounted) w.attached(config.http().host() + ":" + port());
    log.info("Streaming from {} source(s); health and metrics on http://{}:{}/", statuses.size(),
        config.http().host(), port());
  }

  /**
   * The one place a configured source becomes its connector, with the spool as its sink. The ARI, Kazoo and ccs
   * connectors report through a {@link StatusSink}, so their state and counts are in {@link #connections}.
   */
  private void connector(StreamConfig.Source s) {
    if (s.settings() == null) {
      Backoff backoff = new Backoff(s.reconnect(), new Random());
      Connector c = s.type().equals("ami")
          ? new AmiConnector(s, spool, clock, backoff, sleeper, timer)
          : new EslConnector(s, spool, clock, backoff, sleeper, timer);
      connectors.add(c);
      statuses.add(c.status());
      return;
    }
    ConnectionStatus status = new ConnectionStatus(s.name(), s.type());
    FrameSink sink = new StatusSink(spool, status, clock);
    statuses.add(status);
    switch (s.settings()) {
      case AriSettings a -> live.add(new AriConnector(a, sink,
          io.callarchive.stream.connect.Backoff.of(a.reconnectMin(), a.reconnectMax()), clock));
      case KazooSettings k -> live.add(new KazooConsumer(k, sink,
          io.callarchive.stream.connect.Backoff.of(k.reconnectMin(), k.reconnectMax()), clock));
      case StreamConfig.CcsSource c -> {
        CcsWebhook w = new CcsWebhook(c.webhook(), sink, clock);
        if (c.onServicePort()) mounted.add(w);
        else live.add(w);
      }
      default -> throw new IllegalStateException("no connector for " + s);
    }
  }

  private StreamConfig.Source source(String name) {
    return config.sources().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
  }

  /** The HTTP port actually bound (the configured one, or the one chosen for port 0). */
  public int port() {
    return http.getAddress().getPort();
  }

  public StreamPipeline pipeline() {
    return pipeline;
  }

  public Spool spool() {
    return spool;
  }

  public List<ConnectionStatus> connections() {
    return List.copyOf(statuses);
  }

  /** The health document, and whether all is well. */
  public Map<String, Object> health() {
    Map<String, Object> h = new LinkedHashMap<>();
    boolean ok = pipeline.elasticsearchOk();
    List<Map<String, Object>> conns = new ArrayList<>();
    for (ConnectionStatus s : connections()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("name", s.name());
      c.put("type", s.type());
      c.put("state", s.state().name().toLowerCase());
      c.put("since", s.since().toString());
      if (!s.detail().isEmpty()) c.put("detail", s.detail());
      c.put("last_event", s.lastEvent() == null ? null : s.lastEvent().toString());
      c.put("frames", s.frames.sum());
      c.put("spool_overflow_frames", s.overflowFrames.sum());
      conns.add(c);
      ok &= s.state() == ConnectionStatus.State.STREAMING;
    }
    ok &= spool.overflowFrames.sum() == 0 || spool.bytes() < config.spool().maxBytes();
    h.put("status", ok ? "ok" : "degraded");
    h.put("elasticsearch_reachable", pipeline.elasticsearchOk());
    h.put("connections", conns);
    Map<String, Object> sp = new LinkedHashMap<>();
    sp.put("bytes", spool.bytes());
    sp.put("max_bytes", config.spool().maxBytes());
    sp.put("records_unacknowledged", spool.pendingRecords());
    Instant oldest = pipeline.oldestUnacknowledged();
    sp.put("oldest_unacknowledged_s", oldest == null ? 0 : Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
    h.put("spool", sp);
    h.put("open_calls", pipeline.openCalls());
    h.put("ok", ok);
    return h;
  }

  private void health(HttpExchange ex) throws IOException {
    Map<String, Object> h = health();
    byte[] body = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(h);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(Boolean.TRUE.equals(h.get("ok")) ? 200 : 503, body.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(body);
    }
  }

  private void metricsPage(HttpExchange ex) throws IOException {
    byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    ex.sendResponseHeaders(200, body.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(body);
    }
  }

  private void metrics() {
    for (ConnectionStatus s : statuses) {
      String n = s.name();
      counter("callarchive.stream.frames.received", "frames read from the PBX", n, s.frames);
      counter("callarchive.stream.reconnects", "reconnections after a lost connection", n, s.reconnects);
      counter("callarchive.stream.auth.failures", "logins refused by the PBX", n, s.authFailures);
      counter("callarchive.stream.spool.overflow.frames", "frames dropped because the spool was full", n, s.overflowFrames);
      counter("callarchive.stream.sequence.gaps", "jumps of FreeSWITCH Event-Sequence", n, s.sequenceGaps);
      LongAdder acked = pipeline.acknowledged.get(n);
      counter("callarchive.stream.records.acknowledged", "spool records whose documents Elasticsearch acknowledged", n, acked);
      Gauge.builder("callarchive.stream.connected", s, x -> x.state() == ConnectionStatus.State.STREAMING ? 1 : 0)
          .description("1 while the connection is logged in and streaming").tag("source", n).register(registry);
    }
    FunctionCounter.builder("callarchive.stream.deadlettered", pipeline.deadLettered, LongAdder::sum)
        .description("documents sent to the dead-letter index").register(registry);
    FunctionCounter.builder("callarchive.stream.events.indexed", pipeline, p -> p.indexer().indexed.sum())
        .description("documents Elasticsearch created").register(registry);
    FunctionCounter.builder("callarchive.stream.events.already.present", pipeline, p -> p.indexer().alreadyPresent.sum())
        .description("documents found already indexed (replays)").register(registry);
    FunctionCounter.builder("callarchive.stream.bulk.retries", pipeline, p -> p.indexer().retries.sum())
        .description("bulk operations retried").register(registry);
    FunctionCounter.builder("callarchive.stream.rewinds", pipeline.rewinds, LongAdder::sum)
        .description("times the pipeline read the spool again after Elasticsearch failed").register(registry);
    Gauge.builder("callarchive.stream.spool.bytes", spool, Spool::bytes).description("bytes held by the spool").register(registry);
    Gauge.builder("callarchive.stream.spool.records", spool, Spool::pendingRecords)
        .description("spool records not yet acknowledged").register(registry);
    Gauge.builder("callarchive.stream.spool.max.bytes", config.spool(), Spool.Settings::maxBytes)
        .description("the spool's size bound").register(registry);
    FunctionCounter.builder("callarchive.stream.spool.torn.records", spool.tornRecords, LongAdder::sum)
        .description("torn records dropped when the spool was opened").register(registry);
    Gauge.builder("callarchive.stream.oldest.unacknowledged.seconds", pipeline, p -> {
      Instant o = p.oldestUnacknowledged();
      return o == null ? 0 : Duration.between(o, clock.instant()).toMillis() / 1000.0;
    }).description("age of the oldest record read and not yet acknowledged").register(registry);
    Gauge.builder("callarchive.stream.open.calls", pipeline, StreamPipeline::openCalls)
        .description("call sessions held open by the correlator").register(registry);
    if (alerts != null) {
      FunctionCounter.builder("callarchive.stream.alerts.fired", alerts.engine().fired, LongAdder::sum)
          .description("alerts that fired (first notices)").register(registry);
      FunctionCounter.builder("callarchive.stream.alerts.late", alerts.engine().late, LongAdder::sum)
          .description("documents too late for their rules' windows").register(registry);
      FunctionCounter.builder("callarchive.stream.alerts.dropped", alerts.dropped, LongAdder::sum)
          .description("documents not evaluated because the alert engine was behind").register(registry);
    }
    Gauge.builder("callarchive.stream.elasticsearch.reachable", pipeline, p -> p.elasticsearchOk() ? 1 : 0)
        .description("1 while Elasticsearch accepts writes").register(registry);
  }

  private void latency() {
    io.micrometer.core.instrument.Timer t = io.micrometer.core.instrument.Timer.builder("callarchive.stream.acknowledge.latency")
        .description("from a frame's receipt to Elasticsearch acknowledging everything made of it")
        .publishPercentiles(0.5, 0.99)
        .distributionStatisticExpiry(Duration.ofMinutes(1))
        .register(registry);
    pipeline.acknowledgeLatencyMs = ms -> t.record(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private void counter(String name, String help, String source, LongAdder a) {
    FunctionCounter.builder(name, a, LongAdder::sum).description(help).tag("source", source).register(registry);
  }

  /** Stops reading, lets the pipeline write what was spooled, and closes everything. */
  @Override
  public void close() throws IOException {
    // ARI, Kazoo and ccs first: each waits for the frame in hand to reach the spool (a Kazoo message is then
    // acknowledged, a post answered), and what they had not taken stays with the peer
    for (io.callarchive.stream.connect.Connector c : live) closeQuietly(c);
    for (CcsWebhook w : mounted) closeQuietly(w);
    for (Connector c : connectors) c.stop();
    // Not interrupted: an interrupt during a spool write would close the spool's file channel. A connector in
    // its backoff sleep is a daemon thread and is left to end with the process.
    for (Thread t : threads) join(t, Duration.ofSeconds(2));
    if (pipeline != null) {
      pipeline.stop();
      join(pipelineThread, Duration.ofSeconds(60));
    }
    if (http != null) http.stop(0);
    if (timer != null) timer.shutdownNow();
    // Before the indexer closes: the last notices go through it.
    if (alerts != null) alerts.close(Duration.ofSeconds(10));
    if (pipeline != null) pipeline.close(Duration.ofSeconds(10));
    if (spool != null) spool.close();
    registry.close();
    log.info("Stream stopped{}", pipeline != null && pipeline.drained() ? "; everything read was acknowledged" : "");
  }

  private static void closeQuietly(io.callarchive.stream.connect.Connector c) {
    try {
      c.close();
    } catch (RuntimeException e) {
      log.warn("{}: stopping the connector: {}", c.name(), e.getMessage());
    }
  }

  private static void join(Thread t, Duration max) {
    if (t == null) return;
    try {
      t.join(max);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
