package io.callarchive.alert;

import static io.callarchive.alert.Docs.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.model.IndexDoc;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertEngineTest {
  private static final String AUTH = """
      rules:
        - name: auth
          kind: frequency
          index: security
          where: {event.outcome: failure}
          key: source.ip
          window: 10m
          threshold: 5
          realert: 30m
      """;

  private final List<Alert> out = new ArrayList<>();

  private AlertEngine engine(String yaml, Path state) throws Exception {
    return new AlertEngine(AlertConfig.parse(yaml, "test.yml", v -> null).rules(), out::add, state);
  }

  private List<Alert> of(Alert.State state) {
    return out.stream().filter(a -> a.state() == state).toList();
  }

  private List<Alert> where(Predicate<Alert> p) {
    return out.stream().filter(p).toList();
  }

  @Test
  void frequencyFiresAtTheThresholdNotBelowAndKeysAreSeparate() throws Exception {
    AlertEngine e = engine(AUTH, null);
    for (int i = 0; i < 5; i++) e.accept(Docs.authFailure(at(60L * i), "203.0.113.5", "u" + i));
    for (int i = 0; i < 4; i++) e.accept(Docs.authFailure(at(60L * i + 1), "198.51.100.7", "u" + i));
    List<Alert> fired = of(Alert.State.FIRED);
    assertEquals(1, fired.size());
    Alert a = fired.get(0);
    assertEquals("203.0.113.5", a.key());
    assertEquals(5.0, a.value());
    assertEquals(5.0, a.threshold());
    assertEquals(at(240), a.time(), "fires with the fifth failure");
    assertEquals(at(0), a.windowStart());
    assertEquals(5, a.docIds().size());
  }

  @Test
  void windowsSlideSoSpreadOutFailuresNeverFire() throws Exception {
    AlertEngine e = engine(AUTH, null);
    // one failure every 2.5 minutes: any 10-minute window holds at most 4
    for (int i = 0; i < 12; i++) e.accept(Docs.authFailure(at(150L * i), "203.0.113.5", "u"));
    e.tick(at(7200));
    assertTrue(out.isEmpty(), out.toString());
    // then 5 within 10 minutes late in the stream fire, with the window where they are
    for (int i = 0; i < 5; i++) e.accept(Docs.authFailure(at(8000 + 100L * i), "203.0.113.5", "u"));
    assertEquals(1, of(Alert.State.FIRED).size());
    assertEquals(at(8000), of(Alert.State.FIRED).get(0).windowStart());
  }

  @Test
  void recoveryIsTimedWhenTheOldestFailureLeavesTheWindow() throws Exception {
    AlertEngine e = engine(AUTH, null);
    for (int i = 0; i < 5; i++) e.accept(Docs.authFailure(at(60L * i), "203.0.113.5", "u"));
    e.tick(at(599));
    assertEquals(0, of(Alert.State.RECOVERED).size(), "all five still inside the window");
    e.tick(at(3600));
    assertEquals(1, of(Alert.State.RECOVERED).size());
    Alert r = of(Alert.State.RECOVERED).get(0);
    assertEquals(at(600), r.time(), "the first failure (t=0) leaves the 10-minute window at t=600");
    assertEquals(4.0, r.value());
    assertTrue(e.open().get("auth").isEmpty());
  }

  @Test
  void openAlertIsRenotifiedOnlyAfterTheCooldown() throws Exception {
    AlertEngine e = engine(AUTH, null);
    // a failure every minute for an hour: the condition holds from minute 4 on
    for (int i = 0; i <= 60; i++) e.accept(Docs.authFailure(at(60L * i), "203.0.113.5", "u"));
    assertEquals(1, of(Alert.State.FIRED).size());
    List<Alert> again = of(Alert.State.RENOTIFIED);
    // fired at minute 4; renotified at the first failure 30 minutes later (minute 34), not before
    assertEquals(1, again.size(), again.toString());
    assertEquals(at(34 * 60), again.get(0).time());
    assertEquals(0, of(Alert.State.RECOVERED).size());
  }

  @Test
  void alertIdsAreDeterministicAndDistinctPerWindowAndState() throws Exception {
    AlertEngine e1 = engine(AUTH, null);
    for (int i = 0; i < 5; i++) e1.accept(Docs.authFailure(at(60L * i), "203.0.113.5", "u"));
    e1.tick(at(3600));
    List<Alert> first = new ArrayList<>(out);
    out.clear();
    AlertEngine e2 = engine(AUTH, null);
    for (int i = 0; i < 5; i++) e2.accept(Docs.authFailure(at(60L * i), "203.0.113.5", "u"));
    e2.tick(at(3600));
    assertEquals(first.stream().map(Alert::id).toList(), out.stream().map(Alert::id).toList());
    assertEquals(2, first.stream().map(Alert::id).distinct().count());
  }

  @Test
  void stateSurvivesARestartWithoutFiringAgain(@TempDir Path dir) throws Exception {
    Path state = dir.resolve("alerts-state.json");
    try (AlertEngine e = engine(AUTH, state)) {
      for (int i = 0; i < 5; i++) e.accept(Docs.authFailure(at(60L * i), "203.0.113.5", "u"));
      e.tick(at(300));
    }
    assertEquals(1, of(Alert.State.FIRED).size());
    out.clear();
    try (AlertEngine again = engine(AUTH, state)) {
      assertEquals(List.of("203.0.113.5"), again.open().get("auth"));
      // a sixth failure inside the window: still the same open alert, nothing new
      again.accept(Docs.authFailure(at(360), "203.0.113.5", "u"));
      assertTrue(out.isEmpty(), out.toString());
      // the restored window slides on: the count falls below 5 when the second failure (t=60) leaves it
      again.tick(at(3600));
    }
    assertEquals(1, of(Alert.State.RECOVERED).size());
    assertEquals(at(660), of(Alert.State.RECOVERED).get(0).time());
  }

  @Test
  void cardinalityCountsDistinctAccountsPerAddress() throws Exception {
    AlertEngine e = engine("""
        rules:
          - name: scan
            kind: cardinality
            index: security
            key: source.ip
            field: user.name
            window: 1h
            threshold: 3
        """, null);
    for (int i = 0; i < 10; i++) e.accept(Docs.authFailure(at(i), "192.0.2.1", "same"));
    e.accept(Docs.authFailure(at(20), "192.0.2.2", "a"));
    e.accept(Docs.authFailure(at(21), "192.0.2.2", "b"));
    assertTrue(out.isEmpty(), "10 tries of one account and 2 accounts are below 3 distinct");
    e.accept(Docs.authFailure(at(22), "192.0.2.2", "c"));
    assertEquals(1, out.size());
    assertEquals("192.0.2.2", out.get(0).key());
    assertEquals(3.0, out.get(0).value());
  }

  @Test
  void thresholdAveragesTheMeasureOverTheWindowPerCallAndRemote() throws Exception {
    AlertEngine e = engine("""
        rules:
          - name: loss
            kind: threshold
            index: quality
            where: {quality.kind: report}
            key: [call.id, source.ip]
            field: rtcp.fraction_lost_pct
            op: ">="
            threshold: 5
            min_count: 2
            window: 30s
        """, null);
    e.accept(Docs.rtcp(at(0), "c1", "192.0.2.10", 20, 1, 4));
    assertTrue(out.isEmpty(), "one report is not sustained loss");
    e.accept(Docs.rtcp(at(5), "c2", "192.0.2.10", 4, 1, 4));
    e.accept(Docs.rtcp(at(10), "c2", "192.0.2.10", 5.9, 1, 4));
    // c2: (4 + 5.9) / 2 = 4.95 < 5
    assertTrue(out.isEmpty(), out.toString());
    e.accept(Docs.rtcp(at(10), "c1", "192.0.2.10", 0, 1, 4));
    // c1: (20 + 0) / 2 = 10 >= 5
    assertEquals(1, out.size());
    assertEquals("c1|192.0.2.10", out.get(0).key());
    assertEquals(10.0, out.get(0).value(), 1e-9);
    e.accept(Docs.rtcp(at(31), "c1", "192.0.2.10", 0, 1, 4));
    // at 31 s the 20 % report (t=0) has left; (0 + 0) / 2 = 0: recovered when it left, at t=30
    assertEquals(Alert.State.RECOVERED, out.get(1).state());
    assertEquals(at(30), out.get(1).time());
  }

  @Test
  void ratioNeedsTheMinimumOfOfferedCallsBeforeItFires() throws Exception {
    AlertEngine e = engine("""
        rules:
          - name: sl
            kind: ratio
            index: queue
            key: queue.name
            numerator: {queue.outcome: answered, queue.wait_s: {lte: 20}}
            threshold: 80
            min_count: 5
            window: 1h
        """, null);
    // sales: 4 stays, all abandoned: 0 % but fewer than 5 offered
    for (int i = 0; i < 4; i++) e.accept(Docs.queueStay(at(i), "sales", "abandoned", 60));
    assertTrue(out.isEmpty());
    // support: 3 answered quickly, 1 answered late, 1 abandoned = 60 % of 5
    e.accept(Docs.queueStay(at(10), "support", "answered", 5));
    e.accept(Docs.queueStay(at(11), "support", "answered", 10));
    e.accept(Docs.queueStay(at(12), "support", "answered", 20));
    e.accept(Docs.queueStay(at(13), "support", "answered", 21));
    assertTrue(out.isEmpty());
    e.accept(Docs.queueStay(at(14), "support", "abandoned", 30));
    assertEquals(1, out.size());
    assertEquals("support", out.get(0).key());
    assertEquals(60.0, out.get(0).value(), 1e-9);
    e.accept(Docs.queueStay(at(15), "sales", "abandoned", 60));
    assertEquals(2, out.size());
    assertEquals("sales", out.get(1).key());
    assertEquals(0.0, out.get(1).value());
  }

  @Test
  void flatlineFiresAfterTheSilenceAndRecoversWhenTheSourceSpeaks() throws Exception {
    AlertEngine e = engine("""
        rules:
          - name: silent
            kind: flatline
            index: events
            key: observer.name
            window: 15m
        """, null);
    for (int i = 0; i < 10; i++) e.accept(Docs.event(at(60L * i), "pbx1"));
    for (int i = 0; i < 20; i++) e.accept(Docs.event(at(60L * i + 1), "pbx2"));
    e.tick(at(60L * 9 + 899));
    assertTrue(out.isEmpty(), "pbx1 silent for 14m59s");
    e.tick(at(3000));
    assertEquals(2, out.size(), out.toString());
    Alert a = out.get(0);
    assertEquals("pbx1", a.key());
    assertEquals(at(540 + 900), a.time(), "last event at 9 min, silent 15 min");
    assertEquals(900.0, a.value());
    assertEquals("pbx2", out.get(1).key());
    assertEquals(at(60 * 19 + 1 + 900), out.get(1).time());
    e.accept(Docs.event(at(3100), "pbx1"));
    assertEquals(Alert.State.RECOVERED, out.get(2).state());
    assertEquals("pbx1", out.get(2).key());
    assertEquals(at(3100), out.get(2).time());
  }

  @Test
  void recidiveCountsTheEnginesOwnAlerts() throws Exception {
    AlertEngine e = engine(AUTH + """
          - name: recidive
            kind: frequency
            index: alerts
            where: {alert.rule: auth, alert.state: fired}
            key: alert.key
            window: 1d
            threshold: 3
        """, null);
    // three bursts an hour apart: three firings, each recovered before the next
    for (int burst = 0; burst < 3; burst++) {
      for (int i = 0; i < 5; i++) e.accept(Docs.authFailure(at(3600L * burst + i), "203.0.113.9", "u"));
      e.tick(at(3600L * burst + 1800));
    }
    assertEquals(3, where(a -> a.rule().equals("auth") && a.state() == Alert.State.FIRED).size());
    List<Alert> rec = where(a -> a.rule().equals("recidive") && a.state() == Alert.State.FIRED);
    assertEquals(1, rec.size());
    assertEquals("203.0.113.9", rec.get(0).key());
    assertEquals(at(7204), rec.get(0).time(), "the third firing, with the fifth failure of the third burst");
  }

  @Test
  void aDocumentSeenTwiceCountsOnce() throws Exception {
    AlertEngine e = engine(AUTH, null);
    IndexDoc d = Docs.authFailure(at(0), "203.0.113.5", "u");
    for (int i = 0; i < 5; i++) e.accept(d);
    assertTrue(out.isEmpty());
  }

  @Test
  void lateDocumentsBehindTheWindowAreCountedNotUsed() throws Exception {
    AlertEngine e = engine(AUTH, null);
    e.tick(Instant.parse("2026-12-01T00:00:00Z"));
    for (int i = 0; i < 5; i++) e.accept(Docs.authFailure(at(i), "203.0.113.5", "u"));
    assertTrue(out.isEmpty());
    assertEquals(5, e.late.sum());
  }

  @Test
  void anExpectedSourceThatNeverSpeaksFiresAfterTheWindowAndOneHeardIsLeftAlone() throws Exception {
    AlertEngine e = engine("""
        rules:
          - name: silent
            kind: flatline
            index: events
            where: {event.kind: event}
            key: observer.name
            window: 15m
        """, null);
    e.accept(Docs.event(at(600), "pbx1"));
    e.expect("observer.name", "pbx1", at(0));
    e.expect("observer.name", "pbx9", at(0));
    e.expect("source.ip", "203.0.113.5", at(0));
    e.tick(at(899));
    assertTrue(out.isEmpty(), out.toString());
    e.tick(at(1600));
    assertEquals(List.of("pbx9 " + at(900), "pbx1 " + at(1500)),
        out.stream().map(a -> a.key() + " " + a.time()).toList(), "pbx1 from its event at 10 min, not from the watch");
    assertEquals(List.of(), out.get(0).docIds());
  }

  @Test
  void theDefaultPackDoesNotTakeTheStreamsConnectionRecordsForTheSourceSpeaking() throws Exception {
    List<Rule> silent = AlertConfig.builtIn().rules().stream().filter(r -> r.name().equals("source-silent")).toList();
    AlertEngine e = new AlertEngine(silent, out::add, null);
    e.accept(Docs.event(at(0), "pbx1"));
    // a login refused every 5 minutes: connected, then auth_failed, as the stream archives them
    for (int i = 1; i <= 12; i++) {
      e.accept(Docs.doc(io.callarchive.model.IndexType.EVENTS, at(300L * i), "observer.name", "pbx1",
          "event.kind", "state", "event.action", i % 2 == 0 ? "auth_failed" : "connected"));
    }
    e.tick(at(3600));
    assertEquals(List.of("FIRED pbx1 " + at(1800)), out.stream().map(a -> a.state() + " " + a.key() + " " + a.time()).toList());
  }
}
