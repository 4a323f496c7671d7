package io.callarchive.batch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.imports.ImportOptions;
import io.callarchive.imports.ImportSummary;
import io.callarchive.imports.ImportSummary.FileResult;
import io.callarchive.imports.ImportSummary.Status;
import io.callarchive.index.BulkIndexer;
import io.callarchive.index.Templates;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.model.Parsed;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.Formats;
import io.callarchive.pipeline.Assembly;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.SourceContext;
import io.callarchive.source.FileInputs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;

/**
 * The import as a Spring Batch job per file content: one chunk-oriented step reads the file with its format's
 * reader, runs each piece through the pipeline and writes the documents with the bulk indexer, committing the
 * read offset with every chunk. The job instance is identified by the content (SHA-256 and length, plus the
 * offset it starts at), not by the file name, which gives exactly-once imports:
 *
 * <ul>
 *   <li>content already imported completely is skipped, whatever the file is called now (rotation);
 *   <li>a file whose first bytes are exactly a content imported before (a log that grew) imports only the rest;
 *   <li>an import that stopped half-way (killed, Elasticsearch gone past the retry budget) is restarted, and
 *       Spring Batch hands its step the offset of the last committed chunk.
 * </ul>
 *
 * Deterministic document ids stay the last line of defence: a chunk written but not committed before a crash
 * is written again on restart and counted as already present. Not thread-safe: one run at a time per job
 * database; two processes must not import the same files into the same job database at once.
 */
public final class BatchImport {
  private static final Logger log = LoggerFactory.getLogger(BatchImport.class);

  /**
   * How the job runs.
   *
   * @param chunkSize the most pieces per chunk, the unit of commit and of restart (fewer for large events: {@link
   *     ChunkSize})
   * @param progress how progress is shown
   * @param progressOut where the terminal progress line goes (standard error)
   */
  public record Settings(
      int chunkSize, Progress.Mode progress, PrintStream progressOut, Duration logEvery, Tails tails) {
    public Settings {
      if (chunkSize < 1) throw new IllegalArgumentException("--chunk-size must be at least 1, got " + chunkSize);
      if (tails == null) tails = Tails.defaults();
    }

    public Settings(int chunkSize, Progress.Mode progress, PrintStream progressOut, Duration logEvery) {
      this(chunkSize, progress, progressOut, logEvery, Tails.defaults());
    }

    public static Settings defaults() {
      return new Settings(2000, Progress.Mode.NONE, System.err, Duration.ofSeconds(10));
    }

    /** These settings for files known to be finished (shipped samples, captures): no tail waits for a next run. */
    public Settings finishedFiles() {
      return new Settings(chunkSize, progress, progressOut, logEvery,
          new Tails(Duration.ZERO, tails.maxEventBytes(), tails.force()));
    }
  }

  /**
   * How the ends of files and oversized input are treated (issue: the import an operator can trust at night).
   *
   * @param quietPeriod a file unchanged for this long is finished (its incomplete last event is dead-lettered);
   *     a younger one may still grow, and its incomplete last event waits for the next run
   * @param maxEventBytes events larger than this are dead-lettered with their first bytes
   * @param force import again content the history says is imported into this cluster
   */
  public record Tails(Duration quietPeriod, int maxEventBytes, boolean force) {
    public Tails {
      if (quietPeriod.isNegative()) throw new IllegalArgumentException("--quiet-period must not be negative");
      if (maxEventBytes < 1024) {
        throw new IllegalArgumentException("--max-event-size must be at least 1024 bytes, got " + maxEventBytes);
      }
    }

    public static Tails defaults() {
      return new Tails(Duration.ofMinutes(5), SizeBound.DEFAULT_MAX_EVENT_BYTES, false);
    }
  }

  private final JobDatabase db;
  private final Formats formats;
  private final Clock clock;
  private final Settings settings;

  private final Assembly assembly;
  /** The cluster written to, whose history applies (null: the history of every cluster, as before targets). */
  private ClusterTarget target;

