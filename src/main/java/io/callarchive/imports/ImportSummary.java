package io.callarchive.imports;

import io.callarchive.model.IndexType;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The outcome of an import, as printed at its end (and as JSON with {@code --json}). */
public record ImportSummary(
    List<Importer.FileResult> files,
    long eventsRead,
    long skipped,
    long malformed,
    long indexed,
    long alreadyPresent,
    long deadLettered,
    Map<IndexType, Long> indexedByType,
    Duration elapsed) {

  public long failedFiles() {
    return files.stream().filter(f -> f.error() != null).count();
  }

  public long unrecognisedFiles() {
    return files.stream().filter(Importer.FileResult::unrecognised).count();
  }

  public double eventsPerSecond() {
    double s = elapsed.toNanos() / 1e9;
    return s <= 0 ? 0 : eventsRead / s;
  }

  public void print(PrintWriter out) {
    out.println();
    out.printf("%-60s %-10s %10s %8s %9s%n", "file", "format", "events", "skipped", "malformed");
    for (Importer.FileResult f : files) {
      out.printf(
          Locale.ROOT, "%-60s %-10s %10d %8d %9d%s%n",
          abbreviate(f.file().toString(), 60), f.format() == null ? "-" : f.format(), f.events(), f.skipped(),
          f.malformed(), f.error() != null ? "  ERROR: " + f.error() : f.unrecognised() ? "  not recognised, not imported" : "");
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
    out.printf(Locale.ROOT, "already present   %,12d%n", alreadyPresent);
    out.printf(Locale.ROOT, "dead-lettered     %,12d   (%,d malformed input, %,d refused by the index)%n",
        deadLettered + malformed, malformed, deadLettered);
    out.printf(Locale.ROOT, "skipped           %,12d   (banners, responses, non-event messages)%n", skipped);
    out.printf(Locale.ROOT, "elapsed           %12.1f s   (%,.0f events/s)%n", elapsed.toMillis() / 1000.0, eventsPerSecond());
    if (unrecognisedFiles() > 0) {
      out.printf("not recognised    %12d   files (not event captures? name the format with --format)%n", unrecognisedFiles());
    }
    if (failedFiles() > 0) out.printf("files that failed %12d%n", failedFiles());
    out.flush();
  }

  private static String abbreviate(String s, int n) {
    return s.length() <= n ? s : "..." + s.substring(s.length() - n + 3);
  }
}
