package io.callarchive.enrich.cause;

import static io.callarchive.enrich.cause.Category.ANSWERED;
import static io.callarchive.enrich.cause.Category.BUSY;
import static io.callarchive.enrich.cause.Category.CANCELLED;
import static io.callarchive.enrich.cause.Category.FAILURE;
import static io.callarchive.enrich.cause.Category.NO_ANSWER;
import static io.callarchive.enrich.cause.Category.OTHER;
import static io.callarchive.enrich.cause.Category.REJECTED;
import static io.callarchive.enrich.cause.Category.UNAVAILABLE;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one table of hangup causes (event-sources §10.1) and the SIP ↔ Q.850 mappings (§10.2), with lookups by
 * number, by any platform's name, and by Asterisk's description text. Immutable, thread-safe; lookups return
 * null for anything unknown and never throw.
 *
 * <p>Sources: ITU-T Q.850 (2018) table 1 for numbers and meanings; Asterisk {@code include/asterisk/causes.h}
 * and {@code ast_cause2str} in {@code main/channel.c} for the {@code AST_CAUSE_*} names and the AMI
 * {@code Cause-txt} texts; FreeSWITCH {@code switch_types.h} ({@code switch_call_cause_t}) for the names and the
 * numbers above 127; RFC 3398 §8.2.6.1 for the usual SIP response, else FreeSWITCH's
 * {@code hangup_cause_to_sip} (mod_sofia) where the RFC names none.
 */
public final class CauseTable {

  private static final List<Cause> ALL = new ArrayList<>();

