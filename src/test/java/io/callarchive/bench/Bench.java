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
    long amiMb = Long.parseLong(arg(args, "--ami-mb", "1024"));
    int port = Integer.parseInt(arg(args, "--port", "9281"));
    Path work = Path.of(arg(args, "--work", "target/bench")).toAbsolutePath();
    Path dist = Path.of(arg(args, "--es-dist", "target/elasticsearch-dist/elasticsearch-9.2.0.zip")).toAbsolutePath();
    int batch = Integer.parseInt(arg(args, "--chunk-size", "2000"));
    Path data = Files.createDirectories(work.resolve("data"));

    long t = System.nanoTime();
    Path ami = data.resolve("ami.log");
    Path kazoo = data.resolve("kazoo.jsonl");
    if (!Files.exists(ami) || Files.size(ami) < amiMb << 20) Generate.ami(ami, amiMb << 20);
    if (!Files.exists(kazoo) || Files.size(kazoo) < (amiMb << 20) / 10) Generate.kazoo(kazoo, (amiMb << 20) / 10);
    System.err.printf("data ready in %.0f s: %s%n", (System.nanoTime() - t) / 1e9, data);

    LocalNode node = new LocalNode(new LocalNodeSettings(
        work.resolve("es-home"), dist, port, 1024, Path.of(System.getProperty("java.home")),
        LocalNodeSettings.DEFAULT_USER, Duration.ofMinutes(4)));
    node.start();
    try (ElasticsearchClient es = EsConnection.plain(node.settings().url()).client()) {
      // The node warms up on the first run of each kind, so the ceiling is measured before and after the import
      // and the better of the two is the reference.
      wipe(es);
      new Templates(null).install(es);
      long serStart = System.nanoTime();
      List<Path> bodies = serialise(List.of(ami, kazoo), work.resolve("bulk"), batch);
      double serSecs = (System.nanoTime() - serStart) / 1e9;
      double[] raw1 = timedSend(node.settings().url(), bodies);
      System.err.printf("raw ceiling, first run: %,.0f docs/s%n", raw1[0] / raw1[1]);

      // The import, as an operator runs it (fresh job history so everything is read).
      wipe(es);
      Path jobs = work.resolve("jobs-" + System.currentTimeMillis());
      ImportSummary s;
      try (JobDatabase db = JobDatabase.embedded(jobs)) {
        s = BatchImport.run(es, db, List.of(ami, kazoo), ImportOptions.defaults(), null,
            new BatchImport.Settings(batch, Progress.Mode.LOG, System.err, Duration.ofSeconds(30)));
      }
      long docs = s.indexed() + s.alreadyPresent() + s.deadLettered();
      double importSecs = s.elapsed().toMillis() / 1000.0;
      System.err.printf("import: %d events, %d documents in %.1f s%n", s.eventsRead(), docs, importSecs);
      System.err.printf("parse + normalise + serialise alone (no Elasticsearch): %.1f s, %,.0f docs/s%n", serSecs, docs / serSecs);

      wipe(es);
      new Templates(null).install(es);
      double[] raw2 = timedSend(node.settings().url(), bodies);
      System.err.printf("raw ceiling, second run: %,.0f docs/s%n", raw2[0] / raw2[1]);
      double[] best = raw1[0] / raw1[1] >= raw2[0] / raw2[1] ? raw1 : raw2;
      long rawDocs = (long) best[0];
      double rawSecs = best[1];
      double importRate = docs / importSecs;
      double rawRate = rawDocs / rawSecs;
      long fileBytes = Files.size(ami) + Files.size(kazoo);
      System.out.printf(Locale.ROOT, """
          | measure | value |
          |---|---|
          | input | %,d MiB (AMI %,d MiB, Kazoo %,d MiB) |
          | events | %,d |
          | import (batch job, chunk %d) | %,.0f docs/s (%.1f s) |
          | raw ceiling (pre-serialised `_bulk`, %d docs/request, 2 in flight) | %,.0f docs/s (%.1f s) |
          | parse + normalise + serialise alone, one thread | %,.0f docs/s |
          | ratio import / ceiling | %.0f %% |
          | importer heap cap | -Xmx%s (measured max heap) |
          %n""",
          fileBytes >> 20, Files.size(ami) >> 20, Files.size(kazoo) >> 20, s.eventsRead(), batch, importRate,
          importSecs, batch, rawRate, rawSecs, docs / serSecs, 100 * importRate / rawRate, (Runtime.getRuntime().maxMemory() >> 20) + "m");
    } finally {
      node.stop();
    }
  }

  private static void wipe(ElasticsearchClient es) throws IOException {
    es.indices().delete(r -> r.index("callarchive-*").allowNoIndices(true)
        .expandWildcards(co.elastic.clients.elasticsearch._types.ExpandWildcard.All));
  }

  /** Runs the files through the same pipeline and writes {@code _bulk} bodies of {@code batch} create ops each. */
  static List<Path> serialise(List<Path> files, Path dir, int batch) throws IOException {
    Files.createDirectories(dir);
    try (var old = Files.list(dir)) {
      for (Path p : old.toList()) Files.delete(p);
    }
    List<Path> out = new ArrayList<>();
    Formats formats = Formats.standard();
    ByteArrayOutputStream body = new ByteArrayOutputStream(8 << 20);
    int[] inBody = {0};
    DocSink sink = new DocSink() {
      @Override
      public void accept(IndexDoc d) {
        try {
          String index = DocIds.indexName(d.type(), d.timestamp());
          body.write(JSON.writeValueAsBytes(Map.of("create", Map.of("_index", index, "_id", d.id()))));
          body.write('\n');
          body.write(JSON.writeValueAsBytes(d.doc().asMap()));
          body.write('\n');
          if (++inBody[0] == batch) {
            Path p = dir.resolve(String.format("%06d.ndjson", out.size()));
            Files.write(p, body.toByteArray());
            out.add(p);
            body.reset();
            inBody[0] = 0;
          }
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
    if (inBody[0] > 0) {
      Path p = dir.resolve(String.format("%06d.ndjson", out.size()));
      Files.write(p, body.toByteArray());
      out.add(p);
    }
    return out;
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

  /** A day of synthetic but realistic traffic: calls of two legs, answered or busy, over 24 hours. */
  static final class Generate {
    static void ami(Path file, long bytes) throws IOException {
      Instant day = Instant.parse("2026-11-22T00:00:00Z");
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
        out.write("Asterisk Call Manager/7.0.3\r\n".getBytes(StandardCharsets.US_ASCII));
        long written = 0;
        for (long call = 0; written < bytes; call++) {
          long us = day.getEpochSecond() * 1_000_000L + call * 86_400_000_000L / 4_000_000L;
          String uid = (us / 1_000_000) + "." + call;
          String chan = "PJSIP/" + (100 + call % 400) + "-" + String.format("%08x", call);
          String[] evs = {
            "Event: Newchannel\r\nPrivilege: call,all\r\nChannel: " + chan + "\r\nChannelState: 0\r\nChannelStateDesc: Down\r\nCallerIDNum: " + (100 + call % 400) + "\r\nCallerIDName: Agent " + call % 400 + "\r\nConnectedLineNum: <unknown>\r\nLanguage: en\r\nAccountCode: \r\nContext: from-internal\r\nExten: " + (2000 + call % 50) + "\r\nPriority: 1\r\nUniqueid: " + uid + "\r\nLinkedid: " + uid + "\r\n",
            "Event: Newstate\r\nPrivilege: call,all\r\nChannel: " + chan + "\r\nChannelState: 6\r\nChannelStateDesc: Up\r\nCallerIDNum: " + (100 + call % 400) + "\r\nContext: from-internal\r\nExten: " + (2000 + call % 50) + "\r\nUniqueid: " + uid + "\r\nLinkedid: " + uid + "\r\n",
            "Event: Hangup\r\nPrivilege: call,all\r\nChannel: " + chan + "\r\nChannelState: 6\r\nCallerIDNum: " + (100 + call % 400) + "\r\nContext: from-internal\r\nExten: " + (2000 + call % 50) + "\r\nUniqueid: " + uid + "\r\nLinkedid: " + uid + "\r\nCause: " + (call % 7 == 0 ? "17\r\nCause-txt: User busy" : "16\r\nCause-txt: Normal Clearing") + "\r\n",
          };
          for (int i = 0; i < evs.length; i++) {
            long ts = us + i * 1_500_000L;
            String e = evs[i] + "Timestamp: " + (ts / 1_000_000) + "." + String.format("%06d", ts % 1_000_000) + "\r\n\r\n";
            byte[] b = e.getBytes(StandardCharsets.US_ASCII);
            out.write(b);
            written += b.length;
          }
        }
      }
    }

    static void kazoo(Path file, long bytes) throws IOException {
      Instant day = Instant.parse("2026-11-22T00:00:00Z");
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
        long written = 0;
        String[] names = {"CHANNEL_CREATE", "CHANNEL_ANSWER", "CHANNEL_DESTROY"};
        for (long call = 0; written < bytes; call++) {
          for (int i = 0; i < names.length; i++) {
            long ms = day.toEpochMilli() + call * 86_400_000L / 1_000_000L + i * 2000L;
            long gregorianSecs = ms / 1000 + 62_167_219_200L; // Kazoo timestamps: Gregorian seconds
            String line = "{\"name\":\"" + names[i] + "\",\"args\":{\"Event-Name\":\"" + names[i]
                + "\",\"Event-Category\":\"call_event\",\"Call-ID\":\"bench-" + call + "\",\"Call-Direction\":\"inbound\","
                + "\"Caller-ID-Number\":\"+3314" + String.format("%07d", call % 10_000_000) + "\",\"Callee-ID-Number\":\"+3315550100\","
                + "\"Timestamp\":" + gregorianSecs + ",\"Msg-ID\":\"m-" + call + "-" + i + "\","
                + "\"Custom-Channel-Vars\":{\"Account-ID\":\"account" + call % 20 + "\"}"
                + (i == 2 ? ",\"Hangup-Cause\":\"NORMAL_CLEARING\",\"Billing-Seconds\":\"" + call % 600 + "\"" : "")
                + "}}\n";
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            out.write(b);
            written += b.length;
          }
        }
      }
    }
  }
}
