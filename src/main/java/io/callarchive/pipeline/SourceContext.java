package io.callarchive.pipeline;

import java.time.Instant;
import java.util.Map;

/**
 * What the operator said about a source at import or stream time, and where in the source the current piece is.
 *
 * @param observerName the PBX node or source name ({@code --source-name}); null to take it from the events
 * @param labels user tags ({@code --label k=v})
 * @param fallbackTime the time given to events that carry none ({@code --time-from})
 * @param occurrence how many byte-identical copies of the current event came just before it in the same file or
 *     connection ({@link io.callarchive.source.Occurrences}); 0 for the first, which keeps the id it always had
 */
public record SourceContext(String observerName, Map<String, String> labels, Instant fallbackTime, int occurrence) {
  public SourceContext {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public SourceContext(String observerName, Map<String, String> labels, Instant fallbackTime) {
    this(observerName, labels, fallbackTime, 0);
  }

  /** The same source, for a piece with the given occurrence number. */
  public SourceContext withOccurrence(int n) {
    return n == occurrence ? this : new SourceContext(observerName, labels, fallbackTime, n);
  }
}
