package io.callarchive.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.callarchive.model.IndexDoc;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A summary merged again from its stored form keeps its id, so the merge finds it again and never moves it. */
class CallSummaryIdentityTest {
  private final CallSummary summary = new CallSummary(new BuiltinCauses());

  private static LegState leg(String id, Instant start, Instant end) {
    LegState l = new LegState(id);
    l.firstSeen = start;
    l.start = start;
    l.end = end;
    l.callId = LegState.Stamped.of("1000.1", start);
    return l;
  }

  @Test
  void aCallOfASourceWithoutObserverNameKeepsItsIdWhenMergedAgain() {
    Instant t = Instant.parse("2026-11-22T10:00:00Z");
    IndexDoc fresh = summary.call("", "asterisk.ami",
        List.of(leg("1000.1", t, t.plusSeconds(60)), leg("1000.2", t.plusSeconds(1), t.plusSeconds(59))),
        Set.of("1000.1", "1000.2"));
    assertNull(fresh.doc().get("observer.name"), "no observer name is written");
    IndexDoc again = summary.mergeCalls(List.of(fresh.doc()));
    assertEquals(fresh.id(), again.id());
    assertEquals(fresh.timestamp(), again.timestamp());
    assertEquals(CallSummary.callId("", "1000.1"), again.id(), "the id a look-up computes from the call's keys");
  }

  @Test
  void aNamedSourceKeepsItsIdToo() {
    Instant t = Instant.parse("2026-11-22T10:00:00Z");
    IndexDoc fresh = summary.call("pbx1", "asterisk.ami", List.of(leg("1000.1", t, t.plusSeconds(5))), Set.of("1000.1"));
    assertEquals(fresh.id(), summary.mergeCalls(List.of(fresh.doc())).id());
    assertEquals(CallSummary.callId("pbx1", "1000.1"), fresh.id());
  }
}
