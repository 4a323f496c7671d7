package io.callarchive.alert;

import java.time.Duration;

/**
 * Somewhere an alert is told. {@link #send} must return at once (slow peers queue, see {@link Delivery}) and never
 * throws. Thread-safe.
 */
public interface Notifier {
  String name();

  void send(Alert alert);

  /** What happened to the alerts sent so far. */
  default Counts counts() {
    return new Counts(0, 0, 0, 0);
  }

  /** Delivers what is queued, waiting at most {@code grace}, and releases the notifier. */
  default void close(Duration grace) {}

  record Counts(long delivered, long failed, long dropped, long attempts) {}
}
