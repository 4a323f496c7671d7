package io.callarchive.stream;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a connector reports about its connection, for {@code /health} and {@code /metrics}. Written by the
 * connector's threads, read by any thread.
 */
public final class ConnectionStatus {
  /** The connection states; {@code streaming} is logged in and receiving events. */
  public enum State {
    STARTING,
    CONNECTING,
    STREAMING,
    DISCONNECTED,
    AUTH_FAILED,
    STOPPED,
    /** Another client took the ARI application name over; the source stays down until restarted. */
    REPLACED
  }

  private final String name;
  private final String type;
  private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
  private final AtomicReference<String> detail = new AtomicReference<>("");
  private final AtomicReference<Instant> lastEvent = new AtomicReference<>();
  private final AtomicReference<Instant> since = new AtomicReference<>(Instant.now());

  public final LongAdder frames = new LongAdder();
  public final LongAdder connects = new LongAdder();
  public final LongAdder reconnects = new LongAdder();
  public final LongAdder authFailures = new LongAdder();
  public final LongAdder overflowFrames = new LongAdder();
  public final LongAdder sequenceGaps = new LongAdder();

  public ConnectionStatus(String name, String type) {
    this.name = name;
    this.type = type;
  }

  public String name() {
    return name;
  }

  public String type() {
    return type;
  }

  public State state() {
    return state.get();
  }

  public String detail() {
    return detail.get();
  }

  public Instant since() {
    return since.get();
  }

  public Instant lastEvent() {
    return lastEvent.get();
  }

  void set(State s, String why, Instant at) {
    if (state.getAndSet(s) != s) since.set(at);
    detail.set(why == null ? "" : why);
  }

  void received(Instant at) {
    frames.increment();
    lastEvent.set(at);
  }
}
