package io.callarchive.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void etaIsTheTimeLeftAtTheCurrentRateAndUnknownBeforeAnyProgress() {
    assertEquals("0:10", Progress.eta(1000, 100));
    assertEquals("1:01:01", Progress.eta(3661, 1));
    assertEquals("?", Progress.eta(1000, 0));
    assertEquals("0:00", Progress.eta(0, 0));
  }
}
