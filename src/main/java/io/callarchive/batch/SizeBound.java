package io.callarchive.batch;

import io.callarchive.model.Parsed;
import io.callarchive.model.Provenance;
import java.util.Arrays;

/**
 * The largest event an import indexes, and the most of a dead letter's bytes it keeps. Without a bound one
 * 50 MB line became a dead-letter document the node refused (413, or 429 from indexing pressure) on every run,
 * and the file never finished. A larger event is dead-lettered instead, with its offset, its full length and
 * reason in {@code error.message}, and its first bytes; a malformed piece keeps its first bytes the same way.
 * The readers bound their own frames too (8 MiB); this is the tighter, settable limit. Stateless.
 */
final class SizeBound {
  /** 1 MiB of {@code event.original}: far above any real event (the largest AMI/ESL frames carry SDP). */
  static final int DEFAULT_MAX_EVENT_BYTES = 1 << 20;

  private SizeBound() {}

  static Parsed apply(Parsed piece, int max) {
    byte[] raw = piece.raw();
    if (raw.length <= max) return piece;
    Provenance p = piece.provenance();
    byte[] prefix = Arrays.copyOf(raw, max);
    return switch (piece) {
      case Parsed.Event e -> new Parsed.Malformed(
          "event of " + raw.length + " bytes (" + e.action() + ") is larger than the limit of " + max
              + " bytes (--max-event-size); its first " + max + " bytes are kept", prefix, p);
      case Parsed.Malformed m -> new Parsed.Malformed(
          m.reason() + " (" + raw.length + " bytes; the first " + max + " are kept)", prefix, p);
      case Parsed.Skipped s -> s;
    };
  }
}
