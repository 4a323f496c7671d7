package io.callarchive.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations ({@code 30s}, {@code 5m}, {@code 2h}, {@code 0}) and byte sizes ({@code 512KiB}, {@code 1MiB}) on the command line. */
final class Sizes {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
  private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib)?");

  private Sizes() {}

  static Duration duration(String option, String text) {
    Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) throw new IllegalArgumentException(option + " must be a duration like 30s, 5m or 2h, got '" + text + "'");
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofSeconds(n);
    };
  }

  static int bytes(String option, String text) {
    Matcher m = BYTES.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) throw new IllegalArgumentException(option + " must be a size like 512KiB or 4MiB, got '" + text + "'");
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    long v = switch (unit) {
      case "k", "kb", "kib" -> n << 10;
      case "m", "mb", "mib" -> n << 20;
      default -> n;
    };
    if (v > 64L << 20) throw new IllegalArgumentException(option + " must be at most 64MiB, got '" + text + "'");
    return (int) v;
  }
}
