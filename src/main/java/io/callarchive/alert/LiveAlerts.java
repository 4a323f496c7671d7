package io.callarchive.alert;

import io.callarchive.model.IndexDoc;
import io.callarchive.pipeline.DocSink;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules as a long-running service wires them: an {@link AlertEngine} over the configured rules whose notices
 * go to the given index sink (the service's bulk indexer), the log and the configured notifiers, with its state in
 * a file. Thread-safe, like the engine.
 *
 * <p>Two ways to drive it. Directly: {@link #accept} every acknowledged document and {@link #tick} about once a
 * second, from the caller's threads. Or, as the stream does, on a thread of its own: {@link #start}, then
 * {@link #offer} each acknowledged document (the engine's own alert documents among them are recognised by id and
 * count once); {@code offer} never blocks, so neither a slow index sink nor a hanging webhook nor the rules
 * themselves can hold up the caller. A full queue drops the document ({@link #dropped}, logged once per episode)
 * rather than wait. {@link #close} at shutdown: the queued documents are evaluated, the state saved, and the
 * webhook and mail deliveries given a few seconds.
 */
public final class LiveAlerts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LiveAlerts.class);
  /** Documents waiting for the engine; a second of a busy stream is well below it. */
  public static final int QUEUE = 100_000;

  private final Notifiers notifiers;
  private final AlertEngine engine;
  private final Clock clock;
  private final BlockingQueue<IndexDoc> queue = new ArrayBlockingQueue<>(QUEUE);
  private volatile Thread worker;
  private volatile boolean closing;
  private volatile boolean dropping;

  /** Documents not evaluated because the queue was full. */
  public final LongAdder dropped = new LongAdder();

  public LiveAlerts(AlertConfig config, DocSink index, Path stateFile, Clock clock) throws IOException {
    this.clock = clock;
    this.notifiers = new Notifiers(config, index, clock);
    this.engine = new AlertEngine(config.rules(), notifiers, stateFile);
  }

  public void accept(IndexDoc doc) {
    engine.accept(doc);
  }

  /** Closes windows, raises flatlines and recoveries up to the clock's time, saves the state. */
  public void tick() {
    tick(clock.instant());
  }

  public void tick(Instant now) {
    engine.tick(now);
  }

  /**
   * Starts the engine's thread: it evaluates the offered documents in order and ticks every second up to
   * {@code horizon}, the time up to which every document received has been offered (the stream's clock, held
   * back while documents received earlier wait for Elasticsearch: an outage must not look like silent sources,
   * nor make the documents it delayed too late for their windows).
   */
  public synchronized void start(Supplier<Instant> horizon) {
    if (worker != null) throw new IllegalStateException("already started");
    worker = Thread.ofPlatform().daemon().name("alerts").start(() -> run(horizon));
  }

  /** Hands an acknowledged document to the engine's thread; never blocks. */
  public void offer(IndexDoc doc) {
    if (queue.offer(doc)) {
      dropping = false;
      return;
    }
    dropped.increment();
    if (!dropping) {
      dropping = true;
      log.warn("The alert engine is behind by {} documents; documents are not evaluated until it catches up", QUEUE);
    }
  }

  private void run(Supplier<Instant> horizon) {
    long nextTick = System.nanoTime();
    while (true) {
      try {
        long wait = nextTick - System.nanoTime();
        IndexDoc doc = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : null;
        if (doc != null) {
          evaluate(doc);
          continue;
        }
        if (closing) {
          drain();
          return;
        }
        // The horizon first, then what was offered before it was read: every document it covers is then in.
        Instant h = horizon.get();
        drain();
        engine.tick(h);
        nextTick = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // A rule or a notifier bug must not end live alerting; the document is logged, not retried.
        log.error("The alert engine failed: {}", e.toString(), e);
        nextTick = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      }
    }
  }

  private void drain() {
    for (IndexDoc d = queue.poll(); d != null; d = queue.poll()) evaluate(d);
  }

  private void evaluate(IndexDoc doc) {
    try {
      engine.accept(doc);
    } catch (RuntimeException e) {
      log.error("The alert engine failed on {}: {}", doc.id(), e.toString(), e);
    }
  }

  /** Documents offered and not yet evaluated. */
  public int queued() {
    return queue.size();
  }

  public AlertEngine engine() {
    return engine;
  }

  public Notifiers notifiers() {
    return notifiers;
  }

  /**
   * Evaluates what was offered (at most {@code grace}), saves the state and gives queued webhook and mail
   * deliveries a few seconds. The index sink is the caller's: close it afterwards, so that the last notices are
   * written.
   */
  public void close(Duration grace) {
    closing = true;
    Thread w = worker;
    if (w != null) {
      try {
        w.join(grace);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (w.isAlive()) {
        log.warn("The alert engine did not finish within {} s; {} documents not evaluated", grace.toSeconds(), queue.size());
        w.interrupt();
      }
    }
    engine.close();
    notifiers.close(Duration.ofSeconds(10));
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