  public BatchImport(JobDatabase db, Assembly assembly, Clock clock, Settings settings) {
    this.db = db;
    this.assembly = assembly;
    this.formats = assembly.formats();
    this.clock = clock;
    this.settings = settings;
  }

  /** A file to import and what to say about its events (the source it belongs to). */
  public record Input(Path file, ImportOptions options) {}

  /** Installs the templates, imports the files under {@code paths} into the cluster, and sums it all up. */
  public static ImportSummary run(
      ElasticsearchClient client, JobDatabase db, List<Path> paths, ImportOptions options, Path templatesDir,
      Settings settings) throws IOException {
    return run(client, db, inputs(paths, options), templatesDir, settings);
  }

  /** Installs the templates, imports the files (each with its source's options), and sums it all up. */
  public static ImportSummary run(
      ElasticsearchClient client, JobDatabase db, List<Input> inputs, Path templatesDir, Settings settings)
      throws IOException {
    return run(client, db, inputs, templatesDir, settings, Assembly.Settings.defaults());
  }

  /** The same, with the pipeline built as {@code pipeline} says (the benchmark's experiments). */
  public static ImportSummary run(
      ElasticsearchClient client, JobDatabase db, List<Input> inputs, Path templatesDir, Settings settings,
      Assembly.Settings pipeline) throws IOException {
    new Templates(templatesDir).install(client);
    // Two bulk requests per chunk: with one chunk in flight while the next is read, both requests the indexer
    // keeps in flight stay busy.
    int perRequest = Math.max(1, (settings.chunkSize() + 1) / 2);
    try (Assembly assembly = Assembly.create(client, pipeline.withBulkOperations(perRequest), Clock.systemUTC())) {
      BatchImport batch = new BatchImport(db, assembly, Clock.systemUTC(), settings);
      batch.target = ClusterTarget.of(client);
      return batch.importAll(inputs);
    }
  }

  /** The files under {@code paths} (folders read recursively), all with the same options. */
  public static List<Input> inputs(List<Path> paths, ImportOptions options) throws IOException {
    return FileInputs.expand(paths).stream().map(f -> new Input(f, options)).toList();
  }

  /** What to do with one file, decided from its content and the history before anything is read. */
  private record Plan(
      Path file, ImportOptions options, EventFormat format, ContentScan.Result scan, long start, Status status, String error,
      JobParameters parameters) {}

  public ImportSummary importAll(List<Input> inputs) throws IOException {
    BulkIndexer indexer = assembly.indexer();
    Instant begin = clock.instant();
    List<ImportHistory.Entry> history = new ArrayList<>(ImportHistory.all(db.repository()));
    List<Plan> plans = new ArrayList<>();
    for (Input in : inputs) {
      Path f = in.file();
      Plan p = plan(f, in.options(), history);
      plans.add(p);
      if (p.status() == Status.ALREADY_IMPORTED) {
        log.info("{}: already imported (same content, SHA-256 {}), skipped", f, p.scan().sha256());
      }
    }
    long totalBytes = plans.stream().filter(p -> p.parameters() != null).mapToLong(p -> p.scan().length() - p.start()).sum();
    int toRun = (int) plans.stream().filter(p -> p.parameters() != null).count();

    PieceProcessor.Collecting collecting = new PieceProcessor.Collecting();
    Pipeline pipeline = assembly.pipeline(collecting);
    Progress progress =
        new Progress(settings.progress(), settings.progressOut(), totalBytes, toRun, settings.logEvery(), pipeline.events::sum);
    List<FileResult> results = new ArrayList<>();
    int index = 0;
    for (Plan p : plans) {
      if (p.parameters() == null) {
        results.add(new FileResult(
            p.file(), p.format() == null ? null : p.format().name(), p.scan() == null ? null : p.scan().sha256(),
            p.status(), p.start(), p.scan() == null ? 0 : p.scan().length(), 0, 0, 0, Duration.ZERO, p.error()));
        continue;
      }
      FileResult r = runFile(p, p.options(), ++index, pipeline, collecting, indexer, progress);
      results.add(r);
      if (r.status() != Status.FAILED) {
        history.add(new ImportHistory.Entry(
            -1, p.file().toString(), p.format().name(), p.scan().sha256(), p.start(), p.scan().length(),
            p.scan().length(), 0, 0, 0, BatchStatus.COMPLETED, null, null));
      }
    }
    progress.finish();
    // each file's step wrote its open sessions at its end; this only waits for the last writes
    assembly.flush();
    Map<IndexType, Long> byType = new EnumMap<>(IndexType.class);
    for (IndexType t : IndexType.values()) byType.put(t, indexer.indexed(t));
    Map<IndexType, Long> written = new EnumMap<>(IndexType.class);
    written.putAll(assembly.summariesWritten());
    return new ImportSummary(
        results, pipeline.events.sum(), pipeline.skipped.sum(), pipeline.malformed.sum(), indexer.indexed.sum(),
        indexer.alreadyPresent.sum(), indexer.deadLettered.sum(), byType, Duration.between(begin, clock.instant()),
        written, assembly.counters());
  }

