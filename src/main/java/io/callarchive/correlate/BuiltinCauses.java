package io.callarchive.correlate;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The fallback cause table: the Q.850 codes and FreeSWITCH names that end most calls (event-sources §10.1, ITU-T
 * Q.850 Table 1), with the categories of schema.md. Codes not listed keep their number and fall into
 * {@code failure} (Q.850 classes 3-7: resource, service, invalid message, protocol) or {@code other}.
 */
public final class BuiltinCauses implements HangupCauses {
  private static final Map<Integer, String> NAMES = new HashMap<>();
  private static final Map<String, Integer> CODES = new HashMap<>();
  private static final Map<String, String> CATEGORY = new HashMap<>();

  private static void cause(int code, String name, String category) {
    if (code >= 0) {
      NAMES.putIfAbsent(code, name);
      CODES.put(name, code);
    }
    CATEGORY.put(name, category);
  }

  static {
    // §10.1 Q.850 table; unanswered 16/31 are the caller giving up in most stacks, hence "cancelled"
    cause(0, "NONE", "other");
    cause(1, "UNALLOCATED_NUMBER", "unavailable");
    cause(3, "NO_ROUTE_DESTINATION", "unavailable");
    cause(16, "NORMAL_CLEARING", "cancelled");
    cause(17, "USER_BUSY", "busy");
    cause(18, "NO_USER_RESPONSE", "no_answer");
    cause(19, "NO_ANSWER", "no_answer");
    cause(20, "SUBSCRIBER_ABSENT", "unavailable");
    cause(21, "CALL_REJECTED", "rejected");
    cause(22, "NUMBER_CHANGED", "unavailable");
    cause(26, "ANSWERED_ELSEWHERE", "cancelled");
    cause(27, "DESTINATION_OUT_OF_ORDER", "unavailable");
    cause(28, "INVALID_NUMBER_FORMAT", "unavailable");
    cause(31, "NORMAL_UNSPECIFIED", "cancelled");
    cause(34, "NORMAL_CIRCUIT_CONGESTION", "failure");
    cause(38, "NETWORK_OUT_OF_ORDER", "failure");
    cause(41, "NORMAL_TEMPORARY_FAILURE", "failure");
    cause(42, "SWITCH_CONGESTION", "failure");
    cause(44, "REQUESTED_CHAN_UNAVAIL", "failure");
    cause(58, "BEARERCAPABILITY_NOTAVAIL", "failure");
    cause(102, "RECOVERY_ON_TIMER_EXPIRE", "failure");
    cause(127, "INTERWORKING", "failure");
    // FreeSWITCH-only names (§10.1 second table); their numbers are not Q.850 and are not reported as such
    cause(-1, "ORIGINATOR_CANCEL", "cancelled");
    cause(-1, "LOSE_RACE", "cancelled");
    cause(-1, "PICKED_OFF", "cancelled");
    cause(-1, "MANAGER_REQUEST", "cancelled");
    cause(-1, "USER_NOT_REGISTERED", "unavailable");
    cause(-1, "PROGRESS_TIMEOUT", "no_answer");
    cause(-1, "NO_PICKUP", "no_answer");
    cause(-1, "BUSY_EVERYWHERE", "busy");
    cause(-1, "DECLINE", "rejected");
    cause(-1, "UNWANTED", "rejected");
    cause(-1, "GATEWAY_DOWN", "failure");
    cause(-1, "MEDIA_TIMEOUT", "failure");
    // Asterisk aliases (AST_CAUSE_*)
    CATEGORY.put("NORMAL", "cancelled");
    CATEGORY.put("BUSY", "busy");
    CATEGORY.put("NOANSWER", "no_answer");
    CATEGORY.put("CONGESTION", "failure");
  }

  @Override
  public Cause resolve(Integer q850, String name) {
    String n = name == null ? null : name.strip().toUpperCase(Locale.ROOT).replace(' ', '_');
    if (n != null && n.isEmpty()) n = null;
    Integer code = q850;
    if (code == null && n != null) code = CODES.get(n);
    if (code != null && (code < 0 || code > 127)) code = null; // Q.850 causes are 7 bits
    if (code != null && NAMES.containsKey(code) && (n == null || !CATEGORY.containsKey(n))) n = NAMES.get(code);
    return new Cause(code, n);
  }

  @Override
  public String category(Cause cause, boolean answered) {
    if (answered) return "answered";
    if (cause.name() != null && CATEGORY.containsKey(cause.name())) return CATEGORY.get(cause.name());
    Integer c = cause.q850();
    if (c == null) return "other";
    // Q.850 §2.2.5 classes: 0-31 normal events, 32-47 resource unavailable, 48+ service/message/protocol
    return c >= 32 ? "failure" : "other";
  }
}
