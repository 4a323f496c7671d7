package io.callarchive.model;

import java.time.Instant;
import java.util.Map;

/**
 * What a parser made of one framed piece of input. Every byte a parser reads ends in exactly one of these, so
 * an import can account for all of its input: an event, a piece that is not an event (banner, action
 * response), or a malformed piece bound for the dead-letter index.
 */
public sealed interface Parsed {

  Provenance provenance();

  /** The bytes exactly as read. Shared, not copied: callers must not modify them. */
  byte[] raw();

  /**
   * A platform event before normalisation.
   *
   * @param action the platform's own event name ({@code Hangup}, {@code CHANNEL_DESTROY}, {@code StasisStart})
   * @param fields every key/value the platform sent, in order; a repeated key holds a {@code List<String>};
   *     JSON sources hold the parsed tree (maps, lists, strings, numbers, booleans)
   * @param time the time the platform stamped on the event, or null when it carries none
   * @param timePrecision {@code s}, {@code ms} or {@code us}: what the source actually provided, null with no time
   * @param lossyText true when the bytes were not valid UTF-8 and characters had to be replaced
   */
  record Event(
      String action,
      Map<String, Object> fields,
      Instant time,
      String timePrecision,
      boolean lossyText,
      byte[] raw,
      Provenance provenance)
      implements Parsed {}

  /** A piece that is well-formed but not an event, e.g. a login banner or a response to an action: counted. */
  record Skipped(String reason, byte[] raw, Provenance provenance) implements Parsed {}

  /** A piece that could not be parsed: goes to the dead-letter index with its bytes and the reason. */
  record Malformed(String reason, byte[] raw, Provenance provenance) implements Parsed {}
}
