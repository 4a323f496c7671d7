package io.callarchive.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * The log file of a command run, {@code HOME/logs/callarchive.log}: warnings and errors with their stack traces,
 * which the terminal never shows (one sentence there; the console pattern drops exceptions). Attached for the
 * duration of one {@link Main#run}. Not thread-safe: one run at a time per JVM.
 */
final class RunLog implements AutoCloseable {
  /** The logger whose events go to the file only: the trace behind the sentence on the terminal. */
  static final String TRACE = "io.callarchive.trace";

  private final FileAppender<ILoggingEvent> appender;
  private final Path file;

  private RunLog(FileAppender<ILoggingEvent> appender, Path file) {
    this.appender = appender;
    this.file = file;
  }

  /** Opens the log under the home the arguments name (or the default one); null when it cannot be written. */
  static RunLog open(String[] args) {
    try {
      Path home = home(args);
      Path file = home.resolve("logs").resolve("callarchive.log");
      Files.createDirectories(file.getParent());
      if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return null;
      PatternLayoutEncoder enc = new PatternLayoutEncoder();
      enc.setContext(ctx);
      enc.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{0} - %msg%n");
      enc.start();
      FileAppender<ILoggingEvent> fa = new FileAppender<>();
      fa.setContext(ctx);
      fa.setName("callarchive-run-log");
      fa.setFile(file.toString());
      fa.setAppend(true);
      fa.setEncoder(enc);
      ThresholdFilter warn = new ThresholdFilter();
      warn.setLevel("WARN");
      warn.start();
      fa.addFilter(warn);
      fa.start();
      if (!fa.isStarted()) return null;
      ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(fa);
      Logger trace = ctx.getLogger(TRACE);
      trace.setAdditive(false);
      trace.setLevel(Level.ERROR);
      trace.addAppender(fa);
      return new RunLog(fa, file);
    } catch (Exception | LinkageError e) {
      return null;
    }
  }

  Path file() {
    return file;
  }

  static Path home(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--home") && i + 1 < args.length) return Path.of(args[i + 1]).toAbsolutePath();
      if (args[i].startsWith("--home=")) return Path.of(args[i].substring(7)).toAbsolutePath();
    }
    String env = LocalNodeOptions.env("CALLARCHIVE_HOME");
    return env != null ? Path.of(env).toAbsolutePath() : Path.of(System.getProperty("user.home"), ".callarchive");
  }

  @Override
  public void close() {
    LoggerContext ctx = (LoggerContext) appender.getContext();
    ctx.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
    ctx.getLogger(TRACE).detachAppender(appender);
    appender.stop();
  }
}
