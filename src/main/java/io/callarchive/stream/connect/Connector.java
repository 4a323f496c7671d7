package io.callarchive.stream.connect;

/**
 * One live connection to a platform (an ARI websocket, an AMQP consumer, a webhook endpoint) that hands what it
 * receives to a {@link io.callarchive.stream.FrameSink}.
 *
 * <p>Lifecycle: {@link #start()} once, which returns without waiting for the peer (connecting, and reconnecting
 * after every loss, happens on the connector's own threads); {@link #close()} stops it for good, waits for the
 * frame in hand to reach the sink or be given up unacknowledged, and is idempotent. Thread-safe.
 */
public interface Connector extends AutoCloseable {

  /** The configured source name, the {@code connection} argument of every sink call. */
  String name();

  /** Starts connecting (or listening); failures after this point are reported to the sink, not thrown. */
  void start() throws java.io.IOException;

  /** The last state reported to the sink ({@code connected}, {@code disconnected}, ...), for health checks. */
  String state();

  @Override
  void close();
}
