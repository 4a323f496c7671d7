package io.callarchive.correlate;

import io.callarchive.model.IndexDoc;
import java.util.Map;

/**
 * Where the correlator's summaries go: {@link SummaryWriter} (merges with what is indexed) in production. A summary
 * is a {@code calls} or {@code queue} document carrying its mergeable state; the sink must merge it with any stored
 * document of the same session rather than overwrite it. Called from one thread.
 */
public interface SummarySink {
  void write(IndexDoc summary);

  /**
   * A summary, with what the correlator knows of it.
   *
   * @param whole the import saw the whole session (every leg created and ended, nothing replayed, closed after
   *     its grace): no other input can hold a part of it, so it needs no look-up of stored parts
   * @param holds per origin, the offset of the earliest piece the summary was made from: a position below it may
   *     not be released before the summary is acknowledged
   */
  default void write(IndexDoc summary, boolean whole, Map<String, Long> holds) {
    write(summary);
  }

  /** Returns when every summary written so far is merged into the index. */
  void flush();

  /** Lets summaries already handed over make progress without waiting (a live pipeline's heartbeat). */
  default void tick() {}

  /** The earliest offset of {@code origin} that a summary not yet acknowledged was made from; MAX_VALUE if none. */
  default long held(String origin) {
    return Long.MAX_VALUE;
  }
}
