package io.callarchive.index;

import io.callarchive.model.IndexType;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long each index type is kept: a period per type ({@code 90d}, {@code 12w}, {@code 6mo}, {@code 2y}) or
 * {@code forever}. Built-in defaults, overridden by a properties file ({@code keep.<type>=<period>}, see
 * {@code ingest/prune.properties}), overridden by {@code --keep type=period}. Immutable.
 */
public final class Retention {
  /** A retention period; {@code amount == 0} means forever. */
  public record Period(int amount, char unit) {
    private static final Pattern FORM = Pattern.compile("(\\d{1,5})(d|w|mo|y)");

    public static Period parse(String text) {
      String s = text.strip().toLowerCase(Locale.ROOT);
      if (s.equals("forever") || s.equals("never")) return new Period(0, 'f');
      Matcher m = FORM.matcher(s);
      if (!m.matches() || Integer.parseInt(m.group(1)) == 0) {
        throw new IllegalArgumentException("a retention period is a number of days, weeks, months or years"
            + " (90d, 12w, 6mo, 2y) or 'forever', got '" + text + "'");
      }
      return new Period(Integer.parseInt(m.group(1)), m.group(2).equals("mo") ? 'm' : m.group(2).charAt(0));
    }

    public boolean forever() {
      return amount == 0;
    }

    /** The instant {@code now} minus this period, on the UTC calendar; null when kept forever. */
    public Instant cutoff(Instant now) {
      if (forever()) return null;
      ZonedDateTime t = now.atZone(ZoneOffset.UTC);
      ZonedDateTime c = switch (unit) {
        case 'd' -> t.minusDays(amount);
        case 'w' -> t.minusWeeks(amount);
        case 'm' -> t.minusMonths(amount);
        default -> t.minusYears(amount);
      };
      return c.toInstant();
    }

    /** The period in whole days (months as 30, years as 365), for ILM's {@code min_age}; 0 when forever. */
    public long approximateDays() {
      return switch (unit) {
        case 'd' -> amount;
        case 'w' -> 7L * amount;
        case 'm' -> 30L * amount;
        case 'y' -> 365L * amount;
        default -> 0;
      };
    }

    @Override
    public String toString() {
      return forever() ? "forever" : amount + (unit == 'm' ? "mo" : String.valueOf(unit));
    }
  }

  /** Defaults for an archive that answers questions about last year's calls without keeping every raw event. */
  public static final Map<IndexType, Period> DEFAULTS = Map.of(
      IndexType.EVENTS, Period.parse("90d"),
      IndexType.QUALITY, Period.parse("180d"),
      IndexType.CALLS, Period.parse("400d"),
      IndexType.QUEUE, Period.parse("400d"),
      IndexType.SECURITY, Period.parse("365d"),
      IndexType.CHARGES, Period.parse("400d"),
      IndexType.ALERTS, Period.parse("365d"),
      IndexType.DEADLETTER, Period.parse("90d"));

  private final Map<IndexType, Period> keep;

  private Retention(Map<IndexType, Period> keep) {
    this.keep = Map.copyOf(keep);
  }

  public static Retention defaults() {
    return new Retention(DEFAULTS);
  }

  public Period keep(IndexType t) {
    return keep.get(t);
  }

  /** These settings with {@code keep.<type>=<period>} lines of a properties file applied. */
  public Retention withFile(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    }
    Map<IndexType, Period> m = new EnumMap<>(keep);
    for (String name : p.stringPropertyNames()) {
      if (!name.startsWith("keep.")) {
        throw new IllegalArgumentException(file + ": unknown setting " + name + " (expected keep.<type>=<period>)");
      }
      try {
        m.put(type(name.substring(5)), Period.parse(p.getProperty(name)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": " + e.getMessage());
      }
    }
    return new Retention(m);
  }

  /** These settings with {@code type=period} pairs applied (the {@code --keep} option). */
  public Retention with(Map<String, String> overrides) {
    Map<IndexType, Period> m = new EnumMap<>(keep);
    overrides.forEach((k, v) -> m.put(type(k), Period.parse(v)));
    return new Retention(m);
  }

  public static IndexType type(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    for (IndexType t : IndexType.values()) if (t.typeName().equals(n)) return t;
    throw new IllegalArgumentException("unknown index type '" + name + "': one of "
        + String.join(", ", Arrays.stream(IndexType.values()).map(IndexType::typeName).toList()));
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (IndexType t : IndexType.values()) {
      if (b.length() > 0) b.append(',');
      b.append(t.typeName()).append('=').append(keep.get(t));
    }
    return b.toString();
  }
}
