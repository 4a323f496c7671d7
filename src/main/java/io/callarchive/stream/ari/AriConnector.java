package io.callarchive.stream.ari;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.stream.FrameSink;
import io.callarchive.stream.connect.Backoff;
import io.callarchive.stream.connect.Connector;
import io.callarchive.stream.connect.TlsTrust;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Asterisk ARI event websocket (event-sources §2.1) with the JDK's websocket client: one JSON text message per
 * event, reassembled from its frames and handed to the sink as its UTF-8 bytes, in order, from one reader thread.
 *
 * <p>Asterisk keeps nothing for a disconnected application, so every loss is a {@code disconnected} state (a gap:
 * calls open across it end incomplete) followed, when the connection is back, by {@code reconnected}. A ping goes
 * out every {@code pingInterval}; a pong missing for {@code pongTimeout} takes the link for dead (a half-open TCP
 * connection is not waited on). Reconnects back off exponentially with jitter; refused credentials (HTTP 401/403
 * on the upgrade) are reported as {@code auth_failed} and retried at the slowest step. {@code ApplicationReplaced}
 * (another client took the application name, §2.7 item 8) is archived, reported as {@code replaced}, and ends the
 * connector: reconnecting would take the application back and start a tug of war with the other client.
 *
 * <p>When the spool is full the reader stops requesting messages (the websocket's own flow control, so TCP pushes
 * back on Asterisk) and retries the frame in hand until it fits or the connector is closed. Thread-safe.
 */
