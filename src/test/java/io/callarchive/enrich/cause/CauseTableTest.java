package io.callarchive.enrich.cause;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class CauseTableTest {

  static Stream<Cause> rows() {
    return CauseTable.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void everyRowIsFoundByItsNumberAndItsCanonicalName(Cause c) {
    assertSame(c, CauseTable.byCode(c.code()));
    assertSame(c, CauseTable.byName(c.name()));
    assertSame(c, CauseTable.byName(c.name().toLowerCase()));
    assertNotNull(c.category());
    assertNotNull(c.description());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void everyAsteriskNameAndTextLeadsBackToItsRow(Cause c) {
    if (c.asterisk() != null && !c.asterisk().equals("PRE_EMPTED")) {
      assertSame(c, CauseTable.byName(c.asterisk()));
      assertSame(c, CauseTable.byName("AST_CAUSE_" + c.asterisk()));
    }
    if (c.asteriskText() != null) assertSame(c, CauseTable.byAsteriskText(c.asteriskText().toUpperCase()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void freeswitchOwnCausesAreReportedAsQ850Sixteen(Cause c) {
    assertEquals(c.code() <= 127 ? c.code() : 16, c.q850());
    if (c.sip() != null) assertTrue(c.sip() >= 300 && c.sip() < 700, c + " maps to a non-final SIP status");
  }

  @Test
  void namesAndCodesAreUniqueAndQ850CodesAreInRange() {
    Set<String> names = new HashSet<>();
    Set<Integer> codes = new HashSet<>();
    for (Cause c : CauseTable.all()) {
      assertTrue(names.add(c.name()), "duplicate " + c.name());
      assertTrue(codes.add(c.code()), "duplicate " + c.code());
    }
    assertTrue(codes.containsAll(Set.of(0, 1, 16, 17, 18, 19, 21, 34, 127, 487, 825)));
  }

  @Test
  void asteriskPreEmptedKeepsFreeswitchMeaningWhileAsteriskCodeEightHasItsOwnName() {
    assertEquals(45, CauseTable.byName("PRE_EMPTED").code());
    assertEquals("PREEMPTION", CauseTable.byCode(8).name());
    assertEquals("PRE_EMPTED", CauseTable.byCode(8).asterisk());
  }

  @ParameterizedTest(name = "AST_CAUSE_{0} = {1}")
  @CsvSource({"NORMAL,16", "BUSY,17", "NOANSWER,19", "UNREGISTERED,20", "CONGESTION,34", "FAILURE,38",
      "NOSUCHDRIVER,66", "REDIRECTED_TO_NEW_DESTINATION,23", "UNALLOCATED,1", "NOTDEFINED,0"})
  void asteriskAliasesResolveToTheirCode(String alias, int code) {
    assertEquals(code, CauseTable.byName(alias).code());
  }

  // RFC 3398 §7.2.4.1 and the choices documented for the gaps (event-sources §10.2)
  @ParameterizedTest(name = "SIP {0} -> {1}")
  @CsvSource({
    "400,41", "401,21", "402,21", "403,21", "404,1", "405,63", "406,79", "407,21", "408,102", "409,41", "410,22",
    "413,127", "414,127", "415,79", "416,127", "420,127", "421,127", "423,127", "480,18", "481,41", "482,25",
    "483,25", "484,28", "485,1", "486,17", "487,487", "488,58", "500,41", "501,79", "502,38", "503,41", "504,102",
    "505,127", "513,127", "600,17", "603,21", "604,1", "606,58", "607,819", "302,23", "200,16", "299,16",
    "499,127", "599,127", "699,127", "301,23"
  })
  void sipResponsesMapToQ850(int sip, int code) {
    assertEquals(code, CauseTable.fromSip(sip).code());
  }

  @ParameterizedTest(name = "SIP {0} is {1}")
  @CsvSource({"200,answered", "486,busy", "600,busy", "480,no_answer", "408,unavailable", "403,rejected",
      "603,rejected", "404,unavailable", "487,cancelled", "503,unavailable", "488,failure", "607,rejected"})
  void sipResponsesImplyACategory(int sip, String category) {
    assertEquals(category, CauseTable.categoryOfSip(sip).value());
  }

  @Test
  void provisionalResponsesAndUnknownValuesMapToNothing() {
    assertNull(CauseTable.fromSip(180));
    assertNull(CauseTable.fromSip(99));
    assertNull(CauseTable.byCode(48));
    assertNull(CauseTable.byName("CHECK FS HANGUP CAUSE"));
    assertNull(CauseTable.byName(null));
    assertNull(CauseTable.byAsteriskText("Unknown"));
  }
}
