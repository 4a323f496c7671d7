package io.callarchive.parse.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Event times of the JSON formats: ISO-8601 text in its wire variants, and numbers whose unit is their size. */
public final class JsonTimes {
  private JsonTimes() {}

  /**
   * Unix epoch in Gregorian seconds since 0000-01-01: 719 528 days × 86 400 s (event-sources §0.2; Kazoo's
   * {@code UNIX_EPOCH_IN_GREGORIAN}).
   */
  public static final long GREGORIAN_UNIX_OFFSET_S = 62_167_219_200L;

  /**
   * A point in time as the source gave it.
   *
   * @param precision {@code s}, {@code ms} or {@code us} (finer input is reported as {@code us})
   * @param zoneAssumed true when the text had no offset and UTC was assumed (event-sources §5.4)
   */
  public record Stamp(Instant time, String precision, boolean zoneAssumed) {}

  // ARI writes %FT%T.%q%z: "+0000" without colon (§2.5); others write "+00:00" or "Z"; ccs may omit the offset.
  private static final Pattern ISO =
      Pattern.compile(
          "(\\d{4})-(\\d{2})-(\\d{2})[Tt ](\\d{2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?\\s*"
              + "(Z|z|UTC|[+-]\\d{2}(?::?\\d{2})?)?");

  /** Parses ISO-8601 date-time text in the variants the sources use; null when it is not one. */
  public static Stamp parseIso(String s) {
    if (s == null) return null;
    Matcher m = ISO.matcher(s.strip());
    if (!m.matches()) return null;
    try {
      LocalDate d = LocalDate.of(num(m.group(1)), num(m.group(2)), num(m.group(3)));
      String frac = m.group(7);
      int nanos = frac == null ? 0 : Integer.parseInt((frac + "00000000").substring(0, 9));
      LocalTime t = LocalTime.of(num(m.group(4)), num(m.group(5)), m.group(6) == null ? 0 : num(m.group(6)), nanos);
      String zone = m.group(8);
      ZoneOffset off;
      if (zone == null || zone.equalsIgnoreCase("Z") || zone.equals("UTC")) {
        off = ZoneOffset.UTC;
      } else {
        String z = zone.replace(":", "");
        int sign = z.charAt(0) == '-' ? -1 : 1;
        int hh = num(z.substring(1, 3));
        int mm = z.length() >= 5 ? num(z.substring(3, 5)) : 0;
        off = ZoneOffset.ofHoursMinutes(sign * hh, sign * mm);
      }
      Instant i = d.atTime(t).toInstant(off);
      String precision = frac == null ? "s" : frac.length() <= 3 ? "ms" : "us";
      return new Stamp(i, precision, zone == null);
    } catch (DateTimeException | NumberFormatException e) {
      return null;
    }
  }

  /**
   * A number whose unit is recognised by its magnitude (event-sources §0.2): Unix seconds (10 digits), Gregorian
   * seconds (11 digits from 62167219200), Unix milliseconds (13), Unix microseconds (16), Gregorian microseconds
   * (17 digits from 6.2e16). A fraction on seconds or milliseconds is kept. Null for any other magnitude.
   */
  public static Stamp fromNumber(Object v) {
    long w = whole(v);
    if (w != NOT_WHOLE) return fromWhole(w);
    BigDecimal d = decimal(v);
    if (d == null || d.signum() <= 0) return null;
    BigInteger whole = d.toBigInteger();
    int digits = whole.toString().length();
    int fracDigits = Math.max(0, d.stripTrailingZeros().scale());
    long gregS = GREGORIAN_UNIX_OFFSET_S;
    try {
      return switch (digits) {
        case 10 -> stamp(d, 1, fracDigits == 0 ? "s" : fracDigits <= 3 ? "ms" : "us");
        case 11 -> whole.longValueExact() >= gregS
            ? stamp(d.subtract(BigDecimal.valueOf(gregS)), 1, fracDigits == 0 ? "s" : fracDigits <= 3 ? "ms" : "us")
            : null;
        case 13 -> stamp(d, 1_000, fracDigits == 0 ? "ms" : "us");
        case 16 -> stamp(d, 1_000_000, "us");
        case 17 -> whole.longValueExact() >= gregS * 1_000_000
            ? stamp(d.subtract(BigDecimal.valueOf(gregS * 1_000_000)), 1_000_000, "us")
            : null;
        default -> null;
      };
    } catch (ArithmeticException | DateTimeException e) {
      return null;
    }
  }

  private static final long NOT_WHOLE = Long.MIN_VALUE;

  /**
   * A whole number given as an integer or as a string of at most 18 decimal digits, or {@link #NOT_WHOLE}: the
   * common case, done without BigDecimal (it showed in the Kazoo parse profile). Anything else (fractions,
   * signs, exponents, longer strings) goes the BigDecimal way.
   */
  private static long whole(Object v) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short) return ((Number) v).longValue();
    if (v instanceof String s) {
      String t = s.strip();
      if (t.isEmpty() || t.length() > 18) return NOT_WHOLE;
      for (int i = 0; i < t.length(); i++) if (t.charAt(i) < '0' || t.charAt(i) > '9') return NOT_WHOLE;
      return Long.parseLong(t);
    }
    return NOT_WHOLE;
  }

  /** {@link #fromNumber} for a whole number, with the same magnitudes and results. */
  private static Stamp fromWhole(long w) {
    if (w <= 0) return null;
    int digits = Long.toString(w).length();
    long gregS = GREGORIAN_UNIX_OFFSET_S;
    try {
      return switch (digits) {
        case 10 -> whole(w, 1, "s");
        case 11 -> w >= gregS ? whole(w - gregS, 1, "s") : null;
        case 13 -> whole(w, 1_000, "ms");
        case 16 -> whole(w, 1_000_000, "us");
        case 17 -> w >= gregS * 1_000_000 ? whole(w - gregS * 1_000_000, 1_000_000, "us") : null;
        default -> null;
      };
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static Stamp whole(long value, long perSecond, String precision) {
    long nanos = value % perSecond * (1_000_000_000L / perSecond);
    return new Stamp(Instant.ofEpochSecond(value / perSecond, nanos), precision, false);
  }

  private static Stamp stamp(BigDecimal value, long perSecond, String precision) {
    BigDecimal secs = value.divide(BigDecimal.valueOf(perSecond));
    long s = secs.longValue();
    long nanos = secs.subtract(BigDecimal.valueOf(s)).movePointRight(9).longValue();
    return new Stamp(Instant.ofEpochSecond(s, nanos), precision, false);
  }

  /** An ISO string, a number, or a numeric string; null when the value is none of them. */
  public static Stamp parse(Object v) {
    if (v instanceof Number) return fromNumber(v);
    if (v instanceof String s) {
      String t = s.strip();
      if (t.isEmpty()) return null;
      if (t.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) return fromNumber(t);
      return parseIso(t);
    }
    return null;
  }

  static BigDecimal decimal(Object v) {
    try {
      if (v instanceof BigDecimal b) return b;
      if (v instanceof BigInteger b) return new BigDecimal(b);
      if (v instanceof Long || v instanceof Integer || v instanceof Short) return BigDecimal.valueOf(((Number) v).longValue());
      if (v instanceof Double dd) return Double.isFinite(dd) ? new BigDecimal(Double.toString(dd)) : null;
      if (v instanceof String s && !s.isBlank()) return new BigDecimal(s.strip());
    } catch (NumberFormatException e) {
      return null;
    }
    return null;
  }

  private static int num(String s) {
    return Integer.parseInt(s);
  }
}
