package io.callarchive.alert;

import io.callarchive.model.IndexDoc;
import io.callarchive.pipeline.DocSink;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The rules as a long-running service wires them: an {@link AlertEngine} over the configured rules whose notices
 * go to the given index sink (the service's bulk indexer), the log and the configured notifiers, with its state in
 * a file. Call {@link #accept} for every document the pipeline has acknowledged (the engine's own alert
 * documents among them are recognised by id and count once), {@link #tick} about once a second, {@link #close}
 * at shutdown. Thread-safe, like the engine.
 */
public final class LiveAlerts implements AutoCloseable {
  private final Notifiers notifiers;
  private final AlertEngine engine;
  private final Clock clock;

  public LiveAlerts(AlertConfig config, DocSink index, Path stateFile, Clock clock) throws IOException {
    this.clock = clock;
    this.notifiers = new Notifiers(config, index, clock);
    this.engine = new AlertEngine(config.rules(), notifiers, stateFile);
  }

  public void accept(IndexDoc doc) {
    engine.accept(doc);
  }

  /** Closes windows, raises flatlines and recoveries up to the clock's time, saves the state. */
  public void tick() {
    tick(clock.instant());
  }

  public void tick(Instant now) {
    engine.tick(now);
  }

  public AlertEngine engine() {
    return engine;
  }

  public Notifiers notifiers() {
    return notifiers;
  }

  /** Saves the state and gives queued webhook and mail deliveries a few seconds. */
  @Override
  public void close() {
    engine.close();
    notifiers.close(Duration.ofSeconds(10));
  }
}
