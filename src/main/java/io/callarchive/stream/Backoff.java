package io.callarchive.stream;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays: exponential from {@code initial} to {@code max}, each with "equal jitter" (half fixed, half
 * random) so that many collectors restarted together do not hit a PBX in step; a refused login waits
 * {@code afterAuthFailure}, since retrying a wrong password fast only fills the PBX's security log. The random
 * source is injected so tests know the delays. Not thread-safe: one per connector.
 */
public final class Backoff {
  private final StreamConfig.Reconnect policy;
  private final RandomGenerator random;
  private int failures;

  public Backoff(StreamConfig.Reconnect policy, RandomGenerator random) {
    this.policy = policy;
    this.random = random;
  }

  /** The delay before the next attempt after a failure. */
  public Duration next(boolean authFailure) {
    if (authFailure) return policy.afterAuthFailure();
    long cap = policy.initial().toMillis() << Math.min(failures, 20);
    cap = Math.min(cap, policy.max().toMillis());
    failures++;
    long half = cap / 2;
    return Duration.ofMillis(half + (half == 0 ? 0 : random.nextLong(half + 1)));
  }

  /** A session worked: the next failure starts from {@code initial} again. */
  public void reset() {
    failures = 0;
  }

  /** Waits; tests replace it with one that records the delays and returns at once. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;

    Sleeper REAL = d -> Thread.sleep(d.toMillis());
  }
}