  private Plan plan(Path file, ImportOptions options, List<ImportHistory.Entry> history) {
    try {
      EventFormat format;
      FileInputs.Opened opened = FileInputs.open(file);
      try {
        format = options.format() != null
            ? formats.byName(options.format()).orElseThrow(
                () -> new IllegalArgumentException("unknown format " + options.format() + " (" + names() + ")"))
            : formats.detect(opened.head(), opened.headLength()).orElse(null);
      } finally {
        opened.stream().close();
      }
      String targetId = target == null ? null : target.id();
      TreeSet<Long> lengths = new TreeSet<>();
      for (ImportHistory.Entry e : history) if (e.complete() && e.targets(targetId)) lengths.add(e.end());
      ContentScan.Result scan = ContentScan.scan(file, lengths);
      // logrotate leaves empty files behind: nothing to read, nothing wrong
      if (scan.length() == 0) return new Plan(file, options, format, scan, 0, Status.EMPTY, null, null);
      if (format == null) {
        log.warn("{}: format not recognised from its first bytes, not imported; name it with --format ({})", file, names());
        return new Plan(file, options, null, scan, 0, Status.UNRECOGNISED, null, null);
      }
      HistoryMatch match = HistoryMatch.find(history, targetId, scan);
      if (settings.tails().force() && !match.used().isEmpty()) {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        for (ImportHistory.Entry e : history) if (e.targets(targetId) && e.sha256() != null) ids.add(e.instanceId());
        // every import this one rests on, and the earlier parts of it (a grown file imported in several runs)
        ids.retainAll(HistoryMatch.chain(history, targetId, scan));
        int n = ImportHistory.forget(db.repository(), e -> ids.contains(e.instanceId()));
        history.removeIf(e -> ids.contains(e.instanceId()));
        log.info("{}: --force: {} earlier import(s) of this content forgotten; importing it again", file, n);
        match = HistoryMatch.NONE;
      }
      if (target != null) {
        for (ImportHistory.Entry e : match.used()) {
          if (!target.holds(e)) {
            String why = "the job history says this content was imported into this cluster (job " + e.instanceId()
                + ", " + e.ended() + "), but the cluster no longer holds its documents (indices deleted?): run the"
                + " import again with --force, or 'callarchive jobs forget " + e.instanceId() + "'";
            log.warn("{}: {}", file, why);
            return new Plan(file, options, format, scan, 0, Status.MISSING, why, null);
          }
        }
      }
      if (match.complete()) return new Plan(file, options, format, scan, scan.length(), Status.ALREADY_IMPORTED, null, null);
      long start = match.start();
      boolean finished = FileTails.finished(file, opened.gzip(), settings.tails().quietPeriod(), clock);
      JobParameters params = new JobParametersBuilder()
          .addString(ImportHistory.P_SHA256, scan.sha256(), true)
          .addLong(ImportHistory.P_LENGTH, scan.length(), true)
          .addLong(ImportHistory.P_START, start, true)
          .addString(ImportHistory.P_TARGET, targetId == null ? "-" : targetId, true)
          .addString(ImportHistory.P_FINISHED, String.valueOf(finished), true)
          .addLong(ImportHistory.P_PRIME_FROM, match.primeFrom(), false)
          .addString(ImportHistory.P_PRIME_STATE, match.occurrences(), false)
          .addString(ImportHistory.P_PATH, file.toAbsolutePath().toString(), false)
          .addString(ImportHistory.P_FORMAT, format.name(), false)
          .addString(ImportHistory.P_FALLBACK_TIME, fallbackTime(file, options).toString(), false)
          .toJobParameters();
      return new Plan(file, options, format, scan, start, start > 0 ? Status.APPENDED : Status.IMPORTED, null, params);
    } catch (IOException | RuntimeException e) {
      log.debug("{}: cannot be imported", file, e);
      return new Plan(file, options, null, null, 0, Status.FAILED, io.callarchive.imports.Problems.describe(e), null);
    }
  }

