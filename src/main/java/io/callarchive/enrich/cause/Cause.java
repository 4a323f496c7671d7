package io.callarchive.enrich.cause;

/**
 * One row of the hangup cause table.
 *
 * @param code the cause number: the ITU-T Q.850 value for 0..127, FreeSWITCH's own number above 127
 *     ({@code switch_call_cause_t}, e.g. 487 ORIGINATOR_CANCEL)
 * @param name the canonical name, spelled as FreeSWITCH spells it; for codes FreeSWITCH does not name, the
 *     Asterisk name, else a name coined here from the Q.850 description ({@link #coined})
 * @param asterisk the Asterisk {@code AST_CAUSE_*} suffix, or null when Asterisk has no constant
 * @param asteriskText the text Asterisk prints in AMI {@code Cause-txt} / ARI {@code cause_txt}
 *     ({@code ast_cause2str}), or null when Asterisk has no entry (it then prints {@code Unknown})
 * @param description the Q.850 meaning
 * @param category the project classification
 * @param sip the usual SIP final response for this cause (RFC 3398 §8.2.6.1, else FreeSWITCH's choice), or null
 *     when the cause maps to no error response (16 ends with BYE)
 * @param coined true when no platform names this cause and {@code name} was made up from the description
 */
public record Cause(
    int code,
    String name,
    String asterisk,
    String asteriskText,
    String description,
    Category category,
    Integer sip,
    boolean coined) {

  /** The Q.850 value: causes above 127 are FreeSWITCH-specific and reported as 16 (event-sources §3.7). */
  public int q850() {
    return code <= 127 ? code : 16;
  }
}
