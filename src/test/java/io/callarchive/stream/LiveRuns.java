package io.callarchive.stream;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.stream.ari.AriTestServer;
import io.callarchive.stream.kazoo.Broker;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * The ARI, Kazoo and ccs runs of {@link StreamBench}: {@code callarchive stream} with one source of that kind into
 * the benchmark's node, fed {@code n} events of answered calls ({@link LiveCaptures}) as fast as the peer sends
 * ({@code rate} 0) or at a steady rate; timed from the first event sent to the acknowledgement of the last, and,
 * per frame, from its receipt to Elasticsearch's acknowledgement of everything made of it (the
 * {@code callarchive.stream.acknowledge.latency} timer's input). Not a test.
 */
final class LiveRuns {
  private LiveRuns() {}

  private static final String TOKEN = "bench-token-0123456789abcdef";

  /** What one run measured. */
  record Result(String what, int events, double seconds, long[] latencyMs, int rate) {}

  private interface Sender {
    void send() throws Exception;
  }

  /** Waits until {@code i} events at {@code rate}/s are due since {@code t0} (no wait at rate 0). */
  private static void pace(long t0, long i, int rate) {
    if (rate <= 0) return;
    long due = t0 + i * 1_000_000_000L / rate;
    long wait = due - System.nanoTime();
    if (wait > 0) LockSupport.parkNanos(wait);
  }

  static Result run(ElasticsearchClient es, Path work, String kind, int n, int rate) throws Exception {
    StreamBench.wipe(es);
    Instant base = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    return switch (kind) {
      case "ari" -> ari(es, work, n, rate, base);
      case "kazoo" -> kazoo(es, work, n, rate, base);
      default -> ccs(es, work, n, rate, base);
    };
  }

  private static StreamService service(ElasticsearchClient es, Path work, String entry) throws Exception {
    Path spool = work.resolve("spool-" + System.nanoTime());
    String yaml = StreamFixture.config(spool, 0, 0, "").replace("max_size: 64MiB", "max_size: 4GiB")
        .replace("segment_size: 1MiB", "segment_size: 64MiB").replace("update_every: 300ms", "update_every: 250ms")
        + entry;
    StreamConfig cfg = StreamConfig.parse(yaml, "bench.yml", work, Map.<String, String>of()::get);
    StreamService s = new StreamService(cfg, es, null, Clock.systemUTC());
    s.start();
    return s;
  }

