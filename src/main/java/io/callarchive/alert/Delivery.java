package io.callarchive.alert;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands alerts to a slow peer (a webhook, an SMTP server) from a thread of its own, so that the pipeline that
 * raised them never waits: {@link #send} only queues, and a full queue drops the alert (counted) rather than
 * block. Each alert is tried {@code 1 + retries} times with exponential backoff. Thread-safe.
 */
abstract class Delivery implements Notifier {
  private static final Logger log = LoggerFactory.getLogger(Delivery.class);

  /** A failed attempt: {@code retry} says whether trying again can help (a 500 can, a 400 cannot). */
  static final class AttemptFailed extends Exception {
    final boolean retry;

    AttemptFailed(String message, boolean retry) {
      super(message);
      this.retry = retry;
    }
  }

  private final String name;
  private final int retries;
  private final Duration backoff;
  private final BlockingQueue<Alert> queue;
  private final Thread worker;
  private final AtomicInteger busy = new AtomicInteger();
  private volatile boolean closing;

  final LongAdder delivered = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final LongAdder attempts = new LongAdder();

  Delivery(String name, int retries, Duration backoff, int capacity) {
    this.name = name;
    this.retries = retries;
    this.backoff = backoff;
    this.queue = new LinkedBlockingQueue<>(Math.max(1, capacity));
    this.worker = new Thread(this::run, "alert-" + name);
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /** One attempt to deliver; throws when it failed. */
  abstract void attempt(Alert alert) throws AttemptFailed;

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(Alert alert) {
    busy.incrementAndGet();
    if (!queue.offer(alert)) {
      busy.decrementAndGet();
      dropped.increment();
      log.warn("Notifier {}: queue full, alert {} for {} not sent ({} dropped so far)", name, alert.rule(), alert.key(),
          dropped.sum());
    }
  }

  @Override
  public Counts counts() {
    return new Counts(delivered.sum(), failed.sum(), dropped.sum(), attempts.sum());
  }

  private void run() {
    while (true) {
      Alert a;
      try {
        a = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (a == null) {
        if (closing) return;
        continue;
      }
      try {
        deliver(a);
      } finally {
        busy.decrementAndGet();
      }
    }
  }

  private void deliver(Alert a) {
    long pause = backoff.toMillis();
    for (int attempt = 0; ; attempt++) {
      attempts.increment();
      try {
        attempt(a);
        delivered.increment();
        return;
      } catch (AttemptFailed e) {
        if (!e.retry || attempt >= retries) {
          failed.increment();
          log.warn("Notifier {}: alert {} for {} not delivered after {} attempt(s): {}", name, a.rule(), a.key(),
              attempt + 1, e.getMessage());
          return;
        }
        log.info("Notifier {}: attempt {} failed ({}); retrying in {} ms", name, attempt + 1, e.getMessage(), pause);
      } catch (RuntimeException e) {
        failed.increment();
        log.warn("Notifier {}: alert {} for {} not delivered: {}", name, a.rule(), a.key(), e.toString());
        return;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        failed.increment();
        return;
      }
      pause = Math.min(pause * 2, 300_000);
    }
  }

  /** Waits until everything queued was delivered or given up, at most {@code grace}; then stops the thread. */
  @Override
  public void close(Duration grace) {
    long until = System.nanoTime() + grace.toNanos();
    while (busy.get() > 0 && System.nanoTime() < until) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    closing = true;
    if (busy.get() > 0) {
      log.warn("Notifier {}: {} alert(s) still undelivered at shutdown", name, busy.get());
      worker.interrupt();
    }
  }
}
