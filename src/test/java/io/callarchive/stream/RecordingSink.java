package io.callarchive.stream;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A {@link FrameSink} for tests: keeps every frame and state change in arrival order, and can be made to refuse
 * frames with {@link FrameSink.SpoolFullException} (for the next n offers, or until told otherwise) or to run a
 * hook before a frame is taken (to hold a connector between receipt and acknowledgement). Thread-safe.
 */
public final class RecordingSink implements FrameSink {

  /** One call the connector made. */
  public sealed interface Entry {
    String connection();
  }

  public record Frame(String connection, byte[] bytes) implements Entry {
    public String text() {
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  public record State(String connection, String state, String detail) implements Entry {}

  /** Runs before a frame is recorded; may block or throw. */
  @FunctionalInterface
  public interface Hook {
    void before(String connection, byte[] bytes) throws IOException;
  }

  private final List<Entry> entries = new ArrayList<>();
  private final AtomicInteger refuseNext = new AtomicInteger();
  private final AtomicInteger refusals = new AtomicInteger();
  private volatile boolean full;
  private volatile Hook hook;

  @Override
  public void frame(String connection, byte[] bytes) throws IOException {
    if (full || refuseNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      refusals.incrementAndGet();
      throw new SpoolFullException("test spool full");
    }
    Hook h = hook;
    if (h != null) h.before(connection, bytes);
    synchronized (this) {
      entries.add(new Frame(connection, bytes.clone()));
      notifyAll();
    }
  }

  @Override
  public void state(String connection, String state, String detail) {
    synchronized (this) {
      entries.add(new State(connection, state, detail));
      notifyAll();
    }
  }

  /** The next {@code n} offers of a frame are refused as if the spool were full. */
  public void refuseNext(int n) {
    refuseNext.set(n);
  }

  /** Every offer is refused while full. */
  public void full(boolean isFull) {
    full = isFull;
  }

  public int refusals() {
    return refusals.get();
  }

  public void hook(Hook h) {
    hook = h;
  }

  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  public synchronized List<Frame> frames() {
    return entries.stream().filter(e -> e instanceof Frame).map(e -> (Frame) e).toList();
  }

  public synchronized List<State> states() {
    return entries.stream().filter(e -> e instanceof State).map(e -> (State) e).toList();
  }

  public synchronized List<String> stateNames() {
    return states().stream().map(State::state).toList();
  }

  /** Waits until the entries satisfy {@code done}; fails the test with what was seen after {@code timeout}. */
  public synchronized void await(Predicate<RecordingSink> done, Duration timeout, String what)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!done.test(this)) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out waiting for " + what + "; states " + stateNames() + ", "
            + frames().size() + " frames");
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  public void awaitFrames(int n, Duration timeout) throws InterruptedException {
    await(s -> s.frames().size() >= n, timeout, n + " frames");
  }

  public void awaitState(String state, int occurrences, Duration timeout) throws InterruptedException {
    await(s -> s.stateNames().stream().filter(state::equals).count() >= occurrences, timeout,
        occurrences + " x state " + state);
  }
}
