package io.callarchive.correlate;

import java.time.Duration;

/**
 * How long the correlator keeps call state (house style rule 8: typed, validated, safe defaults). Times are event
 * time, not wall-clock time, so a day-old file imports the same way as a live stream.
 *
 * @param grace how long after its last leg ended a call still waits for late events before it is written and
 *     forgotten (event-sources §6 suggests 60 s)
 * @param idleTimeout after this long without any event a call whose end never came is written as incomplete
 *     ({@code call.complete: false}) and forgotten; a later import that brings its end completes it
 * @param maxOpenCalls the most sessions kept in memory; beyond it the least recently active are written as they
 *     stand, which bounds the heap whatever the input
 */
public record CorrelatorSettings(Duration grace, Duration idleTimeout, int maxOpenCalls) {
  public CorrelatorSettings {
    if (grace == null || grace.isNegative()) throw new IllegalArgumentException("grace must be zero or more");
    if (idleTimeout == null || idleTimeout.compareTo(grace) < 0) {
      throw new IllegalArgumentException("the idle timeout must be at least the grace period");
    }
    if (maxOpenCalls < 1) throw new IllegalArgumentException("maxOpenCalls must be at least 1");
  }

  public static CorrelatorSettings defaults() {
    return new CorrelatorSettings(Duration.ofSeconds(60), Duration.ofHours(4), 200_000);
  }
}
