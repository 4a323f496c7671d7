package io.callarchive.batch;

import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * What one file's step has read, split into what this run read and what earlier runs of the same step had
 * committed. Saved in the step's execution context with the offset, so the totals survive a restart. Written by
 * the step's thread; may be read from others for progress.
 */
final class FileCounts {
  static final String EVENTS = "callarchive.events";
  static final String SKIPPED = "callarchive.skipped";
  static final String MALFORMED = "callarchive.malformed";

  volatile long events;
  volatile long skipped;
  volatile long malformed;
  /** Where this run's reading started: the start of the range, or the offset a restart resumed at. */
  volatile long openedAt;
  long eventsBefore;
  long skippedBefore;
  long malformedBefore;

  void restore(ExecutionContext ctx) {
    eventsBefore = ctx.getLong(EVENTS, 0L);
    skippedBefore = ctx.getLong(SKIPPED, 0L);
    malformedBefore = ctx.getLong(MALFORMED, 0L);
  }

  /** Saves the totals up to a durable mark (this run's counts at that point, plus earlier runs'). */
  void save(ExecutionContext ctx, Checkpoint.Mark durable) {
    ctx.putLong(EVENTS, eventsBefore + durable.events());
    ctx.putLong(SKIPPED, skippedBefore + durable.skipped());
    ctx.putLong(MALFORMED, malformedBefore + durable.malformed());
  }
}
