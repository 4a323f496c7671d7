package io.callarchive.model;

import java.time.Instant;
import java.time.LocalDate;

/**
 * {@link Instant#toString()} (ISO-8601 in UTC, fraction in groups of three digits as needed) without the
 * general formatter, which showed in the parse profile: the date part is kept for the last day seen, since the
 * events of one source come day by day. Same text as {@code Instant.toString()} for every instant; years outside
 * 1970 to 9999 take the JDK's path. Not thread-safe: one per pipeline.
 */
public final class IsoInstants {
  private static final long FIRST = 0; // 1970-01-01T00:00:00Z
  private static final long LAST = 253402300799L; // 9999-12-31T23:59:59Z

  private long day = Long.MIN_VALUE;
  private final byte[] buf = new byte[30];

  public String format(Instant t) {
    long sec = t.getEpochSecond();
    if (sec < FIRST || sec > LAST) return t.toString();
    long d = Math.floorDiv(sec, 86400);
    if (d != day) {
      LocalDate date = LocalDate.ofEpochDay(d);
      put4(0, date.getYear());
      buf[4] = '-';
      put2(5, date.getMonthValue());
      buf[7] = '-';
      put2(8, date.getDayOfMonth());
      buf[10] = 'T';
      buf[13] = ':';
      buf[16] = ':';
      day = d;
    }
    int s = (int) (sec - d * 86400);
    put2(11, s / 3600);
    put2(14, s / 60 % 60);
    put2(17, s % 60);
    int n = 19;
    int nano = t.getNano();
    if (nano > 0) {
      buf[n++] = '.';
      int digits = nano % 1_000_000 == 0 ? 3 : nano % 1000 == 0 ? 6 : 9;
      int v = digits == 3 ? nano / 1_000_000 : digits == 6 ? nano / 1000 : nano;
      for (int i = n + digits - 1; i >= n; i--) {
        buf[i] = (byte) ('0' + v % 10);
        v /= 10;
      }
      n += digits;
    }
    buf[n++] = 'Z';
    return new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private void put2(int at, int v) {
    buf[at] = (byte) ('0' + v / 10);
    buf[at + 1] = (byte) ('0' + v % 10);
  }

  private void put4(int at, int v) {
    put2(at, v / 100);
    put2(at + 2, v % 100);
  }
}
