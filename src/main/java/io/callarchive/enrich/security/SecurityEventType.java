package io.callarchive.enrich.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The security events we know, with what each means for {@code event.outcome}: the 15 Asterisk events (AMI
 * class {@code security}, event-sources §1.10; {@code include/asterisk/security_events_defs.h}) and the mod_sofia
 * registration events that play the same part in FreeSWITCH (§3.10).
 *
 * <p>{@code ChallengeSent} and {@code sofia::pre_register} are neither success nor failure: a digest challenge
 * is the normal first step of every authenticated request (RFC 3261 §22), so their outcome is {@code unknown}.
 * {@code sofia::register_attempt} depends on its {@code auth-result} and is decided by the enricher.
 */
public enum SecurityEventType {
  FAILED_ACL("FailedACL", Outcome.FAILURE, false),
  INVALID_ACCOUNT_ID("InvalidAccountID", Outcome.FAILURE, true),
  SESSION_LIMIT("SessionLimit", Outcome.FAILURE, false),
  MEMORY_LIMIT("MemoryLimit", Outcome.FAILURE, false),
  LOAD_AVERAGE_LIMIT("LoadAverageLimit", Outcome.FAILURE, false),
  REQUEST_NOT_SUPPORTED("RequestNotSupported", Outcome.FAILURE, false),
  REQUEST_NOT_ALLOWED("RequestNotAllowed", Outcome.FAILURE, false),
  AUTH_METHOD_NOT_ALLOWED("AuthMethodNotAllowed", Outcome.FAILURE, false),
  REQUEST_BAD_FORMAT("RequestBadFormat", Outcome.FAILURE, false),
  SUCCESSFUL_AUTH("SuccessfulAuth", Outcome.SUCCESS, false),
  UNEXPECTED_ADDRESS("UnexpectedAddress", Outcome.FAILURE, false),
  CHALLENGE_RESPONSE_FAILED("ChallengeResponseFailed", Outcome.FAILURE, true),
  INVALID_PASSWORD("InvalidPassword", Outcome.FAILURE, true),
  CHALLENGE_SENT("ChallengeSent", Outcome.UNKNOWN, false),
  INVALID_TRANSPORT("InvalidTransport", Outcome.FAILURE, false),
  SOFIA_REGISTER_FAILURE("sofia::register_failure", Outcome.FAILURE, true),
  SOFIA_PRE_REGISTER("sofia::pre_register", Outcome.UNKNOWN, false),
  SOFIA_REGISTER_ATTEMPT("sofia::register_attempt", Outcome.UNKNOWN, false);

  /** ECS {@code event.outcome} values. */
  public enum Outcome {
    SUCCESS,
    FAILURE,
    UNKNOWN;

    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Map<String, SecurityEventType> BY_NAME =
      Arrays.stream(values()).collect(Collectors.toMap(t -> t.wireName.toLowerCase(Locale.ROOT), Function.identity()));

  private final String wireName;
  private final Outcome outcome;
  private final boolean credentialFailure;

  SecurityEventType(String wireName, Outcome outcome, boolean credentialFailure) {
    this.wireName = wireName;
    this.outcome = outcome;
    this.credentialFailure = credentialFailure;
  }

  /** The name as the platform sends it ({@code InvalidPassword}, {@code sofia::register_failure}). */
  public String wireName() {
    return wireName;
  }

  public Outcome outcome() {
    return outcome;
  }

  /**
   * True for a wrong account or wrong credentials: the events that, counted per source address, reveal password
   * guessing (event-sources §1.10: InvalidAccountID with ChallengeResponseFailed/InvalidPassword; §3.10).
   */
  public boolean credentialFailure() {
    return credentialFailure;
  }

  /** Asterisk's severity for the event ({@code Informational} for SuccessfulAuth and ChallengeSent). */
  public String defaultSeverity() {
    return outcome == Outcome.FAILURE ? "Error" : "Informational";
  }

  /** By wire name, case-insensitively; null when unknown. */
  public static SecurityEventType of(String name) {
    return name == null ? null : BY_NAME.get(name.strip().toLowerCase(Locale.ROOT));
  }
}
