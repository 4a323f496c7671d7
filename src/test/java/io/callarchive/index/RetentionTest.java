package io.callarchive.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.model.IndexType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void periodsParseInDaysWeeksMonthsYearsOrForever() {
    assertEquals(Instant.parse("2026-09-02T12:00:00Z"), Retention.Period.parse("90d").cutoff(NOW));
    assertEquals(Instant.parse("2026-11-17T12:00:00Z"), Retention.Period.parse("2w").cutoff(NOW));
    assertEquals(Instant.parse("2026-06-01T12:00:00Z"), Retention.Period.parse("6mo").cutoff(NOW));
    assertEquals(Instant.parse("2024-12-01T12:00:00Z"), Retention.Period.parse("2Y").cutoff(NOW));
    assertNull(Retention.Period.parse("forever").cutoff(NOW));
    for (String bad : new String[] {"90", "0d", "6m", "12 months", "-1d", ""}) {
      assertThrows(IllegalArgumentException.class, () -> Retention.Period.parse(bad), bad);
    }
  }

  @Test
  void aMonthExpiresWhenItsLastInstantIsOlderThanTheCutoff() {
    Retention.Period d90 = Retention.Period.parse("90d"); // cutoff 2026-09-02T12:00Z
    assertTrue(Pruner.isExpired(YearMonth.of(2026, 8), d90, NOW), "August ended on 09-01T00:00, before the cutoff");
    assertFalse(Pruner.isExpired(YearMonth.of(2026, 9), d90, NOW), "September still holds days newer than the cutoff");
    assertFalse(Pruner.isExpired(YearMonth.of(2026, 12), Retention.Period.parse("1d"), NOW), "never the current month");
    assertFalse(Pruner.isExpired(YearMonth.of(2000, 1), Retention.Period.parse("forever"), NOW));
  }

  @Test
  void fileOverridesDefaultsAndKeepOverridesTheFile(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("prune.properties");
    Files.writeString(f, "keep.events = 30d\nkeep.calls = 2y\n");
    Retention r = Retention.defaults().withFile(f).with(Map.of("calls", "forever"));
    assertEquals("30d", r.keep(IndexType.EVENTS).toString());
    assertEquals("forever", r.keep(IndexType.CALLS).toString());
    assertEquals("180d", r.keep(IndexType.QUALITY).toString(), "a type the file leaves out keeps its default");
    Files.writeString(f, "keep.event = 30d\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Retention.defaults().withFile(f));
    assertTrue(e.getMessage().contains("unknown index type 'event'"), e.getMessage());
  }
}
