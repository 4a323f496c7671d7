package io.callarchive.enrich.cause;

import java.util.Locale;

/**
 * The project's classification of how a call leg ended, the values of {@code hangup.cause.category} in the
 * index contract (schema.md). event-sources §10.1 classifies causes more finely; its classes fold into these:
 * {@code normal} → {@link #ANSWERED}, {@code invalid_number} and {@code network} → {@link #UNAVAILABLE} (the
 * destination could not be reached, Q.850 class "resource unavailable" and addressing errors). A category
 * derived from the cause alone can be wrong for {@link #ANSWERED}: some stacks end unanswered legs with cause 16
 * (§10.1), which is why {@link CauseEnricher} downgrades it when the event shows the leg was never answered.
 */
public enum Category {
  ANSWERED,
  BUSY,
  NO_ANSWER,
  REJECTED,
  UNAVAILABLE,
  FAILURE,
  CANCELLED,
  OTHER;

  /** The keyword stored in documents, e.g. {@code no_answer}. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
