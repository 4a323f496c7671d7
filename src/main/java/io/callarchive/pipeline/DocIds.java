package io.callarchive.pipeline;

import io.callarchive.model.IndexType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * Deterministic document ids and monthly index names, so that importing the same input twice changes nothing.
 * An event that carries its own time is identified by its content alone (the same event in a renamed or rotated
 * file is still the same event); an event without one also by its byte position in its source, since two
 * identical untimed blocks are two events. See docs/decisions/0002-document-identity.md.
 */
public final class DocIds {
  private static final DateTimeFormatter MONTH =
      DateTimeFormatter.ofPattern("yyyy.MM").withZone(ZoneOffset.UTC);

  /** Digests are not thread-safe; one per thread avoids a provider look-up per document. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(DocIds::sha256);

  private DocIds() {}

  public static String indexName(IndexType type, Instant timestamp) {
    // Every document is routed here and nearly all of a night falls in one month: remember the last month per
    // type rather than format a date per document.
    long second = timestamp.getEpochSecond();
    Month last = LAST_MONTH.get(type.ordinal());
    if (last != null && second >= last.from() && second < last.until()) return last.name();
    java.time.YearMonth month = java.time.YearMonth.from(timestamp.atOffset(ZoneOffset.UTC));
    Month m = new Month(
        month.atDay(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC),
        month.plusMonths(1).atDay(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC),
        IndexType.PREFIX + type.typeName() + "-" + MONTH.format(timestamp));
    LAST_MONTH.set(type.ordinal(), m);
    return m.name();
  }

  /** A month's index name for one type, valid for epoch seconds in [from, until). */
  private record Month(long from, long until, String name) {}

  private static final java.util.concurrent.atomic.AtomicReferenceArray<Month> LAST_MONTH =
      new java.util.concurrent.atomic.AtomicReferenceArray<>(IndexType.values().length);

  /** An id from the given parts: 128 bits of SHA-256, hex encoded. */
  public static String of(Object... parts) {
    MessageDigest md = SHA256.get();
    md.reset();
    for (Object p : parts) {
      if (p instanceof byte[] b) {
        md.update(b);
      } else if (p instanceof Long n) {
        digits(md, n); // the bytes of String.valueOf(n), without the string (offsets are in most untimed ids)
      } else {
        md.update(String.valueOf(p).getBytes(StandardCharsets.UTF_8));
      }
      md.update((byte) 0x1f);
    }
    byte[] d = md.digest();
    return HexFormat.of().formatHex(d, 0, 16);
  }

  private static final ThreadLocal<byte[]> DIGITS = ThreadLocal.withInitial(() -> new byte[20]);

  private static void digits(MessageDigest md, long n) {
    if (n == Long.MIN_VALUE) {
      md.update(String.valueOf(n).getBytes(StandardCharsets.UTF_8));
      return;
    }
    byte[] b = DIGITS.get();
    int i = b.length;
    long v = Math.abs(n);
    do {
      b[--i] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v != 0);
    if (n < 0) b[--i] = '-';
    md.update(b, i, b.length - i);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