public final class AriConnector implements Connector {
  private static final Logger log = LoggerFactory.getLogger(AriConnector.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The longest pause between two offers of a frame the spool refused. */
  private static final Duration SPOOL_RETRY = Duration.ofSeconds(1);

  private static final byte[] REPLACED = "ApplicationReplaced".getBytes(StandardCharsets.US_ASCII);

  private final AriSettings settings;
  private final FrameSink sink;
  private final Backoff backoff;
  private final Clock clock;
  private final HttpClient client;
  private final ScheduledExecutorService timers;
  private final ExecutorService reader;

  private final Object lock = new Object();
  private long generation; // which websocket the callbacks are about; bumped on every loss
  private WebSocket socket;
  private ScheduledFuture<?> pinger;
  private int attempts;
  private boolean everConnected;
  private boolean outageReported;
  private boolean authFailing;
  private volatile boolean closed;
  private volatile boolean replaced;
  private volatile String state = "new";
  private volatile Instant lastFrame;
  private final AtomicLong frames = new AtomicLong();
  private final AtomicLong pingSeq = new AtomicLong();
  private volatile long pongAwaited = -1;
  private volatile boolean paused; // the reader waits for the spool: no pong can be read meanwhile

  public AriConnector(AriSettings settings, FrameSink sink, Backoff backoff, Clock clock) {
    if (settings == null || sink == null || backoff == null || clock == null) {
      throw new IllegalArgumentException("settings, sink, backoff and clock are required");
    }
    this.settings = settings;
    this.sink = sink;
    this.backoff = backoff;
    this.clock = clock;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(settings.connectTimeout());
    if (settings.url().getScheme().equalsIgnoreCase("wss")) b.sslContext(TlsTrust.context(settings.caCert()));
    this.client = b.build();
    this.timers = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "ari-" + settings.name() + "-timer"));
    this.reader = Executors.newSingleThreadExecutor(r -> thread(r, "ari-" + settings.name() + "-reader"));
  }

  /** A connector with the settings' reconnect bounds and the system clock. */
  public static Connector create(AriSettings settings, FrameSink sink) {
    return new AriConnector(
        settings, sink, Backoff.of(settings.reconnectMin(), settings.reconnectMax()), Clock.systemUTC());
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public String state() {
    return state;
  }

  /** When the last frame reached the sink, or null. */
  public Instant lastFrame() {
    return lastFrame;
  }

  /** Frames handed to the sink since start. */
  public long frames() {
    return frames.get();
  }

  @Override
  public void start() {
    if (closed) throw new IllegalStateException("ARI source '" + settings.name() + "' is closed");
    timers.execute(this::connect);
  }

  private void connect() {
    long gen;
    synchronized (lock) {
      if (closed || replaced) return;
      gen = generation;
    }
    WebSocket.Builder b = client.newWebSocketBuilder().connectTimeout(settings.connectTimeout());
    if (settings.auth() == AriSettings.Auth.BASIC) {
      String basic = settings.user() + ":" + settings.password();
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    b.buildAsync(settings.eventsUri(), new Listener(gen))
        .whenComplete((ws, error) -> {
          if (error != null) failed(gen, error); // success is handled in onOpen, before any message
        });
  }

  private void opened(long gen, WebSocket ws) {
    boolean again;
    synchronized (lock) {
      if (gen != generation || closed || replaced) {
        ws.abort();
        return;
      }
      socket = ws;
      again = everConnected;
      everConnected = true;
      outageReported = false;
      authFailing = false;
      pongAwaited = -1;
      long every = settings.pingInterval().toMillis();
      pinger = timers.scheduleAtFixedRate(() -> ping(gen), every, every, TimeUnit.MILLISECONDS);
    }
    log.info("ARI source '{}': connected to {}", settings.name(), settings.displayUri());
    report(again ? "reconnected" : "connected", "events websocket " + settings.displayUri() + " open");
  }

  private void failed(long gen, Throwable error) {
    Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    int status = e instanceof WebSocketHandshakeException h ? h.getResponse().statusCode() : -1;
    Duration delay;
    synchronized (lock) {
      if (gen != generation || closed || replaced) return;
      if (status == 401 || status == 403) {
        delay = backoff.slow();
        if (!authFailing) {
          authFailing = true;
          String detail = "Asterisk refused the ARI credentials of user '" + settings.user() + "' (HTTP " + status
              + "); check the user and password in ari.conf; retrying every " + human(delay);
          log.error("ARI source '{}': {}", settings.name(), detail);
          report("auth_failed", detail);
        } else {
          log.debug("ARI source '{}': credentials refused again (HTTP {})", settings.name(), status);
        }
      } else {
        delay = backoff.delay(++attempts);
        String why = status > 0 ? "HTTP " + status + " on the websocket upgrade (is ARI enabled in ari.conf"
            + " and http.conf, and is the url right?)" : String.valueOf(e.getMessage() != null ? e.getMessage() : e);
        if (!outageReported) {
          outageReported = true;
          report("disconnected", "cannot connect to " + settings.displayUri() + ": " + why);
        }
        log.warn("ARI source '{}': cannot connect to {}: {}; retrying in {} ms",
            settings.name(), settings.displayUri(), why, delay.toMillis());
      }
      timers.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** The websocket of {@code gen} is gone: report the gap and reconnect. */
  private void lost(long gen, String why) {
    Duration delay;
    WebSocket ws;
    synchronized (lock) {
      if (gen != generation || closed || replaced) return;
      generation++;
      ws = socket;
      socket = null;
      if (pinger != null) pinger.cancel(false);
      delay = backoff.delay(++attempts);
      outageReported = true;
      timers.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
    if (ws != null) ws.abort();
    log.warn("ARI source '{}': {}; events until the reconnect are lost (Asterisk does not buffer them);"
        + " reconnecting in {} ms", settings.name(), why, delay.toMillis());
    report("disconnected", why);
  }

  private void ping(long gen) {
    WebSocket ws;
    synchronized (lock) {
      if (gen != generation) return;
      ws = socket;
      if (ws == null || pongAwaited >= 0) return; // the timeout task of the ping in flight decides
      // up for a whole interval with the last ping answered: the next loss starts the backoff from the bottom
      // again, while a server that drops every connection at once keeps backing off
      attempts = 0;
    }
    long seq = pingSeq.incrementAndGet();
    pongAwaited = seq;
    ByteBuffer payload = ByteBuffer.allocate(8).putLong(0, seq);
    ws.sendPing(payload).whenComplete((w, e) -> {
      if (e != null) lost(gen, "cannot send a ping: " + e.getMessage());
    });
    long timeout = settings.pongTimeout().toMillis();
    timers.schedule(() -> {
      if (pongAwaited != seq) return;
      if (paused) {
        pongAwaited = -1; // while the reader is paused the pong cannot be read: not a dead link
        return;
      }
      lost(gen, "no pong within " + settings.pongTimeout().toMillis() + " ms of a ping (dead link)");
    }, timeout, TimeUnit.MILLISECONDS);
  }

  /** Hands one message to the sink on the reader thread; the next one is requested when it returns. */
  private CompletionStage<?> message(long gen, WebSocket ws, byte[] bytes) {
    return CompletableFuture.runAsync(() -> deliver(gen, bytes), reader).whenComplete((v, e) -> ws.request(1));
  }

  private void deliver(long gen, byte[] bytes) {
    boolean waiting = false;
    int tries = 0;
    while (true) {
      try {
        sink.frame(settings.name(), bytes);
        break;
      } catch (IOException e) {
        if (closed) {
          paused = false;
          log.warn("ARI source '{}': stopped while the spool refused a frame ({}); that event is not archived",
              settings.name(), e.getMessage());
          return;
        }
        if (!waiting) {
          waiting = true;
          paused = true;
          log.warn("ARI source '{}': the spool refused a frame ({}); reading paused until it takes it",
              settings.name(), e.getMessage());
        }
        sleep(SPOOL_RETRY.compareTo(backoff.delay(++tries)) < 0 ? SPOOL_RETRY : backoff.delay(tries));
      }
    }
    paused = false;
    if (waiting) log.info("ARI source '{}': the spool takes frames again; reading resumed", settings.name());
    frames.incrementAndGet();
    lastFrame = clock.instant();
    if (indexOf(bytes, REPLACED) >= 0 && isReplaced(bytes)) replaced(gen);
  }

  /** A cheap byte search first: only messages naming the type are parsed. */
  private static boolean isReplaced(byte[] bytes) {
    try {
      JsonNode n = JSON.readTree(bytes);
      return n != null && "ApplicationReplaced".equals(n.path("type").asText(null));
    } catch (IOException e) {
      return false;
    }
  }

  private void replaced(long gen) {
    WebSocket ws;
    synchronized (lock) {
      if (gen != generation || closed) return;
      replaced = true;
      generation++;
      ws = socket;
      socket = null;
      if (pinger != null) pinger.cancel(false);
    }
    String detail = "another client connected to Asterisk with the application name '" + settings.app()
        + "' and took it over (ApplicationReplaced): this source stops and does not reconnect, so as not to take"
        + " it back; give each collector its own app name, then restart callarchive";
    log.error("ARI source '{}': {}", settings.name(), detail);
    sinkState("replaced", detail); // already on the reader thread: ordered after the frame
    if (ws != null) ws.sendClose(WebSocket.NORMAL_CLOSURE, "application replaced").whenComplete((w, e) -> ws.abort());
  }

  /** State changes travel through the reader thread, so they are ordered with the frames around them. */
  private void report(String newState, String detail) {
    try {
      reader.execute(() -> sinkState(newState, detail));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("ARI source '{}': state {} after close not reported", settings.name(), newState);
    }
  }

  private void sinkState(String newState, String detail) {
    state = newState;
    try {
      sink.state(settings.name(), newState, detail);
    } catch (IOException e) {
      log.warn("ARI source '{}': could not archive the state change {} ({})", settings.name(), newState,
          e.getMessage());
    }
  }

  @Override
  public void close() {
    WebSocket ws;
    synchronized (lock) {
      if (closed) return;
      closed = true;
      generation++;
      ws = socket;
      socket = null;
      if (pinger != null) pinger.cancel(false);
    }
    if (ws != null) {
      try {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "callarchive stopping").get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.debug("ARI source '{}': close handshake not completed ({})", settings.name(), e.toString());
      }
      // wait for Asterisk's close frame (RFC 6455 §7.1.1: the server closes the TCP connection first)
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (!ws.isInputClosed() && System.nanoTime() < end) sleep(Duration.ofMillis(10));
      ws.abort();
    }
    if (!replaced) report("disconnected", "stopped by callarchive");
    timers.shutdownNow();
    reader.shutdown();
    try {
      if (!reader.awaitTermination(10, TimeUnit.SECONDS)) reader.shutdownNow();
    } catch (InterruptedException e) {
      reader.shutdownNow();
      Thread.currentThread().interrupt();
    }
    client.shutdownNow();
  }

  /** Collects the parts of one message (text frames may arrive in parts) and passes it on when complete. */
  private final class Listener implements WebSocket.Listener {
    private final long gen;
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private boolean oversize;

    Listener(long gen) {
      this.gen = gen;
    }

    @Override
    public void onOpen(WebSocket ws) {
      opened(gen, ws);
      ws.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      // a char is at least one UTF-8 byte: past maxMessage chars the message is past maxMessage bytes
      if (!oversize && text.length() + data.length() <= settings.maxMessage()) text.append(data);
      else if (!oversize) {
        text.append(data, 0, Math.max(0, settings.maxMessage() - text.length()));
        oversize = true;
      }
      if (!last) {
        ws.request(1);
        return null;
      }
      // The JDK has already checked that a text message is valid UTF-8 (RFC 6455 §8.1), so encoding the chars
      // again gives back exactly the bytes Asterisk sent.
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      text.setLength(0);
      return message(gen, ws, bound(bytes));
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      // Asterisk sends text only; anything else is handed over too (and dead-lettered downstream), not dropped
      byte[] part = new byte[data.remaining()];
      data.get(part);
      if (binary.size() + part.length <= settings.maxMessage()) binary.writeBytes(part);
      else {
        binary.write(part, 0, Math.max(0, settings.maxMessage() - binary.size()));
        oversize = true;
      }
      if (!last) {
        ws.request(1);
        return null;
      }
      byte[] bytes = binary.toByteArray();
      binary.reset();
      return message(gen, ws, bound(bytes));
    }

    private byte[] bound(byte[] bytes) {
      boolean cut = oversize || bytes.length > settings.maxMessage();
      oversize = false;
      if (!cut) return bytes;
      log.warn("ARI source '{}': a message larger than {} bytes was cut at that size (dead-lettered downstream)",
          settings.name(), settings.maxMessage());
      return Arrays.copyOf(bytes, Math.min(bytes.length, settings.maxMessage()));
    }

    @Override
    public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
      if (message.remaining() == 8 && message.getLong(message.position()) == pongAwaited) pongAwaited = -1;
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      lost(gen, "Asterisk closed the websocket (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")");
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      lost(gen, "websocket failed: " + (error.getMessage() != null ? error.getMessage() : error.toString()));
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String human(Duration d) {
    return d.toMillis() >= 1000 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static Thread thread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
