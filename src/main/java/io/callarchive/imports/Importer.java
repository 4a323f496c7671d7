package io.callarchive.imports;

import io.callarchive.model.Parsed;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.EventReader;
import io.callarchive.parse.Formats;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.SourceContext;
import io.callarchive.source.FileInputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports files through the pipeline: expand paths, open each file (gzip transparently), detect or force its
 * format, read every piece, and hand it to the pipeline. One unreadable file does not stop the others; it is
 * reported in the result. Not thread-safe.
 */
public final class Importer {
  private static final Logger log = LoggerFactory.getLogger(Importer.class);

  private final Formats formats;
  private final Pipeline pipeline;
  private final Clock clock;

  public Importer(Formats formats, Pipeline pipeline, Clock clock) {
    this.formats = formats;
    this.pipeline = pipeline;
    this.clock = clock;
  }

  /**
   * What became of one file. {@code error} is null when the file was read to its end; a file whose format was
   * not recognised has a null {@code format} and no error: it is reported, not imported, and not a failure.
   */
  public record FileResult(
      Path file, String format, long bytes, long events, long skipped, long malformed, Duration elapsed, String error) {
    public boolean unrecognised() {
      return format == null && error == null;
    }
  }

  public List<FileResult> importAll(List<Path> paths, ImportOptions options) throws IOException {
    List<FileResult> results = new ArrayList<>();
    List<Path> files = FileInputs.expand(paths);
    int i = 0;
    for (Path file : files) {
      i++;
      FileResult r = importFile(file, options);
      results.add(r);
      log.info(
          "[{}/{}] {} ({}): {} events, {} skipped, {} malformed{}",
          i, files.size(), file, r.format(), r.events(), r.skipped(), r.malformed(),
          r.error() == null ? "" : " - " + r.error());
    }
    return results;
  }

  public FileResult importFile(Path file, ImportOptions options) {
    Instant start = clock.instant();
    long ev0 = pipeline.events.sum();
    long sk0 = pipeline.skipped.sum();
    long ma0 = pipeline.malformed.sum();
    String formatName = null;
    String error = null;
    long bytes = 0;
    try {
      bytes = Files.size(file);
      FileInputs.Opened opened = FileInputs.open(file);
      EventFormat format =
          options.format() != null
              ? formats.byName(options.format()).orElseThrow(() -> new IllegalArgumentException("unknown format " + options.format()))
              : formats.detect(opened.head(), opened.headLength()).orElse(null);
      if (format == null) {
        opened.stream().close();
        log.warn("{}: format not recognised from its first bytes, not imported; name it with --format ({})", file, names());
        return new FileResult(file, null, bytes, 0, 0, 0, Duration.between(start, clock.instant()), null);
      }
      formatName = format.name();
      SourceContext ctx = new SourceContext(options.sourceName(), options.labels(), fallbackTime(file, options));
      try (EventReader reader = format.open(opened.stream(), file.toString())) {
        Parsed p;
        while ((p = reader.next()) != null) pipeline.accept(p, format, ctx);
      }
    } catch (IOException | RuntimeException e) {
      error = e.getClass().getSimpleName() + ": " + e.getMessage();
      log.error("Reading {} failed: {}", file, error);
    }
    return new FileResult(
        file, formatName, bytes,
        pipeline.events.sum() - ev0, pipeline.skipped.sum() - sk0, pipeline.malformed.sum() - ma0,
        Duration.between(start, clock.instant()), error);
  }

  private Instant fallbackTime(Path file, ImportOptions options) throws IOException {
    return switch (options.timeFrom()) {
      case "mtime" -> Files.getLastModifiedTime(file).toInstant();
      case "now" -> clock.instant();
      default -> Instant.parse(options.timeFrom());
    };
  }

  private String names() {
    return String.join(", ", formats.all().stream().map(EventFormat::name).toList());
  }
}
