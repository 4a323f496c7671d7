package io.callarchive.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class StatusSinkTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T06:00:00Z"), ZoneOffset.UTC);

  @Test
  void theConnectorsStatesBecomeTheConnectionStateOfHealth() throws IOException {
    ConnectionStatus status = new ConnectionStatus("pbx2", "ari");
    StatusSink sink = new StatusSink(new RecordingSink(), status, clock);
    assertEquals(ConnectionStatus.State.STARTING, status.state());
    sink.state("pbx2", "connected", "events websocket open");
    assertEquals(ConnectionStatus.State.STREAMING, status.state());
    assertEquals("", status.detail());
    sink.state("pbx2", "disconnected", "Asterisk closed the websocket (1001)");
    assertEquals(ConnectionStatus.State.DISCONNECTED, status.state());
    assertEquals("Asterisk closed the websocket (1001)", status.detail());
    sink.state("pbx2", "reconnected", "events websocket open");
    assertEquals(ConnectionStatus.State.STREAMING, status.state());
    sink.state("pbx2", "auth_failed", "refused");
    assertEquals(ConnectionStatus.State.AUTH_FAILED, status.state());
    sink.state("pbx2", "replaced", "another client took the application");
    assertEquals(ConnectionStatus.State.REPLACED, status.state());
    assertEquals(1, status.reconnects.sum());
    assertEquals(2, status.connects.sum());
    assertEquals(1, status.authFailures.sum());
  }

  @Test
  void aFrameCountsOnceTheSpoolTookIt() throws IOException {
    ConnectionStatus status = new ConnectionStatus("kazoo1", "kazoo");
    RecordingSink spool = new RecordingSink();
    StatusSink sink = new StatusSink(spool, status, clock);
    sink.frame("kazoo1", new byte[] {'{', '}'});
    spool.refuseNext(1);
    assertThrows(FrameSink.SpoolFullException.class, () -> sink.frame("kazoo1", new byte[] {'{', '}'}));
    assertEquals(1, status.frames.sum(), "the refused frame is retried by the connector, not counted twice");
    assertEquals(clock.instant(), status.lastEvent());
    assertEquals(1, spool.frames().size());
    sink.state("kazoo1", "connected", "consuming");
    assertEquals("connected", spool.stateNames().getFirst(), "states reach the spool too");
  }
}
