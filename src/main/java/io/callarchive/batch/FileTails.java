package io.callarchive.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Whether a file can still grow. A log the platform appends to ends, at any moment, in the middle of an event;
 * that incomplete event must wait for the next run rather than be imported cut short or dead-lettered. A file is
 * finished when it is compressed, when its name carries a rotation suffix (logrotate's {@code .1} or dateext
 * {@code -20261201}), or when it has not changed for the quiet period. Stateless.
 */
final class FileTails {
  /** {@code name.1}, {@code name.1.gz}, {@code name-20261201}, {@code name-2026120112}, with an optional compression suffix. */
  private static final Pattern ROTATED = Pattern.compile(".*(\\.\\d+|-\\d{8}(\\d{2})?)(\\.(gz|bz2|xz|zst))?");

  private FileTails() {}

  static boolean finished(Path file, boolean compressed, Duration quietPeriod, Clock clock) throws IOException {
    if (compressed) return true;
    if (ROTATED.matcher(file.getFileName().toString()).matches()) return true;
    return !Files.getLastModifiedTime(file).toInstant().plus(quietPeriod).isAfter(clock.instant());
  }
}