  static {
    // code, canonical name, coined?, AST_CAUSE_ name, Asterisk text, Q.850 meaning, category, usual SIP response
    row(0, "NONE", false, "NOTDEFINED", null, "no cause / not set", OTHER, null);
    row(1, "UNALLOCATED_NUMBER", false, "UNALLOCATED", "Unallocated (unassigned) number",
        "unallocated (unassigned) number", UNAVAILABLE, 404);
    row(2, "NO_ROUTE_TRANSIT_NET", false, "NO_ROUTE_TRANSIT_NET", "No route to specified transmit network",
        "no route to specified transit network", UNAVAILABLE, 404);
    row(3, "NO_ROUTE_DESTINATION", false, "NO_ROUTE_DESTINATION", "No route to destination",
        "no route to destination", UNAVAILABLE, 404);
    row(4, "SEND_SPECIAL_INFORMATION_TONE", true, null, null, "send special information tone", UNAVAILABLE, 500);
    row(5, "MISDIALLED_TRUNK_PREFIX", false, "MISDIALLED_TRUNK_PREFIX", "Misdialed trunk prefix",
        "misdialled trunk prefix", UNAVAILABLE, 500);
    row(6, "CHANNEL_UNACCEPTABLE", false, "CHANNEL_UNACCEPTABLE", "Channel unacceptable", "channel unacceptable",
        UNAVAILABLE, 500);
    row(7, "CALL_AWARDED_DELIVERED", false, "CALL_AWARDED_DELIVERED",
        "Call awarded and being delivered in an established channel",
        "call awarded, being delivered in an established channel", ANSWERED, null);
    // Asterisk calls 8 PRE_EMPTED, but FreeSWITCH uses that name for 45: the canonical name must stay unique.
    row(8, "PREEMPTION", true, "PRE_EMPTED", "Pre-empted", "preemption", UNAVAILABLE, 500);
    row(9, "PREEMPTION_CIRCUIT_RESERVED", true, null, null, "preemption, circuit reserved for reuse", UNAVAILABLE,
        500);
    row(14, "NUMBER_PORTED_NOT_HERE", false, "NUMBER_PORTED_NOT_HERE", "Number ported elsewhere",
        "QoR: ported number", UNAVAILABLE, 500);
    row(16, "NORMAL_CLEARING", false, "NORMAL_CLEARING", "Normal Clearing", "normal call clearing", ANSWERED, null);
    row(17, "USER_BUSY", false, "USER_BUSY", "User busy", "user busy", BUSY, 486);
    row(18, "NO_USER_RESPONSE", false, "NO_USER_RESPONSE", "No user responding", "no user responding", NO_ANSWER,
        408);
    row(19, "NO_ANSWER", false, "NO_ANSWER", "User alerting, no answer", "no answer from user (user alerted)",
        NO_ANSWER, 480);
    row(20, "SUBSCRIBER_ABSENT", false, "SUBSCRIBER_ABSENT", "Subscriber absent", "subscriber absent", NO_ANSWER,
        480);
    row(21, "CALL_REJECTED", false, "CALL_REJECTED", "Call Rejected", "call rejected", REJECTED, 403);
    row(22, "NUMBER_CHANGED", false, "NUMBER_CHANGED", "Number changed", "number changed", UNAVAILABLE, 410);
    row(23, "REDIRECTION_TO_NEW_DESTINATION", false, "REDIRECTED_TO_NEW_DESTINATION",
        "Redirected to new destination", "redirection to new destination", ANSWERED, 410);
    row(24, "CALL_REJECTED_FEATURE_AT_DESTINATION", true, null, null,
        "call rejected due to feature at the destination", REJECTED, 500);
    row(25, "EXCHANGE_ROUTING_ERROR", false, null, null, "exchange routing error (hop counter)", UNAVAILABLE, 483);
    row(26, "ANSWERED_ELSEWHERE", false, "ANSWERED_ELSEWHERE", "Answered elsewhere",
        "non-selected user clearing (answered elsewhere)", CANCELLED, 404);
    row(27, "DESTINATION_OUT_OF_ORDER", false, "DESTINATION_OUT_OF_ORDER", "Destination out of order",
        "destination out of order", UNAVAILABLE, 502);
    row(28, "INVALID_NUMBER_FORMAT", false, "INVALID_NUMBER_FORMAT", "Invalid number format",
        "invalid number format (address incomplete)", UNAVAILABLE, 484);
    row(29, "FACILITY_REJECTED", false, "FACILITY_REJECTED", "Facility rejected", "facility rejected", REJECTED,
        501);
    row(30, "RESPONSE_TO_STATUS_ENQUIRY", false, "RESPONSE_TO_STATUS_ENQUIRY", "Response to STATus ENQuiry",
        "response to STATUS ENQUIRY", FAILURE, 500);
    row(31, "NORMAL_UNSPECIFIED", false, "NORMAL_UNSPECIFIED", "Normal, unspecified", "normal, unspecified",
        ANSWERED, 480);
    row(34, "NORMAL_CIRCUIT_CONGESTION", false, "NORMAL_CIRCUIT_CONGESTION", "Circuit/channel congestion",
        "no circuit/channel available", UNAVAILABLE, 503);
    row(38, "NETWORK_OUT_OF_ORDER", false, "NETWORK_OUT_OF_ORDER", "Network out of order", "network out of order",
        UNAVAILABLE, 503);
    row(39, "PERMANENT_FRAME_MODE_OUT_OF_SERVICE", true, null, null,
        "permanent frame mode connection out of service", UNAVAILABLE, 500);
    row(40, "PERMANENT_FRAME_MODE_OPERATIONAL", true, null, null, "permanent frame mode connection operational",
        UNAVAILABLE, 500);
    row(41, "NORMAL_TEMPORARY_FAILURE", false, "NORMAL_TEMPORARY_FAILURE", "Temporary failure", "temporary failure",
        UNAVAILABLE, 503);
    row(42, "SWITCH_CONGESTION", false, "SWITCH_CONGESTION", "Switching equipment congestion",
        "switching equipment congestion", UNAVAILABLE, 503);
    row(43, "ACCESS_INFO_DISCARDED", false, "ACCESS_INFO_DISCARDED", "Access information discarded",
        "access information discarded", FAILURE, 500);
    row(44, "REQUESTED_CHAN_UNAVAIL", false, "REQUESTED_CHAN_UNAVAIL", "Requested channel not available",
        "requested circuit/channel not available", UNAVAILABLE, 503);
    row(45, "PRE_EMPTED", false, null, null, "pre-emption (not assigned in Q.850; FreeSWITCH's value)",
        UNAVAILABLE, 500);
    row(46, "PRECEDENCE_CALL_BLOCKED", true, null, null, "precedence call blocked", REJECTED, 500);
    row(47, "RESOURCE_UNAVAILABLE", true, null, null, "resource unavailable, unspecified", UNAVAILABLE, 503);
    row(49, "QOS_NOT_AVAILABLE", true, null, null, "quality of service not available", UNAVAILABLE, 500);
    row(50, "FACILITY_NOT_SUBSCRIBED", false, "FACILITY_NOT_SUBSCRIBED", "Facility not subscribed",
        "requested facility not subscribed", REJECTED, 500);
    row(52, "OUTGOING_CALL_BARRED", false, "OUTGOING_CALL_BARRED", "Outgoing call barred",
        "outgoing calls barred", REJECTED, 403);
    row(53, "OUTGOING_CALLS_BARRED_WITHIN_CUG", true, null, null, "outgoing calls barred within CUG", REJECTED,
        500);
    row(54, "INCOMING_CALL_BARRED", false, "INCOMING_CALL_BARRED", "Incoming call barred",
        "incoming calls barred", REJECTED, 403);
    row(55, "INCOMING_CALLS_BARRED_WITHIN_CUG", true, null, null, "incoming calls barred within CUG", REJECTED,
        403);
    row(57, "BEARERCAPABILITY_NOTAUTH", false, "BEARERCAPABILITY_NOTAUTH", "Bearer capability not authorized",
        "bearer capability not authorized", REJECTED, 403);
    row(58, "BEARERCAPABILITY_NOTAVAIL", false, "BEARERCAPABILITY_NOTAVAIL", "Bearer capability not available",
        "bearer capability not presently available", FAILURE, 503);
    row(62, "INCONSISTENT_OUTGOING_ACCESS_SUBSCRIBER_CLASS", true, null, null,
        "inconsistency in designated outgoing access information and subscriber class", REJECTED, 500);
    row(63, "SERVICE_UNAVAILABLE", false, null, null, "service or option not available, unspecified", FAILURE,
        500);
    row(65, "BEARERCAPABILITY_NOTIMPL", false, "BEARERCAPABILITY_NOTIMPL", "Bearer capability not implemented",
        "bearer capability not implemented", FAILURE, 488);
    row(66, "CHAN_NOT_IMPLEMENTED", false, "CHAN_NOT_IMPLEMENTED", "Channel not implemented",
        "channel type not implemented", FAILURE, 503);
    row(69, "FACILITY_NOT_IMPLEMENTED", false, "FACILITY_NOT_IMPLEMENTED", "Facility not implemented",
        "requested facility not implemented", FAILURE, 501);
    row(70, "RESTRICTED_DIGITAL_INFO_ONLY", true, null, null,
        "only restricted digital information bearer capability is available", FAILURE, 488);
    row(79, "SERVICE_NOT_IMPLEMENTED", false, null, null, "service or option not implemented, unspecified",
        FAILURE, 501);
    row(81, "INVALID_CALL_REFERENCE", false, "INVALID_CALL_REFERENCE", "Invalid call reference value",
        "invalid call reference value", FAILURE, 500);
    row(82, "IDENTIFIED_CHANNEL_NONEXIST", true, null, null, "identified channel does not exist", FAILURE, 500);
    row(83, "SUSPENDED_CALL_EXISTS_IDENTITY_NONEXIST", true, null, null,
        "a suspended call exists, but this call identity does not", FAILURE, 500);
    row(84, "CALL_IDENTITY_IN_USE", true, null, null, "call identity in use", FAILURE, 500);
    row(85, "NO_CALL_SUSPENDED", true, null, null, "no call suspended", FAILURE, 500);
    row(86, "CALL_IDENTITY_CLEARED", true, null, null,
        "call having the requested call identity has been cleared", FAILURE, 500);
    row(87, "USER_NOT_MEMBER_OF_CUG", true, null, null, "user not member of CUG", REJECTED, 403);
    row(88, "INCOMPATIBLE_DESTINATION", false, "INCOMPATIBLE_DESTINATION", "Incompatible destination",
        "incompatible destination", FAILURE, 503);
    row(90, "NON_EXISTENT_CUG", true, null, null, "non-existent CUG", FAILURE, 500);
    row(91, "INVALID_TRANSIT_NETWORK_SELECTION", true, null, null, "invalid transit network selection",
        UNAVAILABLE, 500);
    row(95, "INVALID_MSG_UNSPECIFIED", false, "INVALID_MSG_UNSPECIFIED", "Invalid message unspecified",
        "invalid message, unspecified", FAILURE, 500);
    row(96, "MANDATORY_IE_MISSING", false, "MANDATORY_IE_MISSING", "Mandatory information element is missing",
        "mandatory information element is missing", FAILURE, 500);
    row(97, "MESSAGE_TYPE_NONEXIST", false, "MESSAGE_TYPE_NONEXIST", "Message type nonexist.",
        "message type non-existent or not implemented", FAILURE, 500);
    row(98, "WRONG_MESSAGE", false, "WRONG_MESSAGE", "Wrong message",
        "message not compatible with call state or message type non-existent or not implemented", FAILURE, 500);
    row(99, "IE_NONEXIST", false, "IE_NONEXIST", "Info. element nonexist or not implemented",
        "information element / parameter non-existent or not implemented", FAILURE, 500);
    row(100, "INVALID_IE_CONTENTS", false, "INVALID_IE_CONTENTS", "Invalid information element contents",
        "invalid information element contents", FAILURE, 500);
    row(101, "WRONG_CALL_STATE", false, "WRONG_CALL_STATE", "Message not compatible with call state",
        "message not compatible with call state", FAILURE, 500);
    row(102, "RECOVERY_ON_TIMER_EXPIRE", false, "RECOVERY_ON_TIMER_EXPIRE", "Recover on timer expiry",
        "recovery on timer expiry", UNAVAILABLE, 504);
    row(103, "MANDATORY_IE_LENGTH_ERROR", false, "MANDATORY_IE_LENGTH_ERROR", "Mandatory IE length error",
        "parameter non-existent or not implemented, passed on (Q.931: mandatory IE length error)", FAILURE, 500);
    row(110, "UNRECOGNIZED_PARAMETER_DISCARDED", true, null, null,
        "message with unrecognized parameter, discarded", FAILURE, 500);
    row(111, "PROTOCOL_ERROR", false, "PROTOCOL_ERROR", "Protocol error, unspecified", "protocol error, unspecified",
        FAILURE, 500);
    row(127, "INTERWORKING", false, "INTERWORKING", "Interworking, unspecified", "interworking, unspecified",
        FAILURE, 500);

    // FreeSWITCH-specific causes (switch_types.h), reported as Q.850 16 in hangup_cause_q850 (§10.1).
    fs(142, "SUCCESS", "success", ANSWERED, null);
    fs(487, "ORIGINATOR_CANCEL", "caller cancelled before answer (SIP CANCEL/487)", CANCELLED, 487);
    fs(700, "CRASH", "crash", FAILURE, null);
    fs(701, "SYSTEM_SHUTDOWN", "switch shutting down", FAILURE, null);
    fs(702, "LOSE_RACE", "another fork answered first", CANCELLED, null);
    fs(703, "MANAGER_REQUEST", "killed by API (uuid_kill, ESL)", ANSWERED, null);
    fs(800, "BLIND_TRANSFER", "leg ended by blind transfer", ANSWERED, null);
    fs(801, "ATTENDED_TRANSFER", "leg ended by attended transfer", ANSWERED, null);
    fs(802, "ALLOTTED_TIMEOUT", "call time limit reached", ANSWERED, null);
    fs(803, "USER_CHALLENGE", "challenged (authentication)", REJECTED, null);
    fs(804, "MEDIA_TIMEOUT", "no RTP received", UNAVAILABLE, null);
    fs(805, "PICKED_OFF", "call picked up by another extension", CANCELLED, null);
    fs(806, "USER_NOT_REGISTERED", "target user not registered", NO_ANSWER, null);
    fs(807, "PROGRESS_TIMEOUT", "no progress within timeout", NO_ANSWER, null);
    fs(808, "INVALID_GATEWAY", "gateway does not exist", FAILURE, 484);
    fs(809, "GATEWAY_DOWN", "gateway down", UNAVAILABLE, 503);
    fs(810, "INVALID_URL", "invalid dial string/URL", UNAVAILABLE, 484);
    fs(811, "INVALID_PROFILE", "sofia profile does not exist", FAILURE, 502);
    fs(812, "NO_PICKUP", "no pickup", NO_ANSWER, null);
    fs(813, "SRTP_READ_ERROR", "SRTP failure", FAILURE, null);
    fs(814, "BOWOUT", "loopback bow-out", ANSWERED, null);
    fs(815, "BUSY_EVERYWHERE", "busy everywhere (SIP 600)", BUSY, 600);
    fs(816, "DECLINE", "declined (SIP 603)", REJECTED, 603);
    fs(817, "DOES_NOT_EXIST_ANYWHERE", "does not exist anywhere (SIP 604)", UNAVAILABLE, 604);
    fs(818, "NOT_ACCEPTABLE", "not acceptable (SIP 606)", FAILURE, 606);
    fs(819, "UNWANTED", "unwanted (SIP 607)", REJECTED, 607);
    fs(820, "NO_IDENTITY", "STIR/SHAKEN: no identity (SIP 428)", REJECTED, 428);
    fs(821, "BAD_IDENTITY_INFO", "STIR/SHAKEN: bad identity info (SIP 429)", REJECTED, 429);
    fs(822, "UNSUPPORTED_CERTIFICATE", "STIR/SHAKEN: unsupported certificate (SIP 437)", REJECTED, 437);
    fs(823, "INVALID_IDENTITY", "STIR/SHAKEN: invalid identity (SIP 438)", REJECTED, 438);
    fs(824, "STALE_DATE", "STIR/SHAKEN: stale date (SIP 403)", REJECTED, 403);
    fs(825, "REJECT_ALL", "reject all", REJECTED, null);
  }