  private FileResult runFile(
      Plan p, ImportOptions options, int index, Pipeline pipeline, PieceProcessor.Collecting collecting, BulkIndexer indexer,
      Progress progress) {
    Instant t0 = clock.instant();
    JobParameters params = p.parameters();
    Status status = p.status();
    long from = p.start();
    JobExecution last = db.repository().getLastJobExecution(ImportHistory.JOB_NAME, params);
    if (last == null) {
      // Killed between the creation of the job instance and of its first execution: the instance holds nothing
      // (no chunk was committed), and Spring Batch would refuse to start it again, so it goes.
      org.springframework.batch.core.job.JobInstance orphan =
          db.repository().getJobInstance(ImportHistory.JOB_NAME, params);
      if (orphan != null) {
        log.warn("{}: an earlier import was killed before it started this file; starting it afresh", p.file());
        db.repository().deleteJobInstance(orphan);
      }
    }
    if (last != null) {
      if (last.getStatus() == BatchStatus.COMPLETED) {
        return new FileResult(p.file(), p.format().name(), p.scan().sha256(), Status.ALREADY_IMPORTED,
            p.scan().length(), p.scan().length(), 0, 0, 0, Duration.ZERO, null);
      }
      if (last.isRunning()) {
        FileResult busy = busy(p, last);
        if (busy != null) return busy;
        // Its process is gone: the run was killed. Spring Batch restarts only a failed execution, so mark it
        // failed first.
        log.warn("{}: an earlier import was interrupted (killed?); resuming it", p.file());
        last = db.operator().recover(last);
      }
      // A restart must use the parameters of the first run (the fallback time of events without one).
      params = last.getJobParameters();
      status = Status.RESUMED;
    }
    FileCounts counts = new FileCounts();
    SourceContext ctx = new SourceContext(
        options.sourceName(), options.labels(), Instant.parse(params.getString(ImportHistory.P_FALLBACK_TIME)));
    Progress.FileProgress fp = progress.file(p.file(), index, p.start(), p.scan().length());
    String error = null;
    try {
      Job job = job(p, params, pipeline, collecting, indexer, counts, ctx, fp);
      JobExecution ex = db.operator().start(job, params);
      if (ex.getStatus() != BatchStatus.COMPLETED) {
        error = "import " + ex.getStatus().name().toLowerCase() + ": " + failure(ex);
      }
    } catch (Exception e) {
      // Two imports starting the same content at the same moment: the repository lets one create the run.
      JobExecution now = db.repository().getLastJobExecution(ImportHistory.JOB_NAME, params);
      FileResult busy = now != null && now.isRunning() ? busy(p, now) : null;
      if (busy != null) {
        fp.done();
        return busy;
      }
      log.debug("{}: could not start the import", p.file(), e);
      error = io.callarchive.imports.Problems.describe(e);
    }
    fp.done();
    if (counts.openedAt > 0) from = counts.openedAt;
    Duration took = Duration.between(t0, clock.instant());
    if (error != null) {
      log.error("{}: {}", p.file(), error);
      status = Status.FAILED;
    } else {
      log.info("[{}] {} ({}): {} events, {} skipped, {} malformed, bytes {}..{}, {}",
          index, p.file(), p.format().name(), counts.events, counts.skipped, counts.malformed, from,
          p.scan().length(), status.label());
    }
    return new FileResult(p.file(), p.format().name(), p.scan().sha256(), status, from, p.scan().length(),
        counts.events, counts.skipped, counts.malformed, took, error);
  }

