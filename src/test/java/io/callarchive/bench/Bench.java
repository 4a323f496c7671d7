package io.callarchive.bench;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.batch.BatchImport;
import io.callarchive.batch.JobDatabase;
import io.callarchive.batch.Progress;
import io.callarchive.enrich.Enrichers;
import io.callarchive.imports.ImportOptions;
import io.callarchive.imports.ImportSummary;
import io.callarchive.index.EsConnection;
import io.callarchive.index.Templates;
import io.callarchive.localnode.LocalNode;
import io.callarchive.localnode.LocalNodeSettings;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.Parsed;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.EventReader;
import io.callarchive.parse.Formats;
import io.callarchive.pipeline.DocIds;
import io.callarchive.pipeline.DocSink;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.SourceContext;
import io.callarchive.source.FileInputs;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The import benchmark of issue 6: generate a day of traffic (AMI capture of the given size plus Kazoo AMQP
 * JSON lines), import it into a local node with the batch job, then measure the node's raw ceiling in the same
 * run: the same documents, pre-serialised into {@code _bulk} bodies before the clock starts, sent with plain
 * HTTP requests at the same concurrency and batch size as the importer. Prints a Markdown report. Run it with
 * {@code bench/run} (which caps this JVM's heap at 512 MiB, the target).
 */
public final class Bench {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    long mb = Long.parseLong(arg(args, "--mb", "100"));
    int files = Integer.parseInt(arg(args, "--files", "1"));
    int port = Integer.parseInt(arg(args, "--port", "9281"));
    Path work = Path.of(arg(args, "--work", "target/bench")).toAbsolutePath();
    Path dist = Path.of(arg(args, "--es-dist", "target/elasticsearch-dist/elasticsearch-9.2.0.zip")).toAbsolutePath();
    int batch = Integer.parseInt(arg(args, "--chunk-size", "2000"));
    // --formats ami,freeswitch,kazoo (default, a day's mix) or one of them alone, for the ratio per format
    List<String> formats = List.of(arg(args, "--formats", "ami,freeswitch,kazoo").split(","));
    for (String f : formats) {
      if (!List.of("ami", "freeswitch", "kazoo").contains(f)) throw new IllegalArgumentException("--formats: unknown " + f);
    }
    boolean mix = formats.size() == 3;
    // --traffic corpus (default): the corpus's own complete calls replicated (CorpusCalls); spec: the calls
    // generated from event-sources.md (it/Traffic), for a checkout without the corpus beside it
    String traffic = arg(args, "--traffic", "corpus");
    if (!List.of("corpus", "spec").contains(traffic)) throw new IllegalArgumentException("--traffic: corpus or spec");
    Path corpus = Path.of(arg(args, "--corpus", "../shared/corpus")).toAbsolutePath().normalize();
    Path data = Files.createDirectories(work.resolve("data-" + traffic + "-" + mb + "m-" + files
        + (mix ? "" : "-" + String.join("-", formats))));

    // A day of realistic traffic (25+ events per call, as a PBX emits them): 70 % AMI, 20 % FreeSWITCH, 10 %
    // Kazoo, each format cut into --files rotated files; a format measured alone gets all of --mb.
    long t = System.nanoTime();
    List<Path> inputs = new ArrayList<>();
    long calls = 0;
    long total = mb << 20;
    // a new call every `gap` seconds; corpus copies start on whole seconds (their Uniqueids carry the second)
    record Share(String format, String file, double share, String header, double specGap, double corpusGap) {}
    List<Share> plan = List.of(
        new Share("ami", "ami.log", 0.7, "Asterisk Call Manager/9.0.0\r\n", 0.9, 1),
        new Share("freeswitch", "freeswitch.log", 0.2, null, 3, 2),
        new Share("kazoo", "kazoo.jsonl", 0.1, null, 3, 1));
    if (traffic.equals("corpus") && !Files.isDirectory(corpus)) {
      throw new IllegalArgumentException("no corpus at " + corpus + ": pass --corpus DIR, or --traffic spec");
    }
    StringBuilder perCall = new StringBuilder();
    for (Share f : plan) {
      if (!formats.contains(f.format())) continue;
      long bytes = (long) (total * (mix ? f.share() : 1.0 / formats.size()));
      if (traffic.equals("corpus")) {
        CorpusCalls c = CorpusCalls.load(corpus, f.format());
        calls += generate(data, f.file(), files, bytes, f.header(), c, f.corpusGap(), inputs);
        perCall.append(String.format(Locale.ROOT, "%s%s %.1f events per call (%d corpus calls)",
            perCall.isEmpty() ? "" : ", ", f.format(), c.eventsPerCall(), c.templates()));
      } else {
        io.callarchive.it.Traffic.Calls gen = switch (f.format()) {
          case "ami" -> io.callarchive.it.Traffic::ami;
          case "freeswitch" -> io.callarchive.it.Traffic::freeswitch;
          default -> io.callarchive.it.Traffic::kazoo;
        };
        calls += generate(data, f.file(), files, bytes, f.header(), gen, f.specGap(), inputs);
      }
    }
    String shape = traffic.equals("corpus") ? "the corpus's calls replicated: " + perCall : "generated from the spec";
    System.err.printf("data ready in %.0f s: %s%n", (System.nanoTime() - t) / 1e9, data);

    LocalNode node = new LocalNode(new LocalNodeSettings(
        work.resolve("es-home"), dist, port, 1024, Path.of(System.getProperty("java.home")),
        LocalNodeSettings.DEFAULT_USER, Duration.ofMinutes(4)));
    node.start();
    long nodePid = node.runningPid().orElseThrow();
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    try (ElasticsearchClient es = EsConnection.plain(node.settings().url()).client()) {
      // parse + normalise + enrich + serialise alone, one thread, no Elasticsearch: the importer's floor
      long cpu0 = os.getProcessCpuTime();
      long serStart = System.nanoTime();
      long[] alone = serialiseOnly(inputs);
      double serSecs = (System.nanoTime() - serStart) / 1e9;
      double serCpu = (os.getProcessCpuTime() - cpu0) / 1e9;

      // The import, as an operator runs it (fresh job history so everything is read).
      wipe(es);
      Measured first = importOnce(es, inputs, work, batch, os, nodePid, null);
      ImportSummary s = first.summary();
      double importCpu = first.cpu();
      double nodeImportCpu = first.nodeCpu();
      double importSecs = first.secs();
      System.err.printf("import: %d events, %d files in %.1f s%n", s.eventsRead(), inputs.size(), importSecs);

      // The fair ceiling: every document the import produced, read back (same indices and ids), the indices
      // emptied, and the same documents sent as pre-serialised _bulk bodies at the importer's concurrency.
      es.indices().refresh(r -> r.index("callarchive-*"));
      List<Path> bodies = readBack(es, work.resolve("bulk"), batch / 2);
      long produced = countLines(bodies) / 2;
      wipe(es);
      new Templates(null).install(es);
      long nodeCpu1 = cpuTicks(nodePid);
      double[] raw = timedSend(node.settings().url(), bodies);
      double nodeRawCpu = (cpuTicks(nodePid) - nodeCpu1) / 100.0;
      // The raw replay ran on a node the import had warmed; the import again, on the node as warm, so that the
      // order of the two runs does not decide the ratio.
      wipe(es);
      // --jfr FILE records this one: the steady cost, without the compiler's warm-up
      Measured again = importOnce(es, inputs, work, batch, os, nodePid, arg(args, "--jfr", null));
      // and the floor again, its code as compiled as the import's by now
      long cpu1 = os.getProcessCpuTime();
      serialiseOnly(inputs);
      double serCpuWarm = (os.getProcessCpuTime() - cpu1) / 1e9;
      // The node keeps getting faster over a run (its JIT, its caches): the replay again, after the warm import,
      // and the faster of the two is the ceiling, so that being run first does not flatter the import.
      wipe(es);
      new Templates(null).install(es);
      long nodeCpu2 = cpuTicks(nodePid);
      double[] raw2 = timedSend(node.settings().url(), bodies);
      double nodeRawCpu2 = (cpuTicks(nodePid) - nodeCpu2) / 100.0;
      double firstReplay = raw[1];
      if (raw2[1] < raw[1]) raw = raw2;
      double ratio = raw[1] / importSecs;
      long events = s.eventsRead();
      long inputBytes = 0;
      for (Path p : inputs) inputBytes += Files.size(p);
      System.out.printf(Locale.ROOT, """
          | measure | value |
          |---|---|
          | input | %,d MiB in %d files (%s; --mb %d: a file holds whole calls), %,d calls, %,d events (%.1f events per call); traffic %s |
          | documents the import produced (all indices) | %,d |
          | import (batch job, chunks of at most %d pieces, about 3 MiB of input at most) | %.1f s, %,.0f events/s |
          | fair ceiling: the same documents pre-serialised, %d per request, 2 in flight; the faster of two replays (after the first import: %.1f s, after the second: %.1f s) | %.1f s, %,.0f docs/s |
          | **ratio ceiling time / import time** | **%.2f** |
          | the import again, after the replay (node as warm as for the ceiling): time, ratio | %.1f s, **%.2f** |
          | importer CPU per 1,000 events, again / node CPU during it | %.0f ms / %.1f s |
          | parse + normalise + enrich + serialise alone, again; importer CPU again / alone again | %.0f ms; **%.2f** |
          | importer CPU per 1,000 events | %.0f ms |
          | parse + normalise + enrich + serialise alone, per 1,000 events | %.0f ms (%.1f s wall, one thread) |
          | importer CPU / alone | %.2f |
          | node CPU during the import / during the first and the second raw replay | %.1f s / %.1f s, %.1f s |
          | importer JVM options (heap cap, collector) | %s |
          %n""",
          inputBytes >> 20, inputs.size(), String.join(", ", formats), mb, calls, events, events / (double) calls, shape, produced, batch, importSecs, events / importSecs,
          batch / 2, firstReplay, raw2[1], raw[1], raw[0] / raw[1], ratio, again.secs(), raw[1] / again.secs(),
          1e6 * again.cpu() / events, again.nodeCpu(), 1e6 * serCpuWarm / alone[0], again.cpu() / serCpuWarm,
          1e6 * importCpu / events, 1e6 * serCpu / alone[0], serSecs,
          importCpu / serCpu, nodeImportCpu, nodeRawCpu, nodeRawCpu2,
          String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
    } finally {
      node.stop();
    }
  }

  /** One import's elapsed time, the importer's CPU seconds and the node's. */
  private record Measured(ImportSummary summary, double secs, double cpu, double nodeCpu) {}

  private static Measured importOnce(ElasticsearchClient es, List<Path> inputs, Path work, int batch,
      com.sun.management.OperatingSystemMXBean os, long nodePid, String jfr) throws Exception {
    Path jobs = work.resolve("jobs-" + System.nanoTime());
    long nodeCpu0 = cpuTicks(nodePid);
    long importCpu0 = os.getProcessCpuTime();
    // --jfr FILE: a flight recording (the JDK's "profile" settings) of the import alone, for finding its costs
    jdk.jfr.Recording recording = null;
    if (jfr != null) {
      recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
      recording.setDestination(Path.of(jfr));
      // every compilation and deoptimisation, for finding what the compiler still works on once warm
      recording.enable("jdk.Compilation").withThreshold(Duration.ZERO);
      recording.enable("jdk.Deoptimization").withStackTrace();
      recording.start();
    }
    Map<String, Long> threads0 = threadTicks();
    ImportSummary s;
    try (JobDatabase db = JobDatabase.embedded(jobs)) {
      s = BatchImport.run(es, db, inputs, ImportOptions.defaults(), null,
          new BatchImport.Settings(batch, Progress.Mode.LOG, System.err, Duration.ofSeconds(30)));
    } finally {
      if (recording != null) recording.close(); // stop() is implied and writes the destination
    }
    printThreadCpu(threads0, threadTicks(), s.eventsRead());
    return new Measured(s, s.elapsed().toMillis() / 1000.0, (os.getProcessCpuTime() - importCpu0) / 1e9,
        (cpuTicks(nodePid) - nodeCpu0) / 100.0);
  }

  /**
   * Corpus calls into {@code files} rotated files of {@code bytes} in all: the files follow one another (each goes on
   * with the next call), every call whole in one file. Reused when present. Returns the calls written.
   */
  private static long generate(Path dir, String name, int files, long bytes, String header, CorpusCalls calls,
      double gap, List<Path> out) throws IOException {
    long count = 0;
    Path done = dir.resolve(name + ".calls");
    boolean reuse = Files.exists(done);
    int next = 0;
    for (int f = 0; f < files; f++) {
      Path p = dir.resolve(files == 1 ? name : name + "." + (files - 1 - f)); // .0 is the newest, as logrotate
      out.add(p);
      if (!reuse) {
        long n = calls.write(p, header, bytes / files, next, gap);
        next += (int) n;
        count += n;
      }
    }
    if (reuse) return Long.parseLong(Files.readString(done).strip());
    Files.writeString(done, count + "\n");
    return count;
  }

  private static long generate(Path dir, String name, int files, long bytes, String header,
      io.callarchive.it.Traffic.Calls calls, double gap, List<Path> out) throws IOException {
    long count = 0;
    for (int f = 0; f < files; f++) {
      Path p = dir.resolve(files == 1 ? name : name + "." + f);
      out.add(p);
      long perFile = bytes / files;
      if (Files.exists(p) && Files.size(p) >= perFile) continue;
      // each file its own calls: ids and times moved on by the file number
      final int base = f * 10_000_000;
      io.callarchive.it.Traffic.stream((first, n, g) -> calls.make(base + first, n, g), gap, header, p, perFile);
    }
    for (Path p : out) if (p.getFileName().toString().startsWith(name)) count += countCalls(p, name);
    return count;
  }

  private static long countCalls(Path p, String name) throws IOException {
    // whole lines: Files.lines has already taken the CR of a CRLF line end
    String needle = name.startsWith("ami") ? "Event: Cdr" : name.startsWith("freeswitch") ? "CHANNEL_HANGUP_COMPLETE"
        : "CHANNEL_DESTROY";
    long n = 0;
    try (var lines = Files.lines(p, StandardCharsets.ISO_8859_1)) {
      n = lines.filter(l -> l.contains(needle)).count();
    }
    // FreeSWITCH and Kazoo: two legs per call
    return name.startsWith("ami") ? n : n / 2;
  }

  /**
   * CPU ticks of this process's threads, summed by thread name with digits dropped (the kernel's 15-character
   * names: "GC Thread#0", "C2 CompilerThre", "main"...): unlike a Java profiler this sees the collector and the
   * compilers too.
   */
  private static Map<String, Long> threadTicks() throws IOException {
    Map<String, Long> out = new java.util.TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : tasks.toList()) {
        try {
          String name = Files.readString(t.resolve("comm")).strip().replaceAll("[0-9]+", "#");
          String stat = Files.readString(t.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
        } catch (IOException gone) {
          // the thread ended between the listing and the read
        }
      }
    }
    return out;
  }

  /** Where the importer's CPU went during one import, by thread group, per 1,000 events (to stderr). */
  private static void printThreadCpu(Map<String, Long> before, Map<String, Long> after, long events) {
    Map<String, Long> used = new java.util.HashMap<>();
    after.forEach((k, v) -> used.put(k, v - before.getOrDefault(k, 0L)));
    StringBuilder b = new StringBuilder("importer CPU by thread (ms per 1,000 events):");
    used.entrySet().stream().filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(12).forEach(e -> b.append(String.format(Locale.ROOT, " %s %.1f;", e.getKey(), 1e4 * e.getValue() / events)));
    System.err.println(b);
  }

  /** CPU ticks (1/100 s) a process has used, from /proc (Linux). */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** Every document of every callarchive index as {@code _bulk} create bodies of {@code per} documents. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static List<Path> readBack(ElasticsearchClient es, Path dir, int per) throws IOException {
    Files.createDirectories(dir);
    try (var old = Files.list(dir)) {
      for (Path p : old.toList()) Files.delete(p);
    }
    List<Path> out = new ArrayList<>();
    ByteArrayOutputStream body = new ByteArrayOutputStream(8 << 20);
    int n = 0;
    // pages of 1,000: a FreeSWITCH event document is ~15 KB with its raw headers, and a page is parsed whole into
    // this process's 512 MiB heap
    var r = es.search(x -> x.index("callarchive-*").size(1000).scroll(d -> d.time("2m")), Map.class);
    String scroll = r.scrollId();
    var hits = r.hits().hits();
    while (!hits.isEmpty()) {
      for (var h : hits) {
        body.write(JSON.writeValueAsBytes(Map.of("create", Map.of("_index", h.index(), "_id", h.id()))));
        body.write('\n');
        body.write(JSON.writeValueAsBytes(h.source()));
        body.write('\n');
        if (++n == per) {
          Path p = dir.resolve(String.format("%06d.ndjson", out.size()));
          Files.write(p, body.toByteArray());
          out.add(p);
          body.reset();
          n = 0;
        }
      }
      String id = scroll;
      var next = es.scroll(x -> x.scrollId(id).scroll(d -> d.time("2m")), Map.class);
      scroll = next.scrollId();
      hits = next.hits().hits();
    }
    if (n > 0) {
      Path p = dir.resolve(String.format("%06d.ndjson", out.size()));
      Files.write(p, body.toByteArray());
      out.add(p);
    }
    return out;
  }

  private static long countLines(List<Path> files) throws IOException {
    long n = 0;
    for (Path p : files) try (var l = Files.lines(p)) {
      n += l.count();
    }
    return n;
  }

  /** Parses, normalises, enriches and serialises every event, writing nothing: {events, documents}. */
  static long[] serialiseOnly(List<Path> files) throws IOException {
    Formats formats = Formats.standard();
    long[] n = {0, 0};
    OutputStream nowhere = OutputStream.nullOutputStream();
    DocSink sink = new DocSink() {
      @Override
      public void accept(IndexDoc d) {
        try {
          nowhere.write(JSON.writeValueAsBytes(d.doc().asMap()));
          n[1]++;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Pipeline pipeline = new Pipeline(Enrichers.standard(), sink, Clock.systemUTC());
    for (Path f : files) {
      FileInputs.Opened opened = FileInputs.open(f);
      EventFormat format = formats.detect(opened.head(), opened.headLength()).orElseThrow();
      SourceContext ctx = new SourceContext(null, Map.of(), Files.getLastModifiedTime(f).toInstant());
      try (EventReader r = format.open(opened.stream(), f.toString())) {
        Parsed p;
        while ((p = r.next()) != null) pipeline.accept(p, format, ctx);
      }
    }
    n[0] = pipeline.events.sum();
    return n;
  }

  private static void wipe(ElasticsearchClient es) throws IOException {
    es.indices().delete(r -> r.index("callarchive-*").allowNoIndices(true)
        .expandWildcards(co.elastic.clients.elasticsearch._types.ExpandWildcard.All));
  }

  private static double[] timedSend(String url, List<Path> bodies) throws Exception {
    long t0 = System.nanoTime();
    long n = send(url, bodies, 2);
    return new double[] {n, (System.nanoTime() - t0) / 1e9};
  }

  /** Sends the bodies with {@code inFlight} concurrent requests; returns the documents the node acknowledged. */
  static long send(String url, List<Path> bodies, int inFlight) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    AtomicLong ok = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(inFlight);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (Path b : bodies) {
        fs.add(pool.submit(() -> {
          HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/_bulk?filter_path=errors,items.*.status"))
              .header("Content-Type", "application/x-ndjson")
              .POST(HttpRequest.BodyPublishers.ofFile(b)).build();
          HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
          if (r.statusCode() != 200) throw new IllegalStateException("bulk " + r.statusCode() + ": " + r.body());
          var items = JSON.readTree(r.body()).path("items");
          for (var it : items) {
            int st = it.elements().next().path("status").asInt();
            if (st < 300 || st == 409) ok.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> f : fs) f.get();
    } finally {
      pool.shutdown();
    }
    return ok.get();
  }


  private static String arg(String[] args, String name, String dflt) {
    for (int i = 0; i + 1 < args.length; i++) if (args[i].equals(name)) return args[i + 1];
    return dflt;
  }
}
