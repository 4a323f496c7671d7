package io.callarchive.parse.kazoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link KazooFormat.Headers} finds a header as a single look-up does: the AMQP name first, then the webhook's
 * snake case, then any key that reads as either once lower-cased with dashes as underscores.
 */
class KazooHeadersTest {
  private static final KazooFormat.Headers SET = KazooFormat.Headers.of("Call-ID", "Channel-Is-Loopback", "Request");

  private static Map<String, Object> payload(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  private static void assertFinds(Object expected, String header, Map<String, Object> payload) {
    assertEquals(expected, SET.find(payload).get(header), header + " in " + payload);
    assertEquals(expected, KazooFormat.get(payload, header), "the single look-up agrees");
  }

  @Test
  void theAmqpNameWinsOverTheWebhookSpelling() {
    assertFinds("amqp", "Call-ID", payload("call_id", "hook", "Call-ID", "amqp"));
  }

  @Test
  void theExactSnakeNameWinsOverAnotherSpelling() {
    assertFinds("hook", "Call-ID", payload("CALL_ID", "upper", "call_id", "hook"));
  }

  @Test
  void anotherSpellingIsFoundWhenNeitherNameIsThere() {
    assertFinds("upper", "Call-ID", payload("CALL-ID", "upper", "Request", "2001@realm.example"));
    assertFinds("2001@realm.example", "Request", payload("CALL-ID", "upper", "Request", "2001@realm.example"));
  }

  @Test
  void aNullUnderTheAmqpNameFallsBackToTheWebhookSpelling() {
    Map<String, Object> p = new HashMap<>();
    p.put("Call-ID", null);
    p.put("call_id", "hook");
    assertFinds("hook", "Call-ID", p);
  }

  @Test
  void aNonAsciiKeyThatLowerCasesToTheNameIsFound() {
    // U+212A KELVIN SIGN lower-cases to an ASCII 'k'
    assertFinds(true, "Channel-Is-Loopback", payload("Channel-Is-Loopbac\u212A", true));
  }

  @Test
  void anAbsentHeaderAndAnAbsentPayloadAreNull() {
    assertFinds(null, "Call-ID", payload("call_ids", "x", "Call-IDs", "y", "Other-Leg-Call-ID", "z"));
    assertNull(SET.find(null).get("Request"));
  }

  @Test
  void aHeaderOutsideTheSetIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> SET.find(Map.of()).get("Hangup-Cause"));
  }
}
