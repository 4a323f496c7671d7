package io.callarchive.correlate;

/**
 * Turns what a platform said about why a leg ended into the unified cause of the index contract
 * ({@code hangup.cause.q850/name/category}). The correlator asks this interface only when the event does not
 * already carry {@code hangup.cause.*} fields, so an enricher with the full table (event-sources §10) takes over
 * by filling those fields; {@link BuiltinCauses} is the fallback. Implementations are stateless and thread-safe.
 */
public interface HangupCauses {

  /** A resolved cause; any part may be null when the input did not determine it. */
  record Cause(Integer q850, String name) {}

  /**
   * @param q850 a numeric cause (AMI {@code Cause}, ARI {@code cause}, {@code variable_hangup_cause_q850}), or null
   * @param name a cause name (FreeSWITCH/Kazoo {@code Hangup-Cause}), or null
   * @return the cause, never null (its parts may be)
   */
  Cause resolve(Integer q850, String name);

  /**
   * The call-level category of schema.md ({@code answered, busy, no_answer, rejected, unavailable, failure,
   * cancelled, other}). "answered" comes from the call's answer, never from the cause alone (event-sources §10.1).
   */
  String category(Cause cause, boolean answered);
}
