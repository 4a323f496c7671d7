package io.callarchive.parse;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyFilterTest {
  private static final char[] ALPHABET = {'a', 'B', 'c', 'i', 'I', 'k', 'K', 's', 'S', '-', '_', '\u0130', '\u0131',
      '\u212A', '\u017F', '\u00df', '\u03a3', '\u03c2', '\u00e9', '\u00c9', '\ud801', '\udc00', '\udc28'};

  @Test
  void neverRulesOutAKeyTheCaseInsensitiveScanWouldFind() {
    SplittableRandom r = new SplittableRandom(9);
    for (int round = 0; round < 3000; round++) {
      Map<String, Object> m = randomMap(r);
      KeyFilter f = KeyFilter.of(m, KeyFilter.Fold.IGNORE_CASE);
      for (int i = 0; i < 100; i++) {
        String target = i % 2 == 0 ? vary(r, pick(r, m)) : random(r);
        boolean found = m.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(target));
        if (found) assertTrue(f.mayContain(target), () -> target + " in " + m.keySet());
      }
    }
  }

  @Test
  void rulesOutMostAbsentHeadersOfARealisticEvent() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String k : new String[] {"Event-Name", "Core-UUID", "FreeSWITCH-Hostname", "Unique-ID", "Channel-Name",
        "Caller-Caller-ID-Number", "Caller-Destination-Number", "variable_sip_call_id", "Event-Date-Timestamp"}) {
      m.put(k, "x");
    }
    KeyFilter f = KeyFilter.of(m, KeyFilter.Fold.IGNORE_CASE);
    assertTrue(f.mayContain("unique-id") && f.mayContain("EVENT-NAME"));
    long ruledOut = java.util.stream.Stream.of("CC-Queue", "CC-Agent", "Event-Subclass", "Other-Leg-Caller-ID-Name",
        "CC-Member-CID-Number", "Caller-Callee-ID-Name").filter(k -> !f.mayContain(k)).count();
    assertTrue(ruledOut >= 5, "only " + ruledOut + " of 6 absent headers ruled out");
  }

  @Test
  void strippedLowerCaseNeverRulesOutAKeyTheRawFieldsComparisonWouldFind() {
    // RawFields compares key.strip().toLowerCase(Locale.ROOT) with a lower-case target: keys here come padded
    // with white space (ASCII and not) and sometimes carry a character outside ASCII
    char[] pad = {' ', '\t', '\r', '\u001f', '\u2003', '\u00a0'};
    SplittableRandom r = new SplittableRandom(13);
    int ruledOut = 0;
    for (int round = 0; round < 3000; round++) {
      Map<String, Object> m = new LinkedHashMap<>();
      int n = 1 + r.nextInt(20);
      for (int i = 0; i < n; i++) {
        StringBuilder k = new StringBuilder(r.nextInt(4) == 0 ? random(r) : ascii(r));
        if (r.nextInt(3) == 0) k.insert(0, pad[r.nextInt(pad.length)]);
        if (r.nextInt(3) == 0) k.append(pad[r.nextInt(pad.length)]);
        m.put(k.toString(), "v");
      }
      KeyFilter f = KeyFilter.of(m, KeyFilter.Fold.STRIPPED_LOWER_CASE);
      for (int i = 0; i < 100; i++) {
        String target = (i % 2 == 0 ? pick(r, m).strip() : r.nextBoolean() ? ascii(r) : random(r))
            .toLowerCase(Locale.ROOT);
        boolean found = m.keySet().stream().anyMatch(k -> k.strip().toLowerCase(Locale.ROOT).equals(target));
        if (found) assertTrue(f.mayContain(target), () -> target + " in " + m.keySet());
        else if (!f.mayContain(target)) ruledOut++;
      }
    }
    assertTrue(ruledOut > 10_000, "the filter ruled out only " + ruledOut + " absent keys");
  }

  private static String ascii(SplittableRandom r) {
    String letters = "aBcDiIkKsS-_";
    StringBuilder sb = new StringBuilder();
    int n = 1 + r.nextInt(8);
    for (int i = 0; i < n; i++) sb.append(letters.charAt(r.nextInt(letters.length())));
    return sb.toString();
  }

  private static Map<String, Object> randomMap(SplittableRandom r) {
    Map<String, Object> m = new LinkedHashMap<>();
    int n = 1 + r.nextInt(20);
    for (int i = 0; i < n; i++) m.put(random(r), "v");
    return m;
  }

  private static String pick(SplittableRandom r, Map<String, Object> m) {
    return m.keySet().stream().skip(r.nextInt(m.size())).findFirst().orElseThrow();
  }

  /** The key in another case, character by character or as a whole. */
  private static String vary(SplittableRandom r, String k) {
    return switch (r.nextInt(3)) {
      case 0 -> k.toUpperCase(Locale.ROOT);
      case 1 -> k.toLowerCase(Locale.ROOT);
      default -> {
        StringBuilder sb = new StringBuilder();
        for (char c : k.toCharArray()) sb.append(r.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
        yield sb.toString();
      }
    };
  }

  private static String random(SplittableRandom r) {
    StringBuilder sb = new StringBuilder();
    int n = 1 + r.nextInt(5);
    for (int i = 0; i < n; i++) sb.append(ALPHABET[r.nextInt(ALPHABET.length)]);
    return sb.toString();
  }
}
