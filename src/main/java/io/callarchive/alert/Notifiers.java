package io.callarchive.alert;

import io.callarchive.pipeline.DocSink;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every alert where it belongs: always the {@code callarchive-alerts} index (through the given sink, the
 * bulk indexer of the {@code index} package) and the log; then the webhooks and mail notifiers the rule names,
 * or all of them when it names none. Thread-safe; never blocks on a webhook or mail server.
 */
public final class Notifiers implements Consumer<Alert>, AutoCloseable {
  /** The log every alert goes to, at WARN when it fires and INFO when it recovers. */
  private static final Logger alerts = LoggerFactory.getLogger("io.callarchive.alerts");

  private final DocSink index;
  private final Clock clock;
  private final Map<String, Notifier> external = new LinkedHashMap<>();
  private final Map<String, List<String>> targets = new LinkedHashMap<>();

  /**
   * @param index where alert documents go (null: nowhere, for tests of the external notifiers only)
   */
  public Notifiers(AlertConfig config, DocSink index, Clock clock) {
    this(config, index, clock, external(config));
  }

  Notifiers(AlertConfig config, DocSink index, Clock clock, List<Notifier> notifiers) {
    this.index = index;
    this.clock = clock;
    for (Notifier n : notifiers) external.put(n.name(), n);
    for (Rule r : config.rules()) targets.put(r.name(), r.targets().isEmpty() ? List.copyOf(external.keySet()) : r.targets());
  }

  private static List<Notifier> external(AlertConfig config) {
    List<Notifier> out = new ArrayList<>();
    for (AlertConfig.Webhook w : config.webhooks()) out.add(new WebhookNotifier(w));
    for (AlertConfig.Email e : config.emails()) out.add(new EmailNotifier(e));
    return out;
  }

  @Override
  public void accept(Alert a) {
    if (index != null) index.accept(a.toIndexDoc(clock.instant()));
    if (a.state() == Alert.State.RECOVERED) alerts.info("{}", a.message());
    else alerts.warn("{}", a.message());
    for (String t : targets.getOrDefault(a.rule(), List.copyOf(external.keySet()))) {
      Notifier n = external.get(t);
      if (n != null) n.send(a);
    }
  }

  /** Counts per external notifier. */
  public Map<String, Notifier.Counts> counts() {
    Map<String, Notifier.Counts> m = new LinkedHashMap<>();
    external.forEach((k, v) -> m.put(k, v.counts()));
    return m;
  }

  /** Delivers what is queued (each notifier waits at most {@code grace}). The index sink is the caller's. */
  public void close(Duration grace) {
    for (Notifier n : external.values()) n.close(grace);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