  /** Asterisk's alias constants in causes.h (e.g. {@code AST_CAUSE_BUSY}), by the code they stand for. */
  private static final Map<String, Integer> ASTERISK_ALIASES =
      Map.of(
          "NORMAL", 16, "BUSY", 17, "NOANSWER", 19, "UNREGISTERED", 20, "CONGESTION", 34, "FAILURE", 38,
          "NOSUCHDRIVER", 66);

  /**
   * SIP final response → Q.850 (RFC 3398 §7.2.4.1). Where the RFC gives no mapping: 409 → 41 and 302 → 23 as
   * Asterisk does, 487 → FreeSWITCH's ORIGINATOR_CANCEL, 488 and 606 → 58 (no common codec, Asterisk's choice),
   * 607 → FreeSWITCH's UNWANTED (event-sources §10.2).
   */
  private static final Map<Integer, Integer> SIP_TO_CAUSE =
      Map.ofEntries(
          Map.entry(302, 23), Map.entry(400, 41), Map.entry(401, 21), Map.entry(402, 21), Map.entry(403, 21),
          Map.entry(404, 1), Map.entry(405, 63), Map.entry(406, 79), Map.entry(407, 21), Map.entry(408, 102),
          Map.entry(409, 41), Map.entry(410, 22), Map.entry(413, 127), Map.entry(414, 127), Map.entry(415, 79),
          Map.entry(416, 127), Map.entry(420, 127), Map.entry(421, 127), Map.entry(423, 127), Map.entry(480, 18),
          Map.entry(481, 41), Map.entry(482, 25), Map.entry(483, 25), Map.entry(484, 28), Map.entry(485, 1),
          Map.entry(486, 17), Map.entry(487, 487), Map.entry(488, 58), Map.entry(500, 41), Map.entry(501, 79),
          Map.entry(502, 38), Map.entry(503, 41), Map.entry(504, 102), Map.entry(505, 127), Map.entry(513, 127),
          Map.entry(600, 17), Map.entry(603, 21), Map.entry(604, 1), Map.entry(606, 58), Map.entry(607, 819));

