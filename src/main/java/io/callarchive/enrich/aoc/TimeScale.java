package io.callarchive.enrich.aoc;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * AOC-S time scales (Asterisk {@code ast_aoc_time_scale}, main/aoc.c). The legacy AMI shape (Asterisk ≤ 13.2)
 * prints the name, the JSON-flattened shape of 13.3+ the numeric enum value 0..6 (event-sources §1.8).
 */
public enum TimeScale {
  ONE_HUNDREDTH_SECOND("OneHundredthSecond", new BigDecimal("0.01")),
  ONE_TENTH_SECOND("OneTenthSecond", new BigDecimal("0.1")),
  SECOND("Second", BigDecimal.ONE),
  TEN_SECONDS("TenSeconds", BigDecimal.TEN),
  MINUTE("Minute", BigDecimal.valueOf(60)),
  HOUR("Hour", BigDecimal.valueOf(3600)),
  DAY("Day", BigDecimal.valueOf(86400));

  public final String label;
  public final BigDecimal seconds;

  TimeScale(String label, BigDecimal seconds) {
    this.label = label;
    this.seconds = seconds;
  }

  /** The scale for a name or an enum number (its ordinal), or null when unknown. */
  public static TimeScale parse(String v) {
    if (v == null) return null;
    String s = v.strip();
    if (s.matches("\\d{1,2}")) {
      int i = Integer.parseInt(s);
      return i < values().length ? values()[i] : null;
    }
    for (TimeScale t : values()) {
      if (t.label.toLowerCase(Locale.ROOT).equals(s.toLowerCase(Locale.ROOT))) return t;
    }
    return null;
  }
}
