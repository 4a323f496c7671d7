package io.callarchive.pipeline;

import io.callarchive.model.IndexDoc;
import java.util.function.Consumer;

/**
 * A pure step that decodes fields of a normalised event in place (SDP, causes, charges, RTCP, security) and may
 * emit derived documents for other indices (a {@code security} or {@code charges} copy). Implementations are
 * stateless and thread-safe; they never throw on odd input but keep what they can read.
 */
public interface Enricher {
  String name();

  void enrich(IndexDoc event, Consumer<IndexDoc> derived);
}
