package io.callarchive.stream;

import java.io.IOException;
import java.time.Clock;

/**
 * The spool as the ARI, Kazoo and ccs connectors see it ({@link io.callarchive.stream.connect.Connector}): every
 * call goes on to the spool, and what passes is told to the source's {@link ConnectionStatus}, so that
 * {@code /health} and {@code /metrics} show these sources as they show AMI and FreeSWITCH. A frame counts once the
 * spool took it (those connectors retry or refuse a frame the spool refused, they never drop it). Thread-safe, as
 * the spool and the status are.
 */
final class StatusSink implements FrameSink {
  private final FrameSink spool;
  private final ConnectionStatus status;
  private final Clock clock;

  StatusSink(FrameSink spool, ConnectionStatus status, Clock clock) {
    this.spool = spool;
    this.status = status;
    this.clock = clock;
  }

  @Override
  public void frame(String connection, byte[] bytes) throws IOException {
    spool.frame(connection, bytes);
    status.received(clock.instant());
  }

  @Override
  public void state(String connection, String state, String detail) throws IOException {
    // the status first: even when the spool cannot take the state record, /health says what happened
    switch (state) {
      case "connected", "reconnected" -> {
        if (state.equals("reconnected")) status.reconnects.increment();
        status.connects.increment();
        status.set(ConnectionStatus.State.STREAMING, "", clock.instant());
      }
      case "auth_failed" -> {
        status.authFailures.increment();
        status.set(ConnectionStatus.State.AUTH_FAILED, detail, clock.instant());
      }
      case "replaced" -> status.set(ConnectionStatus.State.REPLACED, detail, clock.instant());
      default -> status.set(ConnectionStatus.State.DISCONNECTED, detail, clock.instant());
    }
    spool.state(connection, state, detail);
  }
}
