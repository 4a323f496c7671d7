package io.callarchive.parse.freeswitch;

import io.callarchive.parse.Bytes;
import io.callarchive.parse.Text;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The header names of one reader's events as strings, each built once: a channel event repeats the same 150 or
 * so names, and building, hashing and stripping a fresh string per header showed in the parse profile. A cached
 * string carries its hash already, which the event's map needs. The cache is a fixed table (a newer name
 * replaces an older one when its slots are taken), so input data cannot grow it. Not thread-safe: one per reader.
 */
final class HeaderNames {
  private static final int BITS = 12;
  private static final int SLOTS = 1 << BITS;
  private static final int PROBES = 4;
  private static final int MAX_NAME = 64;

  private final byte[][] bytes = new byte[SLOTS][];
  private final String[] names = new String[SLOTS];

  /**
   * {@code Text.decode(b, from, colon - from).text().strip()}: the name before the colon of a header line, as
   * {@link EslValues#headerColon} found it (no control or blank byte inside it, blanks allowed before it).
   */
  String name(byte[] b, int from, int colon) {
    int len = colon - from;
    if (len <= 0 || len > MAX_NAME || b[from] == ' ' || b[from] == '\t') return slow(b, from, colon);
    // non-ASCII: decoding and strip decide, as before
    if (!Bytes.ascii(b, from, colon)) return slow(b, from, colon);
    // ASCII above the blank (headerColon allows nothing lower): strip has nothing to remove. The slot is chosen
    // by the length and the last eight bytes (names share prefixes such as "variable_"), eight bytes at a time
    // rather than a per-byte hash, which showed in the profile.
    long tail = len >= 8 ? Bytes.longAt(b, colon - 8) : (long) b[from] << 8 | b[colon - 1];
    long h = (tail + len) * 0x9E3779B97F4A7C15L;
    int slot = (int) (h >>> (64 - BITS));
    // a few neighbouring slots are tried before one is taken over: channel events share a few hundred names,
    // which a table this size then holds without two of them evicting each other event after event
    for (int probe = 0; probe < PROBES; probe++) {
      int at = (slot + probe) & (SLOTS - 1);
      byte[] known = bytes[at];
      if (known == null) return remember(at, b, from, colon);
      if (Arrays.equals(known, 0, known.length, b, from, colon)) return names[at];
    }
    return remember(slot, b, from, colon);
  }

  private String remember(int at, byte[] b, int from, int colon) {
    String name = new String(b, from, colon - from, StandardCharsets.ISO_8859_1);
    bytes[at] = Arrays.copyOfRange(b, from, colon);
    names[at] = name;
    return name;
  }

  private static String slow(byte[] b, int from, int colon) {
    return Text.decode(b, from, colon - from).text().strip();
  }
}
