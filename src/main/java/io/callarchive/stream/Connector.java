package io.callarchive.stream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection to a PBX: connect, log in, subscribe, frame what arrives and hand each frame to the
 * {@link FrameSink}, keep the connection alive, and reconnect with backoff when it breaks (house style rule 1:
 * framing and reconnect only, no parsing). One reader thread per connection; reading never waits on
 * Elasticsearch, only on the spool's append (a write to the page cache), because Asterisk drops a manager session
 * that does not read for {@code writetimeout} (100 ms by default, manager.conf) and FreeSWITCH drops a listener
 * after 500 undelivered events (mod_event_socket {@code MAX_MISSED}).
 *
 * <p>Keepalive: every {@code keepalive} a protocol no-op is sent (AMI {@code Ping}, ESL {@code api uptime}); no
 * answer within {@code keepalive_timeout}, or nothing at all read for {@code read_idle_timeout}, closes the
 * socket and reconnects, so a half-open connection is detected instead of waited on for ever.
 *
 * <p>Overflow policy: when the spool is full a frame is counted and dropped, and the connection keeps reading.
 * Not reading would not save the frame: the PBX would drop the session within a second and lose every event
 * until the reconnect, plus the calls' state. The start and the end of each overflow episode are archived as state
 * events ({@code spool_full}, {@code spool_overflow} with the count) so that the loss is searchable and alertable.
 */
