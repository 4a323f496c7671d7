package io.callarchive.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final StreamConfig.Reconnect policy =
      new StreamConfig.Reconnect(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(5));

  @Test
  void delaysDoubleUpToTheMaximumEachWithHalfOfItRandom() {
    Backoff b = new Backoff(policy, new Random(42));
    long cap = 1000;
    for (int i = 0; i < 12; i++) {
      long d = b.next(false).toMillis();
      assertTrue(d >= cap / 2 && d <= cap, "attempt " + i + ": " + d + " within [" + cap / 2 + ", " + cap + "]");
      cap = Math.min(cap * 2, 60_000);
    }
  }

  @Test
  void aRefusedLoginWaitsTheSlowDelayAndASuccessStartsAgainFromTheBeginning() {
    Backoff b = new Backoff(policy, new Random(7));
    assertEquals(Duration.ofMinutes(5), b.next(true));
    for (int i = 0; i < 8; i++) b.next(false);
    b.reset();
    assertTrue(b.next(false).toMillis() <= 1000);
  }
}
