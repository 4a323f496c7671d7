package io.callarchive.bench;

import io.callarchive.model.IndexDoc;
import io.callarchive.model.Parsed;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.EventReader;
import io.callarchive.parse.Formats;
import io.callarchive.pipeline.DocSink;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.SourceContext;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parse + normalise throughput on one thread: one operation is one piece read from a generated file on disk
 * and passed through {@link Pipeline#accept} (reader, common fields, the format's normalise, the document handed
 * to a sink), so ops/s is events/s. The file is streamed, never loaded: when the reader reaches its end the file
 * is opened again. The heap is capped well below the input size, so a run that finishes shows memory is flat in
 * the input size; the used heap after a full GC is printed at the end of every trial.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xms128m", "-Xmx128m"})
public class ParseNormaliseBenchmark {

  /** Format name as registered in {@link Formats#standard()}. */
  @Param({"ami", "ari", "kazoo", "ccs", "freeswitch"})
  public String format;

  /** Size of the generated input in MiB; the file is {@code <bench.dir>/<format>-<size>mb.txt}. */
  @Param({"100", "200"})
  public int sizeMb;

  private EventFormat fmt;
  private Path file;
  private EventReader reader;
  private Pipeline pipeline;
  private SourceContext ctx;
  private long passes;
  private final long[] docs = new long[1];

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    fmt = Formats.standard().byName(format).orElseThrow();
    file = Path.of(System.getProperty("bench.dir", "target/bench-input")).resolve(format + "-" + sizeMb + "mb.txt");
    if (!Files.isRegularFile(file)) throw new IllegalStateException("generate the input first: " + file);
    DocSink sink = new DocSink() {
      IndexDoc last;

      @Override
      public void accept(IndexDoc doc) {
        last = doc; // kept so the document cannot be optimised away
        docs[0]++;
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    pipeline = new Pipeline(List.of(), sink, Clock.systemUTC());
    ctx = new SourceContext(null, Map.of(), Instant.parse("2024-05-01T00:00:00Z"));
    reader = open();
  }

  private EventReader open() throws IOException {
    return fmt.open(new BufferedInputStream(Files.newInputStream(file), 64 * 1024), file.toString());
  }

  @Benchmark
  public void parseAndNormalise() throws IOException {
    Parsed p = reader.next();
    if (p == null) {
      reader.close();
      passes++;
      reader = open();
      p = reader.next();
    }
    pipeline.accept(p, fmt, ctx);
  }

  @TearDown(Level.Trial)
  public void report() throws IOException {
    reader.close();
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    System.gc();
    long used = mem.getHeapMemoryUsage().getUsed();
    long max = mem.getHeapMemoryUsage().getMax();
    System.out.printf(
        "%n[bench] %s %d MiB input (%d bytes): %d complete passes, %d events, %d skipped, %d malformed; "
            + "heap used after GC %.1f MiB of max %.0f MiB%n",
        format, sizeMb, Files.size(file), passes, pipeline.events.sum(), pipeline.skipped.sum(),
        pipeline.malformed.sum(), used / 1048576.0, max / 1048576.0);
    if (pipeline.malformed.sum() > 0) throw new IllegalStateException("generated input has malformed pieces");
  }
}
