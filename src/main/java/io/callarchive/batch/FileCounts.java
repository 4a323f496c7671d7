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
  /** {@code index/id} of the first and last event or dead letter the file gave, kept to check the cluster holds them. */
  static final String FIRST_DOC = "callarchive.doc.first";
  static final String LAST_DOC = "callarchive.doc.last";

  /** Numbers identical events of the file; fed by the reader (priming) and the processor, in file order. */
  final io.callarchive.source.Occurrences occurrences = new io.callarchive.source.Occurrences();
  volatile long events;
  volatile long skipped;
  volatile long malformed;
  /** Where this run's reading started: the start of the range, or the offset a restart resumed at. */
  volatile long openedAt;
  /** See {@link #FIRST_DOC}; written by the processor. */
  volatile String firstDoc;
  volatile String lastDoc;
  long eventsBefore;
  long skippedBefore;
  long malformedBefore;

  void restore(ExecutionContext ctx) {
    eventsBefore = ctx.getLong(EVENTS, 0L);
    skippedBefore = ctx.getLong(SKIPPED, 0L);
    malformedBefore = ctx.getLong(MALFORMED, 0L);
    if (ctx.containsKey(FIRST_DOC)) firstDoc = ctx.getString(FIRST_DOC);
  }

  /** Saves the totals up to a durable mark (this run's counts at that point, plus earlier runs'). */
  void save(ExecutionContext ctx, Checkpoint.Mark durable) {
    ctx.putLong(EVENTS, eventsBefore + durable.events());
    ctx.putLong(SKIPPED, skippedBefore + durable.skipped());
    ctx.putLong(MALFORMED, malformedBefore + durable.malformed());
    if (firstDoc != null) ctx.putString(FIRST_DOC, firstDoc);
    if (lastDoc != null) ctx.putString(LAST_DOC, lastDoc);
  }
}
