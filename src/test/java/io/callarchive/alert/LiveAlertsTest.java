package io.callarchive.alert;

import static io.callarchive.alert.Docs.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.model.IndexDoc;
import io.callarchive.pipeline.DocSink;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The live driver: documents are evaluated on the engine's own thread, and handing them over never waits. */
class LiveAlertsTest {
  private static final String RULES = """
      rules:
        - name: auth-failures
          kind: frequency
          index: security
          where: {event.outcome: failure}
          key: source.ip
          window: 10m
          threshold: 5
      """;

  /** An index sink that hangs until released, as a bulk indexer under back-pressure may. */
  private static final class HangingSink implements DocSink {
    final CountDownLatch release = new CountDownLatch(1);
    final List<IndexDoc> docs = new CopyOnWriteArrayList<>();

    @Override
    public void accept(IndexDoc doc) {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      docs.add(doc);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  @Test
  void offeringNeverWaitsForAHangingSinkAndEverythingIsEvaluatedOnceItAnswers() throws Exception {
    HangingSink sink = new HangingSink();
    LiveAlerts live = new LiveAlerts(AlertConfig.parse(RULES, "test.yml", k -> null), sink, null, Clock.systemUTC());
    live.start(() -> at(0));
    // Three addresses over the threshold: the first firing hangs the engine's thread in the sink; the caller
    // (the indexer's acknowledgement thread, in the stream) goes on. The bound is generous: it fails only if
    // offer waited for the sink.
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      for (int ip = 1; ip <= 3; ip++) {
        for (int i = 0; i < 5; i++) live.offer(Docs.authFailure(at(10L * i + ip), "203.0.113." + ip, "u"));
      }
    });
    assertTrue(sink.docs.isEmpty());
    sink.release.countDown();
    live.close(Duration.ofSeconds(20));
    assertEquals(List.of("203.0.113.1", "203.0.113.2", "203.0.113.3"),
        sink.docs.stream().map(d -> d.doc().getString("alert.key")).toList());
    assertEquals(0, live.dropped.sum());
  }
}
