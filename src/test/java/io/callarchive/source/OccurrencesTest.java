package io.callarchive.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OccurrencesTest {
  /**
   * The rule written plainly: a piece's number is one more than that of the latest identical piece among the
   * WINDOW pieces before it, 0 if there is none; a restart restores the numbers saved for hashes in its window.
   */
  private static final class Reference {
    final List<long[]> window = new ArrayList<>(); // {hash, number, offset}

    int next(byte[] raw, long offset) {
      long h = Occurrences.hash(raw);
      int occ = 0;
      for (int i = window.size() - 1; i >= 0; i--) {
        if (window.get(i)[0] == h) {
          occ = (int) window.get(i)[1] + 1;
          break;
        }
      }
      window.add(new long[] {h, occ, offset});
      if (window.size() > Occurrences.WINDOW) window.remove(0);
      return occ;
    }
  }

  private static byte[] piece(Random r, int kinds) {
    return ("Event: VarSet\r\nValue: " + r.nextInt(kinds) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void numbersIdenticalPiecesLikeTheRuleAcrossTheWindowEdge() {
    // few kinds: long chains of copies; many kinds: copies that fall out of the window, and a full table
    for (int kinds : new int[] {1, 3, 50, 3_000, 5_000, 1_000_000}) {
      Random r = new Random(kinds);
      Occurrences o = new Occurrences();
      Reference ref = new Reference();
      for (int i = 0; i < 30_000; i++) {
        byte[] p = piece(r, kinds);
        assertEquals(ref.next(p, i * 40L), o.next(p, i * 40L), "piece " + i + " of " + kinds + " kinds");
        assertEquals(ref.window.get(0)[2], o.windowFrom());
      }
    }
  }

  @Test
  void aRestartThatPrimesTheWindowAndRestoresTheSnapshotNumbersOnAsAnUnbrokenRun() {
    for (int kinds : new int[] {2, 40, 4_000}) {
      Random r = new Random(7 + kinds);
      List<byte[]> pieces = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) pieces.add(piece(r, kinds));
      Occurrences unbroken = new Occurrences();
      int[] expected = new int[pieces.size()];
      for (int i = 0; i < pieces.size(); i++) expected[i] = unbroken.next(pieces.get(i), i);

      int cut = 12_345;
      Occurrences first = new Occurrences();
      for (int i = 0; i < cut; i++) first.next(pieces.get(i), i);
      String saved = first.snapshot();
      long from = first.windowFrom();
      Occurrences resumed = new Occurrences();
      for (int i = (int) from; i < cut; i++) resumed.prime(pieces.get(i), i);
      resumed.restore(saved);
      for (int i = cut; i < pieces.size(); i++) {
        assertEquals(expected[i], resumed.next(pieces.get(i), i), "piece " + i + " after a restart at " + cut);
      }
    }
  }

  /** FNV-1a 64 (Fowler/Noll/Vo, the published offset basis and prime) with the length folded in: the old hash. */
  private static long fnv(byte[] b) {
    long h = 0xcbf29ce484222325L;
    for (byte x : b) h = (h ^ (x & 0xff)) * 0x100000001b3L;
    return h ^ b.length;
  }

  @Test
  void aSnapshotSavedWithTheOldHashStillRestoresTheNumbers() {
    // a run interrupted under the build before the hash changed: its snapshot names pieces by FNV-1a, as
    // "hex:number" pairs for the numbers above 0 of the pieces in the window; the new build must resume it as if
    // the run had not been broken
    for (int kinds : new int[] {2, 40, 4_000}) {
      Random r = new Random(11 + kinds);
      List<byte[]> pieces = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) pieces.add(piece(r, kinds));
      Reference unbroken = new Reference();
      int[] expected = new int[pieces.size()];
      for (int i = 0; i < pieces.size(); i++) expected[i] = unbroken.next(pieces.get(i), i);

      int cut = 9_876;
      Reference first = new Reference();
      for (int i = 0; i < cut; i++) first.next(pieces.get(i), i);
      java.util.Map<String, Long> latestByPiece = new java.util.LinkedHashMap<>();
      for (long[] w : first.window) latestByPiece.put(Long.toHexString(w[0]), w[1]);
      java.util.Map<Long, Long> oldNumbers = new java.util.LinkedHashMap<>();
      for (int i = (int) first.window.get(0)[2]; i < cut; i++) {
        byte[] p = pieces.get(i);
        oldNumbers.put(fnv(p), latestByPiece.get(Long.toHexString(Occurrences.hash(p))));
      }
      StringBuilder legacy = new StringBuilder();
      oldNumbers.forEach((h, n) -> {
        if (n > 0) legacy.append(legacy.isEmpty() ? "" : ",").append(Long.toHexString(h)).append(':').append(n);
      });
      if (kinds < 4_000) assertEquals(false, legacy.isEmpty(), "the case needs numbers above 0");

      Occurrences resumed = new Occurrences();
      for (int i = (int) first.window.get(0)[2]; i < cut; i++) resumed.prime(pieces.get(i), i);
      resumed.restore(legacy.toString());
      for (int i = cut; i < pieces.size(); i++) {
        assertEquals(expected[i], resumed.next(pieces.get(i), i), "piece " + i + " after an old snapshot at " + cut);
      }
    }
  }
}
