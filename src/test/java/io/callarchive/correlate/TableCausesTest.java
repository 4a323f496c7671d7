package io.callarchive.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The enricher's table and the fallback agree on the causes that end most calls. */
class TableCausesTest {
  @ParameterizedTest
  @CsvSource({
    "16,, false, NORMAL_CLEARING, cancelled",
    "16,, true, NORMAL_CLEARING, answered",
    "17,, false, USER_BUSY, busy",
    "19,, false, NO_ANSWER, no_answer",
    "21,, false, CALL_REJECTED, rejected",
    ", USER_BUSY, false, USER_BUSY, busy",
    ", ORIGINATOR_CANCEL, false, ORIGINATOR_CANCEL, cancelled",
    ", NO_ANSWER, false, NO_ANSWER, no_answer",
  })
  void bothTablesNameAndCategoriseTheCommonCauses(Integer q850, String name, boolean answered, String expectedName,
      String expectedCategory) {
    for (HangupCauses causes : new HangupCauses[] {new TableCauses(), new BuiltinCauses()}) {
      HangupCauses.Cause c = causes.resolve(q850, name);
      assertEquals(expectedName, c.name(), causes.getClass().getSimpleName());
      assertEquals(expectedCategory, causes.category(c, answered), causes.getClass().getSimpleName());
    }
  }
}
