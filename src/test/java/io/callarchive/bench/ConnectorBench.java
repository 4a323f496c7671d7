package io.callarchive.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.callarchive.stream.FrameSink;
import io.callarchive.stream.ari.AriConnector;
import io.callarchive.stream.ari.AriSettings;
import io.callarchive.stream.ari.AriTestServer;
import io.callarchive.stream.ccs.CcsWebhook;
import io.callarchive.stream.ccs.CcsWebhookSettings;
import io.callarchive.stream.connect.Backoff;
import io.callarchive.stream.kazoo.KazooConsumer;
import io.callarchive.stream.kazoo.KazooSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sustained frames per second of each live connector into a sink that only counts (so the connector and its
 * protocol are measured, not the spool): ARI messages from a loopback websocket server sending as fast as it can,
 * Kazoo messages consumed from a pre-filled queue of the local RabbitMQ with one manual ack each, and webhook
 * posts of 100 ccs events from 4 client threads. Not a test: run with bench/run-connectors.
 *
 * <p>Arguments: {@code [ari|kazoo|ccs|all] [events]}.
 */
public final class ConnectorBench {

  /** Counts frames and bytes; {@link #await} waits for a count. */
  static final class CountingSink implements FrameSink {
    final AtomicLong frames = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    volatile long firstNanos;

    @Override
    public void frame(String connection, byte[] b) {
      if (frames.getAndIncrement() == 0) firstNanos = System.nanoTime();
      bytes.addAndGet(b.length);
    }

    @Override
    public void state(String connection, String state, String detail) {}

    void await(long n, Duration timeout) throws InterruptedException {
      long end = System.nanoTime() + timeout.toNanos();
      while (frames.get() < n) {
        if (System.nanoTime() > end) throw new IllegalStateException("only " + frames.get() + " of " + n + " frames");
        Thread.sleep(1);
      }
    }
  }

  public static void main(String[] args) throws Exception {
    String which = args.length > 0 ? args[0] : "all";
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    System.out.println("| connector | frames | seconds | frames/s | MiB/s |");
    System.out.println("|---|---|---|---|---|");
    if (which.equals("all") || which.equals("ari")) ari(events);
    if (which.equals("all") || which.equals("kazoo")) kazoo(events / 4);
    if (which.equals("all") || which.equals("ccs")) ccs(events);
  }

  private static void row(String name, long frames, long bytes, long nanos) {
    double s = nanos / 1e9;
    System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.0f | %.1f |%n", name, frames, s, frames / s,
        bytes / s / (1 << 20));
  }

  private static List<String> ariEvents() throws IOException {
    Path p = Path.of("src/test/resources/stream/ari/events.jsonl");
    return Files.readAllLines(p, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
  }

  static void ari(int n) throws Exception {
    List<String> lines = ariEvents();
    CountingSink sink = new CountingSink();
    try (AriTestServer srv = new AriTestServer("u", "p", null)) {
      srv.onOpen(ws -> {
        for (int i = 0; i < n; i++) ws.send(lines.get(i % lines.size()));
      });
      AriSettings s = new AriSettings("bench", URI.create("ws://127.0.0.1:" + srv.port()), "bench", true, "u", "p",
          AriSettings.Auth.BASIC, null, Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(10),
          Duration.ofSeconds(1), Duration.ofSeconds(5), AriSettings.DEFAULT_MAX_MESSAGE);
      try (AriConnector c = new AriConnector(s, sink, Backoff.standard(), Clock.systemUTC())) {
        c.start();
        sink.await(n, Duration.ofMinutes(10));
        row("ARI websocket (1 connection)", n, sink.bytes.get(), System.nanoTime() - sink.firstNanos);
      }
    }
  }

  static void kazoo(int n) throws Exception {
    String exchange = "callevt-bench-" + UUID.randomUUID().toString().substring(0, 8);
    String queue = "callarchive-bench-" + UUID.randomUUID().toString().substring(0, 8);
    ConnectionFactory f = new ConnectionFactory();
    f.setUri("amqp://127.0.0.1:5672");
    byte[] body = Files.readAllBytes(Path.of("src/test/resources/stream/kazoo/channel_create.json"));
    try (Connection pc = f.newConnection("bench publisher"); Channel ch = pc.createChannel()) {
      ch.exchangeDeclare(exchange, "topic", false, false, null);
      ch.queueDeclare(queue, true, false, false, null);
      ch.queueBind(queue, exchange, "call.*.*");
      ch.confirmSelect();
      AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json")
          .deliveryMode(2).build();
      for (int i = 0; i < n; i++) {
        ch.basicPublish(exchange, "call.CHANNEL_CREATE.leg-" + i, props, body);
        if (i % 1000 == 999) ch.waitForConfirmsOrDie(60_000);
      }
      ch.waitForConfirmsOrDie(60_000);
      CountingSink sink = new CountingSink();
      KazooSettings s = new KazooSettings("bench", URI.create("amqp://127.0.0.1:5672"), null, null, null, exchange,
          false, queue, List.of("call.*.*"), 300, Duration.ofSeconds(30), Duration.ofSeconds(10),
          Duration.ofSeconds(1), Duration.ofSeconds(5), KazooSettings.DEFAULT_MAX_MESSAGE);
      try (KazooConsumer c = new KazooConsumer(s, sink, Backoff.standard(), Clock.systemUTC())) {
        c.start();
        sink.await(n, Duration.ofMinutes(10));
        row("Kazoo AMQP (prefetch 300, ack each)", n, sink.bytes.get(), System.nanoTime() - sink.firstNanos);
      } finally {
        ch.queueDelete(queue);
        ch.exchangeDelete(exchange);
      }
    }
  }

  static void ccs(int n) throws Exception {
    int perPost = 100;
    int posts = n / perPost;
    int threads = 4;
    StringBuilder b = new StringBuilder("[");
    for (int k = 0; k < perPost; k++) {
      if (k > 0) b.append(',');
      b.append("{\"class\":\"ccsevents\",\"type\":\"call_set_state\",\"id\":\"ev-").append(k)
          .append("\",\"ts\":\"2026-11-22T10:00:01.250Z\",\"domain\":\"sales.example.com\",\"data\":{\"call_id\":\"c-")
          .append(k).append("\",\"seance_id\":\"s-1\",\"state\":\"ringing\",\"direction\":\"in\"}}");
    }
    byte[] body = b.append(']').toString().getBytes(StandardCharsets.UTF_8);
    CountingSink sink = new CountingSink();
    String token = "bench-token-0123456789abcdef";
    CcsWebhookSettings s = new CcsWebhookSettings("bench", "127.0.0.1", 0, "/ccs/events", token, null, null,
        CcsWebhookSettings.DEFAULT_MAX_BODY, threads);
    try (CcsWebhook w = new CcsWebhook(s, sink, Clock.systemUTC())) {
      w.start();
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + w.port() + "/ccs/events"))
          .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      long start = System.nanoTime();
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        fs.add(pool.submit(() -> {
          for (int p = 0; p < posts / threads; p++) {
            HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) throw new IllegalStateException("status " + r.statusCode());
          }
          return null;
        }));
      }
      for (Future<?> fu : fs) fu.get();
      long nanos = System.nanoTime() - start;
      pool.shutdown();
      long frames = sink.frames.get();
      row("ccs webhook (posts of 100, 4 clients)", frames, sink.bytes.get(), nanos);
      System.out.printf(Locale.ROOT, "(ccs: %.0f posts/s)%n", (posts / threads * threads) / (nanos / 1e9));
    }
  }
}
