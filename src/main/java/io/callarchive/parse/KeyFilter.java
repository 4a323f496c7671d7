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
    },
    /**
     * {@code key.strip().toLowerCase(Locale.ROOT).equals(target)} ({@code RawFields}): an ASCII key is trimmed of
     * the ASCII characters {@link Character#isWhitespace} names and folded a character at a time, which is exact
     * for ASCII. A key with any other character may strip or lower-case differently ({@code U+0130} grows, a
     * final sigma depends on its neighbours), so such a key makes the filter answer "maybe" to every target.
     */
    STRIPPED_LOWER_CASE {
      @Override
      char fold(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
      }

      @Override
      boolean strips() {
        return true;
      }
    };

    abstract char fold(char c);

    /** Whether keys are compared stripped, and only ASCII keys can be ruled out. */
    boolean strips() {
      return false;
    }
  }

  private static final int BITS = 2048;
  private final long[] bits = new long[BITS / 64];
  private final Fold fold;
  private boolean everything; // a key the filter cannot describe: every target may match

  private KeyFilter(Fold fold) {
    this.fold = fold;
  }

  /** The filter of the map's string keys (other keys can never match a string and are left out). */
  public static KeyFilter of(Map<?, ?> map, Fold fold) {
    KeyFilter f = new KeyFilter(fold);
    for (Object k : map.keySet()) {
      if (!(k instanceof String s)) continue;
      int from = 0;
      int to = s.length();
      if (fold.strips()) {
        for (int i = 0; i < to; i++) {
          if (s.charAt(i) >= 0x80) {
            f.everything = true;
            return f;
          }
        }
        while (from < to && Character.isWhitespace(s.charAt(from))) from++;
        while (to > from && Character.isWhitespace(s.charAt(to - 1))) to--;
      }
      if (from < to) f.set(bit(to - from, fold.fold(s.charAt(from)), fold.fold(s.charAt(to - 1))));
    }
    return f;
  }

  /** False only when no key of the map can match {@code target} under the fold. */
  public boolean mayContain(String target) {
    // a surrogate is compared by code point, which one char cannot stand for
    if (everything || target.isEmpty() || Character.isSurrogate(target.charAt(0))
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