  /** Starts the service, waits for the source to stream, sends, and waits for every event to be acknowledged. */
  private static Result measure(ElasticsearchClient es, Path work, String what, String entry, int n, int rate,
      Sender sender) throws Exception {
    ConcurrentLinkedQueue<Long> ack = new ConcurrentLinkedQueue<>();
    try (StreamService s = service(es, work, entry)) {
      var timer = s.pipeline().acknowledgeLatencyMs;
      s.pipeline().acknowledgeLatencyMs = ms -> {
        timer.accept(ms);
        ack.add(ms);
      };
      String source = s.connections().getFirst().name();
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (s.connections().getFirst().state() != ConnectionStatus.State.STREAMING) {
        if (System.nanoTime() > deadline) throw new IllegalStateException(what + ": the source does not stream");
        Thread.sleep(10);
      }
      long t0 = System.nanoTime();
      sender.send();
      // the spool's records of the source, its "connected" state record included
      long end = System.nanoTime() + Duration.ofMinutes(15).toNanos();
      while (s.pipeline().acknowledged.get(source).sum() < n + 1) {
        if (System.nanoTime() > end) {
          throw new IllegalStateException(what + ": only " + s.pipeline().acknowledged.get(source).sum() + " of "
              + (n + 1) + " records acknowledged after 15 min");
        }
        Thread.sleep(20);
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      System.err.printf(Locale.ROOT, "%s: %,d events acknowledged in %.1f s%n", what, n, secs);
      return new Result(what, n, secs, ack.stream().mapToLong(Long::longValue).sorted().toArray(), rate);
    }
  }

  private static Result ari(ElasticsearchClient es, Path work, int n, int rate, Instant base) throws Exception {
    List<byte[]> events = LiveCaptures.ariCalls(n / LiveCaptures.ARI_EVENTS_PER_CALL + 1, base, Duration.ofMillis(500))
        .subList(0, n);
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch sent = new CountDownLatch(1);
    try (AriTestServer pbx = new AriTestServer("callarchive", "right", null)) {
      pbx.onOpen(ws -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          pace(t0, i, rate);
          ws.send(new String(events.get(i), StandardCharsets.UTF_8));
        }
        sent.countDown();
      });
      String entry = """
            - name: pbx2
              type: ari
              url: ws://127.0.0.1:%d
              user: callarchive
              password: right
          """.formatted(pbx.port());
      return measure(es, work, "ARI websocket", entry, n, rate, go::countDown);
    }
  }

  private static Result kazoo(ElasticsearchClient es, Path work, int n, int rate, Instant base) throws Exception {
    List<LiveCaptures.KazooMessage> messages =
        LiveCaptures.kazooCalls(n / LiveCaptures.KAZOO_EVENTS_PER_CALL + 1, base, Duration.ofMillis(500)).subList(0, n);
    try (Broker broker = new Broker()) {
      broker.declareExchange();
      broker.declareQueue("call.*.*");
      if (rate <= 0) {
        // as fast as the consumer takes them: the queue is filled beforehand, as after an outage
        for (int i = 0; i < n; i++) {
          broker.publishAsync(messages.get(i).routingKey(), messages.get(i).body());
          if (i % 1000 == 999) broker.confirmAll();
        }
        broker.confirmAll();
      }
      String entry = """
            - name: kazoo1
              type: kazoo
              uri: %s
              user: guest
              password: guest
              exchange: %s
              queue: %s
          """.formatted(Broker.URI_, broker.exchange, broker.queue);
      return measure(es, work, "Kazoo AMQP", entry, n, rate, () -> {
        if (rate <= 0) return;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          pace(t0, i, rate);
          broker.publishAsync(messages.get(i).routingKey(), messages.get(i).body());
          if (i % 200 == 199) broker.confirmAll();
        }
        broker.confirmAll();
      });
    }
  }

  private static Result ccs(ElasticsearchClient es, Path work, int n, int rate, Instant base) throws Exception {
    int perPost = 100;
    List<String> all = new ArrayList<>();
    for (int k = 0; all.size() < n; k++) all.addAll(LiveCaptures.ccsCall(k, base.plusMillis(500L * k), "d.example.com"));
    List<byte[]> posts = new ArrayList<>();
    for (int i = 0; i < n; i += perPost) {
      posts.add(("[" + String.join(",", all.subList(i, Math.min(n, i + perPost))) + "]").getBytes(StandardCharsets.UTF_8));
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String entry = """
          - name: ccs1
            type: ccs
            port: %d
            token: %s
            threads: 4
        """.formatted(port, TOKEN);
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create("http://127.0.0.1:" + port + "/ccs/events");
    int clients = rate <= 0 ? 4 : 1;
    return measure(es, work, "ccs webhook", entry, n, rate, () -> {
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        List<Future<?>> fs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
          int first = c;
          fs.add(pool.submit(() -> {
            for (int p = first; p < posts.size(); p += clients) {
              pace(t0, (long) p * perPost, rate);
              HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(posts.get(p))).build(), HttpResponse.BodyHandlers.discarding());
              if (r.statusCode() != 200) throw new IllegalStateException("ccs post answered " + r.statusCode());
            }
            return null;
          }));
        }
        for (Future<?> f : fs) f.get();
      } finally {
        pool.shutdown();
      }
    });
  }

  static String row(String kind, boolean steady, Result r) {
    String how = switch (kind) {
      case "ari" -> "ARI websocket, one connection";
      case "kazoo" -> "Kazoo AMQP, prefetch 300, one ack per message after the spool";
      default -> "ccs webhook, posts of 100 events";
    };
    long[] a = r.latencyMs();
    String lat = a.length == 0 ? "no latency sample" : String.format(Locale.ROOT,
        "receipt → acknowledged: p50 %,d ms, p99 %,d ms, max %,d ms", StreamBench.pct(a, 0.5), StreamBench.pct(a, 0.99),
        a[a.length - 1]);
    if (!steady) {
      String feed = kind.equals("kazoo") ? "from a queue filled beforehand" : kind.equals("ccs") ? "4 clients" : "as fast as the server sends";
      return String.format(Locale.ROOT, "| %s, %s | %,d | %,.0f events/s acknowledged (%s) |", how, feed,
          r.events(), r.events() / r.seconds(), lat);
    }
    return String.format(Locale.ROOT, "| %s, at a steady %,d events/s | %,d | %s; all acknowledged at %,.0f events/s |",
        how, r.rate(), r.events(), lat, r.events() / r.seconds());
  }
}
