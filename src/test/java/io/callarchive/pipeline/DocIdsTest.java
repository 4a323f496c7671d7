package io.callarchive.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callarchive.model.IndexType;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DocIdsTest {
  /** The month as schema.md names it: callarchive-<type>-yyyy.MM in UTC, from the calendar fields. */
  private static String expected(IndexType type, Instant t) {
    ZonedDateTime z = t.atZone(ZoneOffset.UTC);
    return String.format("callarchive-%s-%04d.%02d", type.typeName(), z.getYear(), z.getMonthValue());
  }

  @Test
  void indexNamesFollowTheUtcMonthAcrossBoundariesInAnyOrder() {
    Random random = new Random(9);
    IndexType[] types = IndexType.values();
    for (int i = 0; i < 20_000; i++) {
      Instant t;
      if (random.nextBoolean()) {
        // around a month boundary: the last and first seconds of months, where a cached range could be off by one
        ZonedDateTime start = ZonedDateTime.of(1990 + random.nextInt(80), 1 + random.nextInt(12), 1, 0, 0, 0, 0,
            ZoneOffset.UTC);
        t = start.toInstant().plusSeconds(random.nextInt(3) - 1).plusNanos(random.nextInt(1_000_000_000));
      } else {
        t = Instant.ofEpochSecond(631_152_000L + (long) (random.nextDouble() * 2_500_000_000L));
      }
      IndexType type = types[random.nextInt(types.length)];
      assertEquals(expected(type, t), DocIds.indexName(type, t), t.toString());
    }
  }

  @Test
  void aLeapDayAndTheLastNanosecondOfAYearStayInTheirMonth() {
    Instant leap = Instant.parse("2028-02-29T23:59:59.999999999Z");
    assertEquals("callarchive-calls-2028.02", DocIds.indexName(IndexType.CALLS, leap));
    assertEquals("callarchive-calls-2028.03", DocIds.indexName(IndexType.CALLS, leap.plusNanos(1)));
    assertEquals("callarchive-calls-2026.12", DocIds.indexName(IndexType.CALLS, Instant.parse("2026-12-31T23:59:59.999999999Z")));
    assertEquals("callarchive-calls-2027.01", DocIds.indexName(IndexType.CALLS, Instant.parse("2027-01-01T00:00:00Z")));
  }
}