  private static final Map<Integer, Cause> BY_CODE = new LinkedHashMap<>();
  private static final Map<String, Cause> BY_NAME = new LinkedHashMap<>();
  private static final Map<String, Cause> BY_TEXT = new LinkedHashMap<>();

  static {
    for (Cause c : ALL) {
      if (BY_CODE.put(c.code(), c) != null) throw new IllegalStateException("duplicate cause " + c.code());
      if (BY_NAME.put(key(c.name()), c) != null) throw new IllegalStateException("duplicate name " + c.name());
      if (c.asteriskText() != null) BY_TEXT.put(key(c.asteriskText()), c);
    }
    // Asterisk names that differ from the canonical one; PRE_EMPTED stays FreeSWITCH's 45 (see row 8).
    for (Cause c : ALL) {
      if (c.asterisk() != null) BY_NAME.putIfAbsent(key(c.asterisk()), c);
    }
    ASTERISK_ALIASES.forEach((alias, code) -> BY_NAME.putIfAbsent(key(alias), BY_CODE.get(code)));
  }

  private CauseTable() {}

  /** Every row, Q.850 codes first, in ascending order. */
  public static List<Cause> all() {
    return Collections.unmodifiableList(ALL);
  }

  public static Cause byCode(int code) {
    return BY_CODE.get(code);
  }