public abstract class Connector implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Connector.class);

  protected final StreamConfig.Source source;
  protected final FrameSink sink;
  protected final Clock clock;
  protected final ConnectionStatus status;
  private final Backoff backoff;
  private final Backoff.Sleeper sleeper;
  private final ScheduledExecutorService timer;

  private volatile boolean stopped;
  private volatile Socket socket;
  private OutputStream out;
  private volatile long keepaliveSentAt = -1;
  private long droppedInEpisode;
  private Instant episodeStart;
  private boolean everConnected;
  private Instant lostAt;

  protected Connector(
      StreamConfig.Source source, FrameSink sink, Clock clock, Backoff backoff, Backoff.Sleeper sleeper,
      ScheduledExecutorService timer) {
    this.source = source;
    this.sink = sink;
    this.clock = clock;
    this.backoff = backoff;
    this.sleeper = sleeper;
    this.timer = timer;
    this.status = new ConnectionStatus(source.name(), source.type());
  }

  public ConnectionStatus status() {
    return status;
  }

  /** A refused login: reported and retried slowly. */
  protected static final class AuthFailedException extends IOException {
    AuthFailedException(String message) {
      super(message);
    }
  }

  @Override
  public void run() {
    while (!stopped) {
      boolean authFailed = false;
      String why;
      status.set(ConnectionStatus.State.CONNECTING, "connecting to " + source.host() + ":" + source.port(), clock.instant());
      try (Socket s = new Socket()) {
        s.setTcpNoDelay(true);
        s.setKeepAlive(true);
        s.connect(new InetSocketAddress(source.host(), source.port()), (int) source.connectTimeout().toMillis());
        s.setSoTimeout((int) source.readIdleTimeout().toMillis());
        socket = s;
        if (stopped) break;
        out = s.getOutputStream();
        status.connects.increment();
        if (everConnected) status.reconnects.increment();
        String gap = lostAt == null ? "" : " after " + Duration.between(lostAt, clock.instant()).toMillis() + " ms unreachable";
        state(everConnected ? "reconnected" : "connected", "connected to " + source.host() + ":" + source.port() + gap);
        everConnected = true;
        InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
        login(in);
        state("authenticated", loginDetail());
        status.set(ConnectionStatus.State.STREAMING, "", clock.instant());
        backoff.reset();
        ScheduledFuture<?> ka = timer.scheduleWithFixedDelay(
            this::keepalive, source.keepalive().toMillis(), Math.min(source.keepalive().toMillis(), 1000), TimeUnit.MILLISECONDS);
        try {
          read(in);
          why = "the PBX closed the connection";
        } finally {
          ka.cancel(false);
          keepaliveSentAt = -1;
        }
      } catch (AuthFailedException e) {
        authFailed = true;
        why = e.getMessage();
        status.authFailures.increment();
      } catch (SocketTimeoutException e) {
        why = "nothing read for " + source.readIdleTimeout().toSeconds() + " s (read_idle_timeout)";
      } catch (IOException e) {
        why = stopped ? "stopped" : e.getClass().getSimpleName() + ": " + e.getMessage();
      } catch (RuntimeException e) {
        why = "connector error: " + e;
        log.error("{}: {}", source.name(), why, e);
      } finally {
        socket = null;
      }
      if (stopped) break;
      if (lostAt == null || status.state() == ConnectionStatus.State.STREAMING) lostAt = clock.instant();
      try {
        if (authFailed) {
          state("auth_failed", why);
          status.set(ConnectionStatus.State.AUTH_FAILED, why, clock.instant());
        } else {
          if (status.state() != ConnectionStatus.State.DISCONNECTED) state("disconnected", why);
          status.set(ConnectionStatus.State.DISCONNECTED, why, clock.instant());
        }
      } catch (IOException e) {
        log.error("{}: could not spool the state change: {}", source.name(), e.getMessage());
      }
      Duration wait = backoff.next(authFailed);
      if (authFailed) log.error("{}: {}; trying again in {} ms", source.name(), why, wait.toMillis());
      else log.warn("{}: {}; reconnecting in {} ms", source.name(), why, wait.toMillis());
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        break;
      }
    }
    status.set(ConnectionStatus.State.STOPPED, "stopped", clock.instant());
  }

  /** Stops reading: the reader thread leaves its loop (the socket is closed under it). */
  public void stop() {
    stopped = true;
    Socket s = socket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  /** Reads the greeting, authenticates and subscribes; throws {@link AuthFailedException} when refused. */
  protected abstract void login(InputStream in) throws IOException;

  /** What the {@code authenticated} state event says (never the secret). */
  protected abstract String loginDetail();

  /** Reads frames until the connection ends. */
  protected abstract void read(InputStream in) throws IOException;

  /** The protocol's no-op, whose answer {@link #keepaliveAnswered} is told about. */
  protected abstract byte[] keepaliveRequest();

  protected final void keepaliveAnswered() {
    keepaliveSentAt = -1;
  }

  private void keepalive() {
    try {
      long now = clock.millis();
      long sent = keepaliveSentAt;
      if (sent >= 0) {
        if (now - sent > source.keepaliveTimeout().toMillis()) {
          log.warn("{}: no answer to the keepalive within {} ms; reconnecting", source.name(), source.keepaliveTimeout().toMillis());
          Socket s = socket;
          if (s != null) s.close();
        }
        return;
      }
      if (now - lastWrite >= source.keepalive().toMillis()) {
        keepaliveSentAt = now;
        send(keepaliveRequest());
      }
    } catch (IOException e) {
      Socket s = socket;
      try {
        if (s != null) s.close();
      } catch (IOException ignored) {
        // already broken
      }
    }
  }

  private volatile long lastWrite;

  protected final synchronized void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    lastWrite = clock.millis();
  }

  /** Archives a state change of the connection. */
  protected final void state(String state, String detail) throws IOException {
    sink.state(source.name(), state, detail);
  }

  /** Hands one frame to the spool, applying the overflow policy (see the class comment). */
  protected final void deliver(byte[] frame) throws IOException {
    Instant now = clock.instant();
    status.received(now);
    try {
      sink.frame(source.name(), frame);
      if (droppedInEpisode > 0) {
        long n = droppedInEpisode;
        droppedInEpisode = 0;
        log.warn("{}: the spool takes frames again; {} frames were dropped since {}", source.name(), n, episodeStart);
        state("spool_overflow", n + " frames dropped because the spool was full, from " + episodeStart + " to " + now);
      }
    } catch (FrameSink.SpoolFullException e) {
      status.overflowFrames.increment();
      if (droppedInEpisode++ == 0) {
        episodeStart = now;
        log.error("{}: {}; frames are dropped (and counted) until Elasticsearch catches up", source.name(), e.getMessage());
        try {
          state("spool_full", "the spool is full: frames are dropped and counted from " + now);
        } catch (IOException ignored) {
          // the state reserve is used up too; the counter still says it
        }
      }
    }
  }
}
