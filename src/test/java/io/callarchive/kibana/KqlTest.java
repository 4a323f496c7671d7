package io.callarchive.kibana;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.junit.jupiter.api.Test;

class KqlTest {
  private static String dsl(String q) {
    return Kql.parse(q).dsl().toString();
  }

  @Test
  void termsPhrasesExistsAndRanges() {
    assertEquals("{\"match\":{\"call.answered\":\"true\"}}", dsl("call.answered : true"));
    assertEquals("{\"match_phrase\":{\"queue.outcome\":\"answered\"}}", dsl("queue.outcome : \"answered\""));
    assertEquals("{\"exists\":{\"field\":\"sdp.srtp\"}}", dsl("sdp.srtp : *"));
    assertEquals("{\"range\":{\"queue.wait_s\":{\"lte\":20}}}", dsl("queue.wait_s <= 20"));
    assertEquals("{\"range\":{\"quality.loss_pct_max\":{\"gt\":1.5}}}", dsl("quality.loss_pct_max > 1.5"));
    assertEquals("{\"query_string\":{\"fields\":[\"caller.number\"],\"query\":\"+331*\"}}".replace("+", ""),
        dsl("caller.number : 331*"));
  }

  @Test
  void booleanOperatorsNestWithKibanasPrecedence() {
    // and binds tighter than or; not applies to the next term.
    assertEquals("{\"bool\":{\"should\":[{\"match\":{\"a\":\"1\"}},{\"bool\":{\"filter\":[{\"match\":{\"b\":\"2\"}},"
        + "{\"bool\":{\"must_not\":[{\"match\":{\"c\":\"3\"}}]}}]}}],\"minimum_should_match\":1}}",
        dsl("a : 1 or b : 2 and not c : 3"));
    assertEquals("{\"bool\":{\"should\":[{\"match_phrase\":{\"f\":\"x\"}},{\"match_phrase\":{\"f\":\"y\"}}],"
        + "\"minimum_should_match\":1}}", dsl("f : (\"x\" or \"y\")"));
    assertEquals(Set.of("a", "b"), Kql.parse("not (a : 1 and b < 2)").fields());
    assertNull(Kql.parse("  ").dsl());
  }

  @Test
  void anythingOutsideTheSubsetIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> Kql.parse("a : (1"));
    assertThrows(IllegalArgumentException.class, () -> Kql.parse("a"));
    assertThrows(IllegalArgumentException.class, () -> Kql.parse("a : 1 b : 2"));
    assertThrows(IllegalArgumentException.class, () -> Kql.parse("a : \"open"));
  }
}