  /**
   * By a platform's name: FreeSWITCH/Kazoo {@code Hangup-Cause}, an {@code AST_CAUSE_*} name or alias (with or
   * without the prefix). Case-insensitive; null when unknown.
   */
  public static Cause byName(String name) {
    if (name == null) return null;
    String k = key(name);
    if (k.startsWith("AST_CAUSE_")) k = k.substring("AST_CAUSE_".length());
    return BY_NAME.get(k);
  }

  /** By Asterisk's description (AMI {@code Cause-txt}, ARI {@code cause_txt}); case-insensitive. */
  public static Cause byAsteriskText(String text) {
    return text == null ? null : BY_TEXT.get(key(text));
  }

  /**
   * The cause a SIP final response stands for (RFC 3398 §7.2.4.1 and the choices listed on {@link
   * #SIP_TO_CAUSE}); 2xx is normal clearing, any other 3xx a redirection, any other 4xx/5xx/6xx 127
   * (interworking, unspecified, the RFC's default). Null for what is not a final response.
   */
  public static Cause fromSip(int sip) {
    Integer code = SIP_TO_CAUSE.get(sip);
    if (code != null) return BY_CODE.get(code);
    if (sip >= 200 && sip < 300) return BY_CODE.get(16);
    if (sip >= 300 && sip < 400) return BY_CODE.get(23);
    if (sip >= 400 && sip < 700) return BY_CODE.get(127);
    return null;
  }

  /** The category a SIP final response alone implies: 2xx answered, else the category of its mapped cause. */
  public static Category categoryOfSip(int sip) {
    if (sip >= 200 && sip < 300) return ANSWERED;
    Cause c = fromSip(sip);
    return c == null ? OTHER : c.category();
  }

  private static String key(String s) {
    return s.strip().toUpperCase(Locale.ROOT);
  }

  private static void row(
      int code, String name, boolean coined, String ast, String astText, String desc, Category cat, Integer sip) {
    ALL.add(new Cause(code, name, ast, astText, desc, cat, sip, coined));
  }

  private static void fs(int code, String name, String desc, Category cat, Integer sip) {
    ALL.add(new Cause(code, name, null, null, desc, cat, sip, false));
  }
}
