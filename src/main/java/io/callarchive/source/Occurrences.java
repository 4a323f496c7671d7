package io.callarchive.source;

/**
 * Numbers byte-identical pieces of one source, so that two identical frames are two events: Asterisk sends the
 * same {@code ChannelVarset} twice within a millisecond, byte for byte. The first copy is occurrence 0 (its
 * document id is the one it always had), the next identical one within the window 1, and so on. Counting is by
 * position in the source, so a re-import of the same file gives the same numbers and still collapses.
 *
 * <p>The window is the last {@link #WINDOW} pieces: identical timed frames carry the same timestamp and so lie
 * close together; copies further apart than that are taken as one event delivered twice. A restart at an offset
 * re-reads the window before it ({@link #windowFrom()}) with {@link #prime} and restores the numbers saved with
 * {@link #snapshot()}, so the numbering does not depend on where a run started. Pieces are compared by a 64-bit
 * hash of their bytes: a collision only gives a different frame a higher number, which never merges two
 * events. Not thread-safe.
 */
public final class Occurrences {
  public static final int WINDOW = 4096;

  // The window as a ring of (hash, offset), and per hash in it the number of its latest copy and how many copies
  // the window holds, in an open-addressing table (linear probing; a slot is empty when its copies are 0). Every
  // event passes here: boxed keys in a HashMap were 4 % of the import's main thread (BENCHMARKS.md, issue 9).
  private static final int BITS = 13; // 8,192 slots for at most 4,097 hashes: load about one half
  private static final int MASK = (1 << BITS) - 1;
  private static final int RING = WINDOW + 1;

  private final long[] ringHash = new long[RING];
  private final long[] ringOffset = new long[RING];
  private int head;
  private int size;
  private final long[] keys = new long[1 << BITS];
  private final long[] latest = new long[1 << BITS];
  private final int[] copies = new int[1 << BITS];

  /** The occurrence number of the piece at {@code offset} with these bytes; pieces must come in source order. */
  public int next(byte[] raw, long offset) {
    long h = hash(raw);
    int s = find(h);
    int occ;
    if (s < 0) {
      s = ~s;
      keys[s] = h;
      occ = 0;
    } else {
      occ = (int) latest[s] + 1;
    }
    latest[s] = occ;
    copies[s]++;
    int tail = (head + size) % RING;
    ringHash[tail] = h;
    ringOffset[tail] = offset;
    size++;
    if (size > WINDOW) {
      // numbered against the WINDOW pieces before it, the piece then pushes the oldest out
      int o = find(ringHash[head]);
      if (--copies[o] == 0) remove(o);
      head = (head + 1) % RING;
      size--;
    }
    return occ;
  }

  /** A piece before the restart point, read again only to fill the window. */
  public void prime(byte[] raw, long offset) {
    next(raw, offset);
  }

  /** Where a restart must begin re-reading to fill the window: the offset of its oldest piece, or -1 if empty. */
  public long windowFrom() {
    return size == 0 ? -1 : ringOffset[head];
  }

  /**
   * The numbers a restart cannot recompute from the window alone: those above 0 (their chain may begin before
   * the window). Text of {@code hash:number} pairs, empty in the usual case of no identical pieces.
   */
  public String snapshot() {
    StringBuilder sb = new StringBuilder();
    for (int s = 0; s < copies.length; s++) {
      if (copies[s] == 0 || latest[s] == 0) continue;
      if (!sb.isEmpty()) sb.append(',');
      sb.append(Long.toHexString(keys[s])).append(':').append(latest[s]);
    }
    return sb.toString();
  }

  /** After priming: sets the saved numbers (a primed window sees fewer copies, never more). */
  public void restore(String snapshot) {
    java.util.Arrays.fill(latest, 0);
    if (snapshot == null || snapshot.isEmpty()) return;
    for (String pair : snapshot.split(",")) {
      int colon = pair.indexOf(':');
      long h = Long.parseUnsignedLong(pair.substring(0, colon), 16);
      int s = find(h);
      if (s >= 0) latest[s] = Long.parseLong(pair.substring(colon + 1));
    }
  }

  private static int home(long h) {
    return (int) ((h * 0x9E3779B97F4A7C15L) >>> (64 - BITS)); // Fibonacci hashing (Knuth 6.4)
  }

  /** The slot holding {@code h}, or the complement of the empty slot where it would go. */
  private int find(long h) {
    int s = home(h);
    while (copies[s] != 0) {
      if (keys[s] == h) return s;
      s = (s + 1) & MASK;
    }
    return ~s;
  }

  /** Empties a slot, moving later entries of its probe run back (Knuth 6.4, Algorithm R), so no tombstones. */
  private void remove(int hole) {
    copies[hole] = 0;
    int j = hole;
    while (true) {
      j = (j + 1) & MASK;
      if (copies[j] == 0) return;
      int k = home(keys[j]);
      // the entry at j may move to the hole unless its home lies cyclically in (hole, j]
      boolean stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
      if (!stays) {
        keys[hole] = keys[j];
        latest[hole] = latest[j];
        copies[hole] = copies[j];
        copies[j] = 0;
        hole = j;
      }
    }
  }

  /** FNV-1a, 64 bits (Fowler/Noll/Vo): cheap, and collisions are harmless here (see the class comment). */
  static long hash(byte[] b) {
    long h = 0xcbf29ce484222325L;
    for (byte x : b) {
      h ^= x & 0xff;
      h *= 0x100000001b3L;
    }
    return h ^ b.length;
  }
}
