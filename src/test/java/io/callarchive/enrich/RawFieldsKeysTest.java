package io.callarchive.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RawFieldsKeysTest {

  /** The comparison the look-up always made, built from strings. */
  private static boolean reference(String k, String key) {
    return k.strip().toLowerCase(Locale.ROOT).equals(key.toLowerCase(Locale.ROOT));
  }

  @Test
  void inPlaceKeyComparisonAgreesWithStripAndLowerCase() {
    String[] keys = {"Uniqueid", "uniqueid", "Cause-txt", "CallerIDNum", "İd", "ıd", "Kelvin", "straße"};
    String[] probes = {"Uniqueid", " UNIQUEID\t", "uniqueId ", "Unique id", "Uniqueid\u2003", "\u00a0Uniqueid",
        "Cause-TXT", "cause-txt\n", "Cause_txt", "CALLERIDNUM", "İD", "i̇d", "id", "ID", "ıd", "IJ", "\u212Aelvin",
        "KELVIN", "STRASSE", "Straße", "", " ", "x"};
    for (String key : keys) {
      for (String k : probes) {
        assertEquals(reference(k, key), RawFields.sameKey(k, key.toLowerCase(Locale.ROOT)), () -> k + " vs " + key);
      }
    }
    // random keys from a small alphabet with the characters that make case folding odd, against random targets
    char[] alphabet = {'a', 'B', 'i', 'I', 'k', 'K', '-', '_', ' ', '\t', '\u0130', '\u0131', '\u212A', '\u00df', '\u2003',
        '\u00a0', '\u03a3', '\u00e9', '\u00c9', '\ud801', '\udc00'};
    SplittableRandom r = new SplittableRandom(9);
    for (int i = 0; i < 300_000; i++) {
      String a = random(r, alphabet);
      String b = r.nextInt(3) == 0 ? a.strip().toUpperCase(Locale.ROOT) : random(r, alphabet);
      assertEquals(reference(a, b), RawFields.sameKey(a, b.toLowerCase(Locale.ROOT)), () -> a + " vs " + b);
    }
  }

  private static String random(SplittableRandom r, char[] alphabet) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(6);
    for (int i = 0; i < n; i++) sb.append(alphabet[r.nextInt(alphabet.length)]);
    return sb.toString();
  }
}
