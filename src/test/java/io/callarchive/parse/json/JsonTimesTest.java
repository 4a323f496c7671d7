package io.callarchive.parse.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JsonTimesTest {

  @Test
  void magnitudesOfWholeNumbers() {
    assertEquals(new JsonTimes.Stamp(Instant.parse("2024-05-01T10:00:00Z"), "s", false), JsonTimes.fromNumber(1714557600L));
    // Gregorian seconds (Kazoo Timestamp): Unix seconds plus 62,167,219,200
    assertEquals(Instant.parse("2024-05-01T10:00:00Z"), JsonTimes.fromNumber(1714557600L + 62_167_219_200L).time());
    assertEquals(new JsonTimes.Stamp(Instant.parse("2024-05-01T10:00:00.123Z"), "ms", false),
        JsonTimes.fromNumber("1714557600123"));
    assertEquals(new JsonTimes.Stamp(Instant.parse("2024-05-01T10:00:00.123456Z"), "us", false),
        JsonTimes.fromNumber(" 1714557600123456 "));
    assertNull(JsonTimes.fromNumber(12345L));
    assertNull(JsonTimes.fromNumber(0));
    assertNull(JsonTimes.fromNumber(-1714557600L));
    assertNull(JsonTimes.fromNumber(62_167_219_199L)); // 11 digits below the Gregorian offset
  }

  /** The whole-number path gives what the decimal path gives for the same value, at every magnitude. */
  @Test
  void wholeNumbersAgreeWithTheDecimalPath() {
    SplittableRandom r = new SplittableRandom(9);
    for (int i = 0; i < 200_000; i++) {
      int digits = 1 + r.nextInt(18);
      long lo = digits == 1 ? 0 : (long) Math.pow(10, digits - 1);
      long v = lo + r.nextLong(Math.max(1, (long) Math.pow(10, digits) - lo));
      if (r.nextInt(20) == 0) v = -v;
      JsonTimes.Stamp expected = JsonTimes.fromNumber(new BigDecimal(v));
      assertEquals(expected, JsonTimes.fromNumber(v), "long " + v);
      if (v >= 0) assertEquals(expected, JsonTimes.fromNumber(Long.toString(v)), "string " + v);
      if (v >= 0) assertEquals(expected, JsonTimes.fromNumber("00" + v), "zero-padded " + v);
      if (v == (int) v) assertEquals(expected, JsonTimes.fromNumber((int) v), "int " + v);
    }
  }
}
