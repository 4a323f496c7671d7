package io.callarchive.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {

  @Test
  void writesWhatInstantToStringWrites() {
    IsoInstants iso = new IsoInstants();
    SplittableRandom r = new SplittableRandom(9);
    long[] seconds = {0, 59, 86399, 86400, 951782400L, 1709210096L, 253402300799L, 253402300800L, -1, -62135596800L};
    int[] nanos = {0, 1, 999_999_999, 1_000_000, 120_000_000, 123_456_000, 123_456_789, 500};
    for (long s : seconds) {
      for (int n : nanos) {
        Instant t = Instant.ofEpochSecond(s, n);
        assertEquals(t.toString(), iso.format(t), t::toString);
      }
    }
    for (int i = 0; i < 200_000; i++) {
      // mostly neighbouring days (the cached date part), sometimes far jumps, every fraction width
      long s = i % 7 == 0 ? r.nextLong(-100_000_000_000L, 300_000_000_000L) : 1_700_000_000L + r.nextLong(0, 400_000);
      int n = switch (i % 4) {
        case 0 -> 0;
        case 1 -> r.nextInt(1000) * 1_000_000;
        case 2 -> r.nextInt(1_000_000) * 1000;
        default -> r.nextInt(1_000_000_000);
      };
      Instant t = Instant.ofEpochSecond(s, n);
      assertEquals(t.toString(), iso.format(t));
    }
  }
}
