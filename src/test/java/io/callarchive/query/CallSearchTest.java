package io.callarchive.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CallSearchTest {
  @Test
  void causeIsACategoryACodeOrAName() {
    assertEquals("hangup.cause.category", CallSearch.causeQuery("Busy").term().field());
    assertEquals("busy", CallSearch.causeQuery("Busy").term().value().stringValue());
    assertEquals(17L, CallSearch.causeQuery("17").term().value().longValue());
    assertEquals("USER_BUSY", CallSearch.causeQuery("user_busy").term().value().stringValue());
    assertEquals("hangup.cause.name", CallSearch.causeQuery("user_busy").term().field());
    assertThrows(IllegalArgumentException.class, () -> CallSearch.causeQuery("busy!"));
  }

  @Test
  void limitsAndLossAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new CallSearch.Filter(null, null, null, null, null, null, null, null, null, null, 0));
    assertThrows(IllegalArgumentException.class, () -> new CallSearch.Filter(null, null, null, null, null, null, null, null, null, 101.0, 5));
  }

  @Test
  void rowShowsOpenCallsAndMissingValuesPlainly() throws Exception {
    var doc = new ObjectMapper().readTree("""
        {"call": {"id": "c1", "start": "2026-11-20T10:00:00Z"}, "caller": {"number": "100"},
         "observer.name": "pbx-a", "hangup": {"cause": {"category": "busy", "q850": 17}}}""");
    String[] row = CallSearch.row(doc);
    assertEquals("2026-11-20 10:00:00", row[0]);
    assertEquals("100", row[1]);
    assertEquals("-", row[2]);
    assertEquals("open", row[3]);
    assertEquals("busy (17)", row[4]);
    assertEquals("pbx-a", row[7], "dotted keys are read like nested ones");
    assertEquals("c1", row[8]);
    assertEquals("+1.250s", CallTimeline.offset(Duration.ofMillis(1250)));
  }
}
