package io.callarchive.parse;

import java.util.Map;

/**
 * A quick "certainly absent" answer for a key looked up under another spelling in the keys of one event. The
 * normalisers look for a header the exact way first and then by scanning every key with a looser comparison
 * (case-insensitive for FreeSWITCH); on an event of 80 to 150 headers, the
 * scans for the headers an event does not have led the parse profile. Any two keys that the looser comparison
 * matches have the same length and the same first and last characters after folding (see {@link Fold}), so a
 * set of (length, folded first and last character) triples built once per event rules most absent headers out
 * without a scan; a
 * "maybe" still scans, so the answer is always the scan's. Built for one map at a time and not updated: use it
 * only while the map does not change. Not thread-safe.
 */
public final class KeyFilter {

  /** How a looser comparison folds one character; see the implementations for why each is exact. */
  public enum Fold {
    /**
     * {@link String#equalsIgnoreCase}: equal lengths, and characters equal, or equal after
     * {@code toUpperCase}, or after {@code toLowerCase(toUpperCase(c))} (its documented rule); the last form is
     * the same for any two characters the first two call equal.
     */
    IGNORE_CASE {
      @Override
      char fold(char c) {
        if (c < 0x80) return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c; // the same, for ASCII
        return Character.toLowerCase(Character.toUpperCase(c));
      }
    };

    abstract char fold(char c);
  }

  private static final int BITS = 2048;
  private final long[] bits = new long[BITS / 64];
  private final Fold fold;

  private KeyFilter(Fold fold) {
    this.fold = fold;
  }

  /** The filter of the map's string keys (other keys can never match a string and are left out). */
  public static KeyFilter of(Map<?, ?> map, Fold fold) {
    KeyFilter f = new KeyFilter(fold);
    for (Object k : map.keySet()) {
      if (k instanceof String s && !s.isEmpty()) {
        f.set(bit(s.length(), fold.fold(s.charAt(0)), fold.fold(s.charAt(s.length() - 1))));
      }
    }
    return f;
  }

  /** False only when no key of the map can match {@code target} under the fold. */
  public boolean mayContain(String target) {
    // a surrogate is compared by code point, which one char cannot stand for
    if (target.isEmpty() || Character.isSurrogate(target.charAt(0))
        || Character.isSurrogate(target.charAt(target.length() - 1))) {
      return true;
    }
    int b = bit(target.length(), fold.fold(target.charAt(0)), fold.fold(target.charAt(target.length() - 1)));
    return (bits[b >>> 6] & (1L << b)) != 0;
  }

  private void set(int b) {
    bits[b >>> 6] |= 1L << b;
  }

  private static int bit(int length, char first, char last) {
    return (((length * 131 + first) * 65599 + last) * 0x9E3779B1) >>> (32 - 11);
  }
}
