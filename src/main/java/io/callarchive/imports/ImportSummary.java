package io.callarchive.imports;

import io.callarchive.model.IndexType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The outcome of an import, as printed at its end (and as JSON with {@code --json}). */
public record ImportSummary(
    List<FileResult> files,
    long eventsRead,
    long skipped,
    long malformed,
    long indexed,
    long alreadyPresent,
    long deadLettered,
    Map<IndexType, Long> indexedByType,
    Duration elapsed,
    Map<IndexType, Long> summariesWritten,
    Map<String, Long> writeCounters) {

  /** Without the write path's counters. */
  public ImportSummary(
      List<FileResult> files, long eventsRead, long skipped, long malformed, long indexed, long alreadyPresent,
      long deadLettered, Map<IndexType, Long> indexedByType, Duration elapsed, Map<IndexType, Long> summariesWritten) {
    this(files, eventsRead, skipped, malformed, indexed, alreadyPresent, deadLettered, indexedByType, elapsed,
        summariesWritten, Map.of());
  }

  /** Without call correlation (no summaries written). */
  public ImportSummary(
      List<FileResult> files, long eventsRead, long skipped, long malformed, long indexed, long alreadyPresent,
      long deadLettered, Map<IndexType, Long> indexedByType, Duration elapsed) {
    this(files, eventsRead, skipped, malformed, indexed, alreadyPresent, deadLettered, indexedByType, elapsed, Map.of());
  }

  /** What became of a file. */
  public enum Status {
    /** Read from its start to its end. */
    IMPORTED("imported"),
    /** The file had grown since an earlier complete import: only the new part was read. */
    APPENDED("appended"),
    /** An earlier run stopped half-way (killed, or Elasticsearch down): read on from its last committed chunk. */
    RESUMED("resumed"),
    /** The same content was already imported completely: nothing read. */
    ALREADY_IMPORTED("already imported"),
    /** Its format was not recognised from its first bytes: listed, not imported, not a failure. */
    UNRECOGNISED("not recognised"),
    /** Could not be read to its end; see the error. */
    FAILED("failed");

    private final String label;

    Status(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * What became of one file in this run.
   *
   * @param from first byte of the (decompressed) content read in this run
   * @param to the content's length: this run read {@code [from, to)}
   * @param error why the file failed, null otherwise
   */
  public record FileResult(
      Path file, String format, String sha256, Status status, long from, long to, long events, long skipped,
      long malformed, Duration elapsed, String error) {}

  public long failedFiles() {
    return files.stream().filter(f -> f.status() == Status.FAILED).count();
  }

  public long unrecognisedFiles() {
    return files.stream().filter(f -> f.status() == Status.UNRECOGNISED).count();
  }

  public double eventsPerSecond() {
    double s = elapsed.toNanos() / 1e9;
    return s <= 0 ? 0 : eventsRead / s;
  }

  public void print(PrintWriter out) {
    out.println();
    out.printf("%-50s %-8s %-16s %10s %8s %9s%n", "file", "format", "status", "events", "skipped", "malformed");
    for (FileResult f : files) {
      out.printf(
          Locale.ROOT, "%-50s %-8s %-16s %10d %8d %9d%s%n",
          abbreviate(f.file().toString(), 50), f.format() == null ? "-" : f.format(), f.status().label(),
          f.events(), f.skipped(), f.malformed(), f.error() == null ? "" : "  ERROR: " + f.error());
    }
    out.println();
    out.printf(Locale.ROOT, "events read       %,12d%n", eventsRead);
    out.printf(Locale.ROOT, "indexed           %,12d   (", indexed);
    boolean first = true;
    for (Map.Entry<IndexType, Long> e : indexedByType.entrySet()) {
      if (e.getValue() == 0) continue;
      out.printf(Locale.ROOT, "%s%s %,d", first ? "" : ", ", e.getKey().typeName(), e.getValue());
      first = false;
    }
    out.println(")");
    if (summariesWritten.values().stream().anyMatch(v -> v > 0)) {
      StringBuilder sb = new StringBuilder();
      summariesWritten.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k.typeName()).append(' ')
          .append(String.format(Locale.ROOT, "%,d", v)));
      out.printf(Locale.ROOT, "summaries written %12s   (%s: calls and queue stays, new or merged)%n",
          String.format(Locale.ROOT, "%,d", summariesWritten.values().stream().mapToLong(Long::longValue).sum()), sb);
    }
    out.printf(Locale.ROOT, "already present   %,12d%n", alreadyPresent);
    out.printf(Locale.ROOT, "dead-lettered     %,12d   (%,d malformed input, %,d refused by the index)%n",
        deadLettered + malformed, malformed, deadLettered);
    out.printf(Locale.ROOT, "skipped           %,12d   (banners, responses, non-event messages)%n", skipped);
    long retries = writeCounters.getOrDefault("bulk_retries", 0L) + writeCounters.getOrDefault("lookup_retries", 0L);
    long conflicts = writeCounters.getOrDefault("conflicts", 0L);
    if (retries > 0 || conflicts > 0) {
      out.printf(Locale.ROOT, "retried writes    %,12d   (%,d conflicts with other writers, merged again)%n", retries, conflicts);
    }
    long lost = writeCounters.getOrDefault("dead_letters_lost", 0L);
    if (lost > 0) {
      out.printf(Locale.ROOT, "NOT ARCHIVED      %,12d   dead letters the index refused too: see the log%n", lost);
    }
    out.printf(Locale.ROOT, "elapsed           %12.1f s   (%,.0f events/s)%n", elapsed.toMillis() / 1000.0, eventsPerSecond());
    if (unrecognisedFiles() > 0) {
      out.printf("not recognised    %12d   files (not event captures? name the format with --format)%n", unrecognisedFiles());
    }
    if (failedFiles() > 0) out.printf("files that failed %12d%n", failedFiles());
    out.flush();
  }

  /** The summary as a JSON-ready tree (maps, lists, strings, numbers), stable keys for scripts. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("files", files.stream().map(f -> {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("path", f.file().toString());
      j.put("format", f.format());
      j.put("sha256", f.sha256());
      j.put("status", f.status().name().toLowerCase(Locale.ROOT));
      j.put("from", f.from());
      j.put("to", f.to());
      j.put("events", f.events());
      j.put("skipped", f.skipped());
      j.put("malformed", f.malformed());
      j.put("elapsed_ms", f.elapsed().toMillis());
      j.put("error", f.error());
      return j;
    }).toList());
    m.put("events_read", eventsRead);
    m.put("skipped", skipped);
    m.put("malformed", malformed);
    m.put("indexed", indexed);
    Map<String, Long> byType = new LinkedHashMap<>();
    indexedByType.forEach((k, v) -> byType.put(k.typeName(), v));
    m.put("indexed_by_type", byType);
    Map<String, Long> summaries = new LinkedHashMap<>();
    summariesWritten.forEach((k, v) -> summaries.put(k.typeName(), v));
    m.put("summaries_written", summaries);
    m.put("already_present", alreadyPresent);
    m.put("writes", new LinkedHashMap<>(writeCounters));
    m.put("dead_lettered", deadLettered + malformed);
    m.put("unrecognised_files", unrecognisedFiles());
    m.put("failed_files", failedFiles());
    m.put("elapsed_ms", elapsed.toMillis());
    m.put("events_per_second", Math.round(eventsPerSecond()));
    return m;
  }

  private static String abbreviate(String s, int n) {
    return s.length() <= n ? s : "..." + s.substring(s.length() - n + 3);
  }
}
