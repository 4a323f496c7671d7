package io.callarchive.imports;

import java.time.Instant;
import java.util.Map;

/**
 * What an import was asked to do.
 *
 * @param format a format name to force, or null to detect it per file from its first bytes
 * @param sourceName {@code observer.name} for every event, or null to take it from the events
 * @param labels tags added to every document
 * @param timeFrom time for events that carry none: {@code mtime} (the file's modification time, the default),
 *     {@code now}, or an ISO-8601 instant
 */
public record ImportOptions(String format, String sourceName, Map<String, String> labels, String timeFrom) {
  public ImportOptions {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    if (timeFrom == null) timeFrom = "mtime";
    if (!timeFrom.equals("mtime") && !timeFrom.equals("now")) {
      try {
        Instant.parse(timeFrom);
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException(
            "--time-from must be mtime, now or an ISO-8601 instant like 2026-11-22T00:00:00Z, got '" + timeFrom + "'");
      }
    }
  }

  public static ImportOptions defaults() {
    return new ImportOptions(null, null, Map.of(), "mtime");
  }
}
