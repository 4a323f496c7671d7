package io.callarchive.pipeline;

import java.time.Instant;
import java.util.Map;

/**
 * What the operator said about a source at import or stream time.
 *
 * @param observerName the PBX node or source name ({@code --source-name}); null to take it from the events
 * @param labels user tags ({@code --label k=v})
 * @param fallbackTime the time given to events that carry none ({@code --time-from})
 */
public record SourceContext(String observerName, Map<String, String> labels, Instant fallbackTime) {
  public SourceContext {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
