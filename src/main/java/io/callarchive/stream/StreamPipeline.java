package io.callarchive.stream;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.correlate.CorrelatorSettings;
import io.callarchive.index.BulkIndexer;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.model.Parsed;
import io.callarchive.model.Provenance;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.EventReader;
import io.callarchive.parse.Formats;
import io.callarchive.pipeline.Assembly;
import io.callarchive.pipeline.DocIds;
import io.callarchive.pipeline.DocSink;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.SourceContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream's use of the one pipeline {@link Assembly}: spool records → the source's format reader over the
 * frame's bytes → the assembly (normalise, enrich, correlate; documents to its bulk indexer, in one group per
 * checkpoint).
 *
 * <p>Positions. A frame's provenance is {@code (origin, spool sequence, length)}; its untimed events take their
 * identity from that sequence, so a replay makes the same ids. Every {@code checkpointEvery} the assembly sees the
 * wall clock (calls ended more than the grace ago are written complete), running calls are written as they stand,
 * and a bulk group is closed with, per connection, {@link Assembly#releasable}: the smaller of what was read and
 * the oldest input an open call or a summary on its way holds. When the group is acknowledged, the spool is
 * released up to there: after a crash the replay from there rebuilds the open calls, and deterministic ids make
 * what is written again harmless.
 *
 * <p>Failure. Should the assembly throw (Elasticsearch refusing past every retry), the in-memory state is dropped
 * and the spool is read again from the released positions once Elasticsearch answers. One thread ({@link #run}); the counters and {@link #listeners} may be used from any thread.
 */
public final class StreamPipeline implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(StreamPipeline.class);

  private final Spool spool;
  private final ElasticsearchClient client;
  private Assembly assembly;
  private BulkIndexer indexer;
  private final Map<String, StreamConfig.Source> sources = new HashMap<>();
  private final Map<String, String> connectionByOrigin = new HashMap<>();
  private final Formats formats = Formats.standard();
  private final Clock clock;
  private final StreamConfig.Correlation settings;
  private final Duration checkpointEvery;

  /**
   * Document listeners (the alert engine): every document Elasticsearch acknowledged, events and derived
   * documents, call, queue and quality summaries included, as the index holds it. Told on an indexer thread: a
   * listener must not block (it slows the acknowledgements, so the spool's release) and must not call the indexer.
   * A rewind or a restart tells again what is replayed (same ids).
   */
  public final List<Consumer<IndexDoc>> listeners = new CopyOnWriteArrayList<>();

  public final Map<String, LongAdder> received = new ConcurrentHashMap<>();
  public final Map<String, LongAdder> acknowledged = new ConcurrentHashMap<>();
  public final LongAdder deadLettered = new LongAdder();
  public final LongAdder rewinds = new LongAdder();
  private volatile Instant oldestUnacknowledged;
  private volatile boolean running = true;
  private volatile boolean drained;
  private volatile boolean elasticsearchOk = true;

  private Spool.Cursor cursor;
  private Pipeline pipeline;
  private BulkIndexer.Group group;
  private final Map<String, Long> read = new HashMap<>();
  private final Map<String, Long> readInGroup = new HashMap<>();
  private Instant groupOldest;
  private final ArrayDeque<Checkpoint> pending = new ArrayDeque<>();

  /** A closed group: releasable positions once its documents are acknowledged. */
  private record Checkpoint(
      BulkIndexer.Group group, Map<String, Long> release, Map<String, Long> events, Instant oldest, long[] receivedMs) {}

  /** Told, for every frame, the milliseconds from its receipt to Elasticsearch's acknowledgement of all made of it. */
  public volatile java.util.function.LongConsumer acknowledgeLatencyMs = ms -> {};

  private long[] receivedMs = new long[1024];
  private int receivedCount;

  public StreamPipeline(
      Spool spool, ElasticsearchClient client, List<StreamConfig.Source> sources, StreamConfig.Correlation settings,
      Clock clock) {
    this.spool = spool;
    this.client = client;
    this.clock = clock;
    this.settings = settings;
    this.checkpointEvery = settings.updateEvery();
    for (StreamConfig.Source s : sources) {
      this.sources.put(s.name(), s);
      connectionByOrigin.put(s.origin(), s.name());
      received.put(s.name(), new LongAdder());
      acknowledged.put(s.name(), new LongAdder());
    }
    assemble();
  }

  /** A fresh in-memory state reading from the released positions. */
  private void assemble() {
    if (cursor != null) {
      try {
        cursor.close();
      } catch (IOException ignored) {
        // a reader's file
      }
    }
    cursor = spool.cursor();
    Assembly old = assembly;
    if (old != null) {
      // What the old one holds is not released: it is read again. Its close may wait on Elasticsearch.
      Thread.ofPlatform().daemon().name("stream-old-assembly").start(() -> {
        try {
          old.indexer().close();
        } catch (RuntimeException e) {
          log.debug("closing the previous assembly: {}", e.toString());
        }
      });
    }
    // The stream never gives up on Elasticsearch: what it cannot write waits in the spool.
    assembly = Assembly.create(client, new Assembly.Settings(2000, Duration.ofDays(3650),
        new CorrelatorSettings(settings.grace(), settings.idleTimeout(), 200_000)), clock);
    indexer = assembly.indexer();
    indexer.onWritten(this::tell);
    DocSink sink = new DocSink() {
      @Override
      public void accept(IndexDoc doc) {
        if (doc.type() == IndexType.DEADLETTER) deadLettered.increment();
        indexer.accept(doc, group);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    pipeline = assembly.pipeline(sink);
    read.clear();
    readInGroup.clear();
    receivedCount = 0;
    pending.clear();
    group = indexer.group();
    groupOldest = null;
  }

  /** One acknowledged document to every listener, on an indexer thread (see {@link BulkIndexer#onWritten}). */
  private void tell(IndexDoc doc) {
    for (Consumer<IndexDoc> l : listeners) {
      try {
        l.accept(doc);
      } catch (RuntimeException e) {
        log.error("A document listener failed on {}: {}", doc.id(), e.toString());
      }
    }
  }

  /**
   * Asks Elasticsearch every {@code every} whether it answers, for {@code /health}: the bulk indexer retries
   * without end on its own, so a failed write alone does not say the cluster is gone.
   */
  public void probe(Duration every) {
    Thread.ofPlatform().daemon().name("stream-es-probe").start(() -> {
      while (running) {
        boolean ok;
        try {
          ok = answers();
        } catch (IOException | RuntimeException e) {
          ok = false;
        }
        if (ok != elasticsearchOk) {
          if (ok) log.info("Elasticsearch answers again");
          else log.warn("Elasticsearch does not answer; events are kept in the spool meanwhile");
        }
        elasticsearchOk = ok;
        try {
          Thread.sleep(every.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  /** GET / is not served by every distribution (the minimal one answers 405); cluster health is. */
  private boolean answers() throws IOException {
    return client.cluster().health(h -> h.timeout(t -> t.time("5s"))).status() != null;
  }

  @Override
  public void run() {
    Instant nextCheckpoint = clock.instant().plus(checkpointEvery);
    while (true) {
      try {
        Spool.Record r = cursor.next(Duration.ofMillis(50));
        if (r != null) process(r);
        else if (!running) {
          checkpoint();
          if (awaitPending(Duration.ofSeconds(30))) drained = true;
          return;
        }
        Instant now = clock.instant();
        if (!now.isBefore(nextCheckpoint)) {
          checkpoint();
          nextCheckpoint = now.plus(checkpointEvery);
        }
        releaseAcknowledged();
      } catch (RuntimeException | IOException e) {
        if (!running) return;
        elasticsearchOk = false;
        log.warn("Writing to Elasticsearch failed ({}); reading the spool again from the acknowledged positions"
            + " once it answers", e.getMessage());
        waitForElasticsearch();
        rewinds.increment();
        assemble();
        nextCheckpoint = clock.instant().plus(checkpointEvery);
      }
    }
  }

  private void waitForElasticsearch() {
    long delay = 500;
    while (running) {
      try {
        if (answers()) {
          elasticsearchOk = true;
          return;
        }
      } catch (IOException | RuntimeException e) {
        // still away
      }
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      delay = Math.min(5_000, delay * 2);
    }
  }

  private void process(Spool.Record r) throws IOException {
    StreamConfig.Source src = sources.get(r.connection());
    read.put(r.connection(), r.seq() + 1);
    if (groupOldest == null) groupOldest = r.received();
    if (src == null) return; // a connection no longer configured: its records are only released
    readInGroup.merge(r.connection(), 1L, Long::sum);
    EventFormat format = formats.byName(src.format()).orElseThrow();
    SourceContext ctx = new SourceContext(src.observerName(), src.labels(), r.received());
    if (r.isState()) {
      stateEvent(src, format, r);
      return;
    }
    received.get(r.connection()).increment();
    if (receivedCount == receivedMs.length) receivedMs = java.util.Arrays.copyOf(receivedMs, receivedCount * 2);
    receivedMs[receivedCount++] = r.received().toEpochMilli();
    Provenance at = new Provenance(src.origin(), r.seq(), r.bytes().length);
    try (EventReader reader = format.open(new ByteArrayInputStream(r.bytes()), src.origin())) {
      for (Parsed p = reader.next(); p != null; p = reader.next()) {
        Parsed placed = switch (p) {
          // events without a time get the record's receive time (the connector warned once per connection)
          case Parsed.Event e -> new Parsed.Event(e.action(), e.fields(), e.time(), e.timePrecision(), e.lossyText(), e.raw(), at);
          case Parsed.Skipped s -> new Parsed.Skipped(s.reason(), s.raw(), at);
          case Parsed.Malformed m -> new Parsed.Malformed(m.reason(), m.raw(), at);
        };
        pipeline.accept(placed, format, ctx);
      }
    }
  }

  /** A connection's state change as an event of its own ({@code event.kind: state}). */
  private void stateEvent(StreamConfig.Source src, EventFormat format, Spool.Record r) {
    Doc doc = new Doc();
    doc.put("@timestamp", r.received().toString());
    doc.put("event.dataset", format.dataset());
    doc.put("event.kind", "state");
    doc.put("event.action", r.state());
    doc.put("event.outcome", switch (r.state()) {
      case "connected", "reconnected", "authenticated" -> "success";
      default -> "failure";
    });
    doc.put("event.ingested", clock.instant().toString());
    doc.put("observer.name", src.observerName());
    if (!src.labels().isEmpty()) doc.put("labels", new java.util.LinkedHashMap<String, Object>(src.labels()));
    doc.put("message", r.detail());
    doc.put("event.original", r.state() + ": " + r.detail());
    doc.put("log.file.path", src.origin());
    doc.put("log.offset", r.seq());
    byte[] raw = (r.state() + ": " + r.detail()).getBytes(StandardCharsets.UTF_8);
    Provenance at = new Provenance(src.origin(), r.seq(), raw.length);
    String id = DocIds.of(format.dataset(), src.observerName(), "state", src.origin(), r.seq());
    pipeline.sink().accept(new IndexDoc(IndexType.EVENTS, id, r.received(), doc, raw, at));
    boolean gap = switch (r.state()) {
      case "sequence_gap", "spool_full", "replaced" -> true;
      // a Kazoo broker and the ccs platform keep what was not acknowledged: no events were missed
      case "disconnected", "auth_failed" -> src.disconnectIsGap();
      default -> false;
    };
    // The source had a gap: calls open across it end incomplete now, and are completed by what comes later.
    if (gap) assembly.correlator().closeObserver(src.observerName());
  }

  private void checkpoint() {
    assembly.tick(clock.instant());
    assembly.correlator().writeOpen();
    Map<String, Long> release = new HashMap<>();
    for (Map.Entry<String, Long> e : read.entrySet()) {
      StreamConfig.Source src = sources.get(e.getKey());
      release.put(e.getKey(), src == null ? e.getValue() : Math.min(e.getValue(), assembly.releasable(src.origin(), e.getValue())));
    }
    pending.add(new Checkpoint(group, release, new HashMap<>(readInGroup), groupOldest,
        java.util.Arrays.copyOf(receivedMs, receivedCount)));
    receivedCount = 0;
    readInGroup.clear();
    groupOldest = null;
    group = indexer.group();
  }

  private void releaseAcknowledged() throws IOException {
    Map<String, Long> release = null;
    while (!pending.isEmpty() && pending.peek().group().done()) {
      Checkpoint c = pending.poll();
      release = c.release();
      long now = clock.millis();
      for (long t : c.receivedMs()) acknowledgeLatencyMs.accept(now - t);
      for (Map.Entry<String, Long> e : c.events().entrySet()) {
        LongAdder a = acknowledged.get(e.getKey());
        if (a != null) a.add(e.getValue());
      }
    }
    Checkpoint head = pending.peek();
    oldestUnacknowledged = head != null ? head.oldest() : groupOldest;
    if (release != null) spool.release(release);
  }

  private boolean awaitPending(Duration max) throws IOException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!pending.isEmpty() && System.nanoTime() < deadline) {
      releaseAcknowledged();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    releaseAcknowledged();
    return pending.isEmpty();
  }

  /** Asks the thread to finish: reads what is spooled, writes and acknowledges it, then returns from {@link #run}. */
  public void stop() {
    running = false;
  }

  /** True when the last stop wrote and acknowledged everything read. */
  public boolean drained() {
    return drained;
  }

  public boolean elasticsearchOk() {
    return elasticsearchOk;
  }

  /** When the oldest record read and not yet acknowledged was received, or null when none is waiting. */
  public Instant oldestUnacknowledged() {
    return oldestUnacknowledged;
  }

  public int openCalls() {
    Assembly a = assembly;
    return a == null ? 0 : a.correlator().openSessions();
  }

  /** The bulk indexer in use (a new one after a rewind). */
  public BulkIndexer indexer() {
    return indexer;
  }

  /** Closes the assembly: writes what it holds within {@code max}, else leaves it to the spool's replay. */
  public void close(Duration max) {
    Assembly a = assembly;
    if (a == null) return;
    Thread closer = Thread.ofPlatform().daemon().name("stream-assembly-close").start(() -> {
      try {
        a.indexer().close();
      } catch (RuntimeException e) {
        log.warn("Closing the bulk indexer: {}", e.getMessage());
      }
    });
    try {
      closer.join(max);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (closer.isAlive()) log.warn("Elasticsearch did not take the last documents; they stay in the spool for the next start");
  }
}