  /** The file's result when another live process is importing it now, else null. */
  private FileResult busy(Plan p, JobExecution running) {
    String owner = Owner.of(running);
    if (Owner.isGone(running) || Owner.current().equals(owner)) return null;
    String why = "another import (" + Owner.describe(owner) + ", since " + running.getStartTime()
        + ") is importing this content now; not imported by this run, nothing lost: it will be done when that"
        + " import finishes";
    log.warn("{}: {}", p.file(), why);
    return new FileResult(p.file(), p.format().name(), p.scan().sha256(), Status.BUSY, p.start(), p.scan().length(),
        0, 0, 0, Duration.ZERO, why);
  }

  private Job job(
      Plan p, JobParameters params, Pipeline pipeline, PieceProcessor.Collecting collecting, BulkIndexer indexer,
      FileCounts counts, SourceContext ctx, Progress.FileProgress fp) {
    Checkpoint checkpoint = new Checkpoint(indexer);
    PieceReader.Tail tail = new PieceReader.Tail(
        Boolean.parseBoolean(params.getString(ImportHistory.P_FINISHED, "true")),
        params.getLong(ImportHistory.P_PRIME_FROM, -1L), params.getString(ImportHistory.P_PRIME_STATE, ""));
    PieceReader reader = new PieceReader(
        p.file(), p.format(), p.start(), p.scan().length(), counts, fp, checkpoint, tail, correlation(p.format(), ctx));
    Step step = new StepBuilder("file", db.repository())
        .<List<BulkIndexer.Prepared>, List<BulkIndexer.Prepared>>chunk(
            ChunkSize.of(p.file(), p.format(), settings.chunkSize()))
        .transactionManager(db.transactionManager())
        .reader(new PieceProcessor(pipeline, collecting, p.format(), ctx, counts, settings.tails().maxEventBytes())
            .reading(reader))
        .writer(new IndexWriter(indexer, reader, checkpoint))
        .build();
    return new JobBuilder(ImportHistory.JOB_NAME, db.repository()).listener(Owner.listener(db.repository()))
        .start(step).build();
  }

  /** The reader's view of the assembly's correlation, for one file. */
  private PieceReader.Correlation correlation(EventFormat format, SourceContext ctx) {
    return new PieceReader.Correlation() {
      @Override
      public long replayFrom(String origin, long durable) {
        return assembly.releasable(origin, durable);
      }

      @Override
      public void release(String origin, long before) {
        if (assembly.correlator() != null) assembly.correlator().release(origin, before);
      }

      @Override
      public void replay(Parsed piece) {
        assembly.replay(piece, format, ctx);
      }

      @Override
      public void endOfFile() {
        assembly.flush();
      }
    };
  }

  private static String failure(JobExecution ex) {
    List<Throwable> all = ex.getAllFailureExceptions();
    if (all.isEmpty()) return ex.getExitStatus().getExitDescription();
    log.debug("import failed", all.get(0));
    return io.callarchive.imports.Problems.describe(all.get(0));
  }

  private Instant fallbackTime(Path file, ImportOptions options) throws IOException {
    return switch (options.timeFrom()) {
      case "mtime" -> Files.getLastModifiedTime(file).toInstant();
      case "now" -> clock.instant();
      default -> Instant.parse(options.timeFrom());
    };
  }

  private String names() {
    return String.join(", ", formats.all().stream().map(EventFormat::name).toList());
  }
}
