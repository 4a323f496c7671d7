package io.callarchive.batch;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Import progress for an operator: on a terminal one line, redrawn in place, with the current file and the whole
 * run (bytes, events/s, ETA); otherwise (cron, systemd, a pipe) a log line every {@code logEvery}. Updates are
 * cheap and throttled, so the reader may call {@link FileProgress#at} for every piece. Called from the step
 * thread only; not thread-safe.
 */
public final class Progress {
  private static final Logger log = LoggerFactory.getLogger(Progress.class);

  /** How progress is shown. */
  public enum Mode { TERMINAL, LOG, NONE }

  private final Mode mode;
  private final PrintStream out;
  private final long totalBytes;
  private final int files;
  private final Duration every;
  private final LongSupplier events;
  private final long startNanos = System.nanoTime();
  private long doneBytes;
  private long lastPrint;
  private boolean drawn;

  /**
   * @param totalBytes the bytes all files of this run will read
   * @param events the run's events so far (the pipeline's counter)
   */
  public Progress(Mode mode, PrintStream out, long totalBytes, int files, Duration every, LongSupplier events) {
    this.mode = mode;
    this.out = out;
    this.totalBytes = totalBytes;
    this.files = files;
    this.every = mode == Mode.TERMINAL ? Duration.ofMillis(250) : every;
    this.events = events;
  }

  /** {@link Mode#TERMINAL} when standard error is a terminal, else {@link Mode#LOG}. */
  public static Mode detect() {
    java.io.Console c = System.console();
    if (c == null) return Mode.LOG;
    try {
      // Console.isTerminal() (JDK 22+) tells a real terminal from redirected streams; before it, a console
      // exists only on a terminal.
      Object t = java.io.Console.class.getMethod("isTerminal").invoke(c);
      return Boolean.TRUE.equals(t) ? Mode.TERMINAL : Mode.LOG;
    } catch (ReflectiveOperationException e) {
      return Mode.TERMINAL;
    }
  }

  public FileProgress file(Path file, int index, long start, long end) {
    return new FileProgress(file, index, start, end);
  }

  /** Clears the progress line so the summary starts on a clean line. */
  public void finish() {
    if (drawn) {
      out.print("\r\033[K");
      out.flush();
      drawn = false;
    }
  }

  /** The progress of one file's step. */
  public final class FileProgress {
    private final Path file;
    private final int index;
    private final long start;
    private final long end;
    private final long fileStartNanos = System.nanoTime();
    private final long eventsAtStart = events.getAsLong();
    private long position;
    private long first = -1;

    FileProgress(Path file, int index, long start, long end) {
      this.file = file;
      this.index = index;
      this.start = start;
      this.end = end;
    }

    /** The reader is at this offset of the file's content. */
    public void at(long offset) {
      if (first < 0) first = offset;
      position = offset;
      if (mode == Mode.NONE) return;
      long now = System.nanoTime();
      if (now - lastPrint < every.toNanos()) return;
      lastPrint = now;
      print(line());
    }

    /** The file is done: its bytes count as read for the whole run; the line is cleared for the log. */
    public void done() {
      doneBytes += end - start;
      finish();
    }

    String line() {
      long read = Math.max(0, position - first);
      long fileLeft = Math.max(0, end - position);
      double secs = (System.nanoTime() - fileStartNanos) / 1e9;
      double bps = secs > 0 ? read / secs : 0;
      long ev = events.getAsLong() - eventsAtStart;
      double allSecs = (System.nanoTime() - startNanos) / 1e9;
      long allRead = doneBytes + (position - start);
      double allBps = allSecs > 0 ? allRead / allSecs : 0;
      return String.format(
          Locale.ROOT, "[%d/%d] %s %5.1f%% %s/%s %,.0f ev/s ETA %s | all %5.1f%% ETA %s",
          index, files, file.getFileName(), pct(position - start, end - start), mib(position), mib(end),
          secs > 0 ? ev / secs : 0, eta(fileLeft, bps), pct(allRead, totalBytes), eta(totalBytes - allRead, allBps));
    }
  }

  private void print(String line) {
    if (mode == Mode.TERMINAL) {
      out.print("\r\033[K" + line);
      out.flush();
      drawn = true;
    } else {
      log.info(line);
    }
  }

  private static double pct(long part, long whole) {
    return whole <= 0 ? 100 : 100.0 * part / whole;
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1fMiB", bytes / 1048576.0);
  }

  static String eta(long bytesLeft, double bytesPerSecond) {
    if (bytesLeft <= 0) return "0:00";
    if (bytesPerSecond <= 0) return "?";
    long s = (long) Math.ceil(bytesLeft / bytesPerSecond);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
