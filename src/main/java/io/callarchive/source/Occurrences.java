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
    // a snapshot saved by a build with the old hash names pieces by it: remember how the window's pieces map
    if (primedLegacy == null) primedLegacy = new java.util.HashMap<>();
    primedLegacy.put(legacyHash(raw), hash(raw));
    next(raw, offset);
  }

  /** The old hash to this one of each primed piece, until {@link #restore}; null when nothing was primed. */
  private java.util.Map<Long, Long> primedLegacy;

  /** Marks a snapshot written with {@link #hash}; one without it (older builds) names pieces by {@link #legacyHash}. */
  private static final String VERSION = "2;";

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
      sb.append(sb.isEmpty() ? VERSION : ",");
      sb.append(Long.toHexString(keys[s])).append(':').append(latest[s]);
    }
    return sb.toString();
  }

  /** After priming: sets the saved numbers (a primed window sees fewer copies, never more). */
  public void restore(String snapshot) {
    java.util.Arrays.fill(latest, 0);
    java.util.Map<Long, Long> legacy = primedLegacy;
    primedLegacy = null;
    if (snapshot == null || snapshot.isEmpty()) return;
    boolean current = snapshot.startsWith(VERSION);
    for (String pair : snapshot.substring(current ? VERSION.length() : 0).split(",")) {
      int colon = pair.indexOf(':');
      Long h = Long.parseUnsignedLong(pair.substring(0, colon), 16);
      if (!current) h = legacy == null ? null : legacy.get(h);
      int s = h == null ? -1 : find(h);
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

  private static final java.lang.invoke.VarHandle WORD =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /**
   * 64 bits over 8-byte words, with the round and the finaliser of MurmurHash3's x64 variant (Appleby): every event
   * passes here, and FNV-1a a byte at a time (the hash before 2026-12) was 420 ns for an AMI event of 288 bytes,
   * about 10 µs for a FreeSWITCH channel dump; this is a fifth of that. Collisions are harmless (class comment).
   */
  static long hash(byte[] b) {
    int n = b.length;
    long h = 0x9E3779B97F4A7C15L ^ n;
    int i = 0;
    for (; i + 8 <= n; i += 8) h = round(h, (long) WORD.get(b, i));
    long tail = 0;
    for (int k = n - 1; k >= i; k--) tail = (tail << 8) | (b[k] & 0xff);
    h = round(h, tail);
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }

  private static long round(long h, long word) {
    return Long.rotateLeft(h ^ Long.rotateLeft(word * 0x87c37b91114253d5L, 31) * 0x4cf5ad432745937fL, 27) * 5
        + 0x52dce729;
  }

  /** FNV-1a, 64 bits (Fowler/Noll/Vo): the hash of snapshots saved before 2026-12, kept only to restore them. */
  static long legacyHash(byte[] b) {
    long h = 0xcbf29ce484222325L;
    for (byte x : b) {
      h ^= x & 0xff;
      h *= 0x100000001b3L;
    }
    return h ^ b.length;
  }
}
