package io.callarchive.stream;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.index.EsConnection;
import io.callarchive.localnode.LocalNode;
import io.callarchive.localnode.LocalNodeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The stream benchmark (issues 11 and 12; not a test): a loopback AMI server and a loopback event socket feed
 * {@code callarchive stream} into a local node, (1) as fast as the server can write, one connection at a time,
 * for the sustained events/s with spool and acknowledgement on, and (2) at a steady rate, for the latency from
 * a frame's receipt to the acknowledgement of its documents, and to searchable. The same two runs for the ARI
 * websocket (the loopback ARI server), Kazoo (the local RabbitMQ, manual ack) and the ccs webhook (posts of 100
 * events). Prints a Markdown table.
 *   bench/stream [--events N] [--rate R] [--seconds S] [--port P] [--only ami,esl,ari,kazoo,ccs]
 */
public final class StreamBench {
  public static void main(String[] args) throws Exception {
    int events = Integer.parseInt(arg(args, "--events", "100000"));
    int rate = Integer.parseInt(arg(args, "--rate", "2000"));
    int seconds = Integer.parseInt(arg(args, "--seconds", "30"));
    int port = Integer.parseInt(arg(args, "--port", "9283"));
    Path work = Path.of(arg(args, "--work", "target/bench-stream")).toAbsolutePath();
    List<String> only = List.of(arg(args, "--only", "ami,esl,ari,kazoo,ccs").split(","));
    Path dist = Path.of(arg(args, "--es-dist", "target/elasticsearch-dist/elasticsearch-9.2.0.zip")).toAbsolutePath();
    LocalNode node = new LocalNode(new LocalNodeSettings(work.resolve("es-home"), dist, port, 1024,
        Path.of(System.getProperty("java.home")), LocalNodeSettings.DEFAULT_USER, Duration.ofMinutes(4)));
    node.start();
    List<String> rows = new ArrayList<>();
    try (ElasticsearchClient es = EsConnection.plain(node.settings().url()).client()) {
      Instant base = Instant.now().minus(20, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
      if (only.contains("ami")) {
        List<byte[]> ami = Captures.amiCalls(events / Captures.AMI_EVENTS_PER_CALL, base, 500, 1);
        rows.add(throughput(es, work, "AMI", ami, true));
      }
      if (only.contains("esl")) {
        List<byte[]> esl = Captures.eslCalls(events / Captures.ESL_EVENTS_PER_CALL, base.plus(5, ChronoUnit.DAYS), 500, 1);
        rows.add(throughput(es, work, "ESL (json)", esl, false));
      }
      if (only.contains("ami")) rows.add(latency(es, work, rate, seconds, base.plus(10, ChronoUnit.DAYS)));
      for (String live : List.of("ari", "kazoo", "ccs")) {
        if (!only.contains(live)) continue;
        rows.add(LiveRuns.row(live, false, LiveRuns.run(es, work, live, events, 0)));
        rows.add(LiveRuns.row(live, true, LiveRuns.run(es, work, live, rate * seconds, rate)));
      }
    } finally {
      node.stop();
    }
    System.out.println("| run | events | result |");
    System.out.println("|---|---|---|");
    rows.forEach(System.out::println);
  }

  private static StreamService service(ElasticsearchClient es, Path work, int amiPort, int eslPort) throws Exception {
    Path spool = work.resolve("spool-" + System.nanoTime());
    String yaml = StreamFixture.config(spool, amiPort, eslPort, "").replace("max_size: 64MiB", "max_size: 4GiB")
        .replace("segment_size: 1MiB", "segment_size: 64MiB").replace("update_every: 300ms", "update_every: 250ms");
    StreamConfig cfg = StreamConfig.parse(yaml, "bench.yml", work, Map.<String, String>of()::get);
    StreamService s = new StreamService(cfg, es, null, Clock.systemUTC());
    s.start();
    return s;
  }

  static void wipe(ElasticsearchClient es) throws Exception {
    es.indices().delete(r -> r.index("callarchive-*").allowNoIndices(true)
        .expandWildcards(co.elastic.clients.elasticsearch._types.ExpandWildcard.All));
  }

  private static long acknowledged(StreamService s, String source) {
    return s.pipeline().acknowledged.get(source).sum();
  }

  private static String throughput(ElasticsearchClient es, Path work, String what, List<byte[]> frames, boolean ami)
      throws Exception {
    wipe(es);
    try (LoopbackServer server = ami ? new LoopbackServer.Ami("callarchive", "right", 1) : new LoopbackServer.Esl("ClueCon", 1)) {
      server.split = false;
      server.sendUpTo = 0;
      server.frames.addAll(frames);
      try (StreamService s = ami ? service(es, work, server.port(), 0) : service(es, work, 0, server.port())) {
        String src = ami ? "pbx1" : "fs1";
        while (s.connections().getFirst().state() != ConnectionStatus.State.STREAMING) Thread.sleep(10);
        long t0 = System.nanoTime();
        server.sendUpTo = Integer.MAX_VALUE;
        long sentAt = 0;
        long maxBehind = 0;
        while (acknowledged(s, src) < frames.size()) {
          if (sentAt == 0 && server.allSent()) sentAt = System.nanoTime();
          maxBehind = Math.max(maxBehind, s.spool().pendingRecords());
          Thread.sleep(20);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        double readSecs = (sentAt - t0) / 1e9;
        System.err.printf("%s: %,d events acknowledged in %.1f s%n", what, frames.size(), secs);
        return String.format("| %s, one connection, as fast as the server writes | %,d | %,.0f events/s acknowledged"
            + " (read from the socket into the spool: %,.0f events/s; most records waiting in the spool: %,d; "
            + "longest blocked server write: %d ms; overflow: %d) |",
            what, frames.size(), frames.size() / secs, frames.size() / readSecs, maxBehind,
            server.maxStallNanos.get() / 1_000_000, s.spool().overflowFrames.sum());
      }
    }
  }

  private static String latency(ElasticsearchClient es, Path work, int rate, int seconds, Instant base) throws Exception {
    wipe(es);
    int n = rate * seconds;
    List<byte[]> frames = Captures.amiCalls(n / Captures.AMI_EVENTS_PER_CALL + 1, base, 500, 1);
    ConcurrentLinkedQueue<Long> ack = new ConcurrentLinkedQueue<>();
    List<Long> searchable = new ArrayList<>();
    try (LoopbackServer.Ami server = new LoopbackServer.Ami("callarchive", "right", 2)) {
      server.split = false;
      server.rate = rate;
      server.sendUpTo = 0;
      server.frames.addAll(frames.subList(0, n));
      try (StreamService s = service(es, work, server.port(), 0)) {
        var timer = s.pipeline().acknowledgeLatencyMs;
        s.pipeline().acknowledgeLatencyMs = ms -> {
          timer.accept(ms);
          ack.add(ms);
        };
        while (s.connections().getFirst().state() != ConnectionStatus.State.STREAMING) Thread.sleep(10);
        server.sendUpTo = Integer.MAX_VALUE;
        // To searchable: at a probe, the number of frames sent; then the time until a count (no refresh of ours)
        // sees them all.
        while (!server.allSent()) {
          Thread.sleep(1000);
          long probe = System.nanoTime();
          int sent = server.next.get();
          while (es.count(c -> c.index("callarchive-events").ignoreUnavailable(true)).count() < sent) Thread.sleep(10);
          searchable.add((System.nanoTime() - probe) / 1_000_000);
        }
        while (acknowledged(s, "pbx1") < n) Thread.sleep(20);
      }
    }
    long[] a = ack.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] q = searchable.stream().mapToLong(Long::longValue).sorted().toArray();
    return String.format("| AMI at a steady %,d events/s for %d s | %,d | receipt → acknowledged: p50 %d ms, p99 %d ms,"
        + " max %d ms; → searchable (refresh included, %d probes): p50 %d ms, max %d ms |",
        rate, seconds, n, pct(a, 0.5), pct(a, 0.99), a[a.length - 1], q.length, pct(q, 0.5), q[q.length - 1]);
  }

  static long pct(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
  }

  private static String arg(String[] args, String name, String dflt) {
    int i = Arrays.asList(args).indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
  }

}
