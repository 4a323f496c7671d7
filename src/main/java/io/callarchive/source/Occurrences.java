package io.callarchive.source;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

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

  private record Seen(long hash, long index, long offset) {}

  private final ArrayDeque<Seen> window = new ArrayDeque<>();
  /** Per hash in the window: the number of its latest copy and how many copies the window holds. */
  private final Map<Long, long[]> latest = new HashMap<>();
  private long index;

  /** The occurrence number of the piece at {@code offset} with these bytes; pieces must come in source order. */
  public int next(byte[] raw, long offset) {
    long h = hash(raw);
    long[] l = latest.get(h);
    int occ = l == null ? 0 : (int) l[0] + 1;
    if (l == null) {
      l = new long[2];
      latest.put(h, l);
    }
    l[0] = occ;
    l[1]++;
    window.addLast(new Seen(h, index++, offset));
    if (window.size() > WINDOW) {
      Seen old = window.removeFirst();
      long[] o = latest.get(old.hash());
      if (--o[1] == 0) latest.remove(old.hash());
    }
    return occ;
  }

  /** A piece before the restart point, read again only to fill the window. */
  public void prime(byte[] raw, long offset) {
    next(raw, offset);
  }

  /** Where a restart must begin re-reading to fill the window: the offset of its oldest piece, or -1 if empty. */
  public long windowFrom() {
    return window.isEmpty() ? -1 : window.peekFirst().offset();
  }

  /**
   * The numbers a restart cannot recompute from the window alone: those above 0 (their chain may begin before
   * the window). Text of {@code hash:number} pairs, empty in the usual case of no identical pieces.
   */
  public String snapshot() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<Long, long[]> e : latest.entrySet()) {
      if (e.getValue()[0] == 0) continue;
      if (!sb.isEmpty()) sb.append(',');
      sb.append(Long.toHexString(e.getKey())).append(':').append(e.getValue()[0]);
    }
    return sb.toString();
  }

  /** After priming: sets the saved numbers (a primed window sees fewer copies, never more). */
  public void restore(String snapshot) {
    for (long[] l : latest.values()) l[0] = 0;
    if (snapshot == null || snapshot.isEmpty()) return;
    for (String pair : snapshot.split(",")) {
      int colon = pair.indexOf(':');
      long h = Long.parseUnsignedLong(pair.substring(0, colon), 16);
      long[] l = latest.get(h);
      if (l != null) l[0] = Long.parseLong(pair.substring(colon + 1));
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
