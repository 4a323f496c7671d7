package io.callarchive.enrich.cause;

import io.callarchive.model.Doc;

/**
 * How one leg ended, unified across platforms.
 *
 * @param cause the table row, or null when the platform's value is unknown
 * @param q850 the Q.850 value (numeric input kept even when unknown to the table), or null
 * @param category never null; {@link Category#OTHER} for unknown values
 * @param sipCode the SIP final response, from the platform or mapped from the cause; null when neither
 * @param sipMapped true when {@code sipCode} was mapped from the cause rather than reported
 * @param raw the platform's own text for the cause, or null
 */
public record HangupCause(
    Cause cause, Integer q850, Category category, Integer sipCode, boolean sipMapped, String raw) {

  /**
   * Unifies what a platform reported. Any argument may be null.
   *
   * @param name a cause name (FreeSWITCH/Kazoo {@code Hangup-Cause}); preferred, since FreeSWITCH reports its
   *     own causes above 127 as Q.850 16
   * @param code a cause number (AMI {@code Cause}, ARI {@code cause}, {@code hangup_cause_q850})
   * @param text Asterisk's description ({@code Cause-txt}, {@code cause_txt})
   * @param sip a SIP status as {@code 486} or {@code sip:486}
   * @param answered whether the event shows the leg was answered: TRUE, FALSE, or null when it does not say
   */
  public static HangupCause resolve(String name, String code, String text, String sip, Boolean answered) {
    Integer number = parseInt(code);
    Integer sipCode = parseSip(sip);
    Cause cause = CauseTable.byName(name);
    if (cause == null && number != null) cause = CauseTable.byCode(number);
    if (cause == null) cause = CauseTable.byAsteriskText(text);
    boolean reported = name != null || number != null || text != null;
    if (cause == null && !reported && sipCode != null) cause = CauseTable.fromSip(sipCode);

    // An unknown number is still a Q.850 value when in its range (7 bits, Q.850 §2.2.5); beyond, only raw text.
    Integer q850 = cause != null ? Integer.valueOf(cause.q850()) : number != null && number <= 127 ? number : null;
    Category category;
    if (sipCode != null && !(sipCode == 487 && cause != null && cause.category() != Category.ANSWERED)) {
      // The SIP status is the more precise signal (event-sources §10.2), except 487: it only says the INVITE
      // was cancelled, while a known cause (NO_ANSWER, LOSE_RACE...) says why.
      category = CauseTable.categoryOfSip(sipCode);
    } else {
      category = cause != null ? cause.category() : Category.OTHER;
    }
    boolean sip2xx = sipCode != null && sipCode >= 200 && sipCode < 300;
    if (category == Category.ANSWERED && Boolean.FALSE.equals(answered) && !sip2xx) {
      // Some stacks end legs that never got answered with cause 16 (§10.1): the caller gave up.
      category = Category.CANCELLED;
    }
    boolean mapped = false;
    if (sipCode == null && cause != null && cause.sip() != null) {
      sipCode = cause.sip();
      mapped = true;
    }
    String raw = name != null ? name : text != null ? text : code;
    if (raw == null && cause == null && sip != null) raw = sip;
    return new HangupCause(cause, q850, category, sipCode, mapped, raw);
  }

  /** True when nothing at all was reported. */
  public boolean empty() {
    return cause == null && q850 == null && sipCode == null && raw == null;
  }

  /**
   * Writes the {@code hangup.*} fields. The enricher owns {@code hangup.cause.*} and {@code hangup.sip_code}:
   * what a parser may have put there from the raw values (a name that is not canonical) is replaced; other
   * {@code hangup.*} fields are kept.
   */
  public void writeTo(Doc doc) {
    if (doc.get("hangup") instanceof java.util.Map<?, ?> existing) {
      existing.remove("cause");
      existing.remove("sip_code");
      existing.remove("sip_code_mapped");
    }
    if (q850 != null) doc.put("hangup.cause.q850", q850);
    if (cause != null) {
      doc.put("hangup.cause.code", cause.code());
      doc.put("hangup.cause.name", cause.name());
      doc.put("hangup.cause.description", cause.description());
    }
    doc.put("hangup.cause.category", category.value());
    doc.put("hangup.cause.raw", raw);
    if (sipCode != null) {
      doc.put("hangup.sip_code", sipCode);
      doc.put("hangup.sip_code_mapped", sipMapped);
    }
  }

  static Integer parseInt(String s) {
    if (s == null) return null;
    String t = s.strip();
    if (t.isEmpty() || t.length() > 9) return null;
    for (int i = 0; i < t.length(); i++) {
      if (!Character.isDigit(t.charAt(i))) return null;
    }
    return Integer.valueOf(t);
  }

  /** {@code 486}, {@code sip:486}, {@code sips:486} (FreeSWITCH {@code proto_specific_hangup_cause}, Kazoo). */
  static Integer parseSip(String s) {
    if (s == null) return null;
    String t = s.strip();
    int colon = t.indexOf(':');
    if (colon >= 0) {
      String proto = t.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
      if (!proto.equals("sip") && !proto.equals("sips")) return null;
      t = t.substring(colon + 1);
    }
    Integer v = parseInt(t);
    return v != null && v >= 100 && v < 700 ? v : null;
  }
}
