package io.callarchive.stream.connect;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Delays between reconnect attempts: exponential from {@code initial}, capped at {@code max}, with full jitter
 * over the upper half of each step (so that many collectors cut off by one PBX restart do not all come back in
 * the same instant). The random source is injected so tests are deterministic.
 *
 * @param initial the delay before the first retry
 * @param max the largest delay
 * @param random uniform values in [0, 1)
 */
public record Backoff(Duration initial, Duration max, DoubleSupplier random) {

  public Backoff {
    if (initial == null || initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("backoff initial delay must be positive");
    }
    if (max == null || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff max delay must be at least the initial delay");
    }
    if (random == null) throw new IllegalArgumentException("backoff random source must not be null");
  }

  /** 1 s doubling to 60 s, with {@link Math#random()} jitter. */
  public static Backoff standard() {
    return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), Math::random);
  }

  public static Backoff of(Duration initial, Duration max) {
    return new Backoff(initial, max, Math::random);
  }

  /** The delay before retry number {@code attempt} (1 for the first retry after a loss). */
  public Duration delay(int attempt) {
    int shift = Math.max(0, Math.min(attempt - 1, 30));
    long step = initial.toMillis() << shift;
    if (step <= 0 || step > max.toMillis()) step = max.toMillis();
    double r = random.getAsDouble();
    long jittered = step / 2 + (long) (r * (step - step / 2));
    return Duration.ofMillis(Math.max(1, jittered));
  }

  /** The delay after an authentication failure: the slowest step, since a wrong password does not fix itself. */
  public Duration slow() {
    return delay(31);
  }
}
