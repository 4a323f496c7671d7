package io.callarchive.stream;

import java.io.IOException;

/**
 * Where a connector hands what it reads, in order, from its one reader thread per connection: each framed message
 * (the exact bytes of one event or message, as the batch format of that source would read them from a capture),
 * and each change of the connection's state. A connector never parses beyond framing and never waits on
 * Elasticsearch: {@link #frame} returns once the frame is durable in the spool (then, and only then, may the
 * connector acknowledge it to its peer: AMQP ack, webhook 2xx).
 *
 * <p>Thread-safe: several connectors call it at once, each from its own thread.
 */
public interface FrameSink {
  /**
   * Appends one frame of {@code connection} (the configured source name) to the spool.
   *
   * @throws SpoolFullException when the spool is at its size bound (the connector applies its overflow policy:
   *     stop reading / refuse with 503 / do not ack), never silently dropped
   * @throws IOException when the spool cannot be written
   */
  void frame(String connection, byte[] bytes) throws IOException;

  /**
   * A state change of {@code connection}: {@code connected}, {@code authenticated}, {@code disconnected},
   * {@code reconnected}, {@code auth_failed}, {@code sequence_gap}, {@code replaced}... with a human-readable
   * detail (never a secret). Archived as an event of its own ({@code event.kind: state}).
   */
  void state(String connection, String state, String detail) throws IOException;

  /** The spool is at its size bound. */
  final class SpoolFullException extends IOException {
    public SpoolFullException(String message) {
      super(message);
    }
  }
}
