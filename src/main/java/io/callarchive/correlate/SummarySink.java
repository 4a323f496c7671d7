package io.callarchive.correlate;

import io.callarchive.model.IndexDoc;

/**
 * Where the correlator's summaries go: {@link SummaryWriter} (merges with what is indexed) in production. A summary
 * is a {@code calls} or {@code queue} document carrying its mergeable state; the sink must merge it with any stored
 * document of the same session rather than overwrite it. Called from one thread.
 */
public interface SummarySink {
  void write(IndexDoc summary);

  /** Returns when every summary written so far is merged into the index. */
  void flush();
}
