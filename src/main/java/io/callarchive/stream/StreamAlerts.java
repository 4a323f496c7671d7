package io.callarchive.stream;

import io.callarchive.alert.AlertConfig;
import io.callarchive.alert.LiveAlerts;
import io.callarchive.model.IndexDoc;
import io.callarchive.pipeline.DocSink;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;

/**
 * How the stream service runs the alert rules live: a {@link LiveAlerts} fed with every document Elasticsearch
 * acknowledged (the pipeline's listeners), writing its notices through the pipeline's bulk indexer, with its state
 * in {@code alerts-state.json} of the spool directory, and ticked up to {@link #horizon}.
 */
final class StreamAlerts {
  private StreamAlerts() {}

  /** The state file of the live engine: beside the spool, which it must stay consistent with. */
  static final String STATE_FILE = "alerts-state.json";

  /** Starts live alerting over the pipeline's documents; the caller closes it before the pipeline's indexer. */
  static LiveAlerts start(AlertConfig rules, StreamConfig config, StreamPipeline pipeline, Clock clock) throws IOException {
    // The service's one write path: the pipeline's bulk indexer of the moment (a rewind makes a new one).
    DocSink index = new DocSink() {
      @Override
      public void accept(IndexDoc doc) {
        pipeline.indexer().accept(doc);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    LiveAlerts alerts = new LiveAlerts(rules, index, config.spool().dir().resolve(STATE_FILE), clock);
    // A configured connection is watched for silence from the start, even if it never comes up.
    Instant now = clock.instant();
    for (StreamConfig.Source s : config.sources()) {
      if (s.observerName() != null) alerts.engine().expect("observer.name", s.observerName(), now);
    }
    pipeline.listeners.add(alerts::offer);
    alerts.start(() -> horizon(pipeline, clock));
    return alerts;
  }

  /**
   * The time up to which everything received has reached the alert engine: the clock, held back to the oldest
   * frame not yet acknowledged (an Elasticsearch outage delays the documents; it is not a silence of the PBXs).
   */
  static Instant horizon(StreamPipeline pipeline, Clock clock) {
    Instant now = clock.instant();
    Instant oldest = pipeline.oldestUnacknowledged();
    return oldest != null && oldest.isBefore(now) ? oldest : now;
  }
}
