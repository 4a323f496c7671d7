package io.callarchive.stream.ccs;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.callarchive.parse.json.JsonFrameReader;
import io.callarchive.stream.FrameSink;
import io.callarchive.stream.connect.Connector;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ccs webhook (event-sources §5.2): the platform POSTs one JSON event, a JSON array of events, or JSON lines,
 * and gets its 2xx only after every event of the body is in the spool (§5.2: "acknowledge HTTP deliveries only after
 * the event is durably queued"). The body is framed with the batch reader's own {@link JsonFrameReader}, and each
 * piece (one object, or one element of an array) is one frame, exactly the bytes the ccs format reads from a
 * capture of the same body. The copies one event has in several domains arrive as separate posts and so as separate
 * frames; the ccs format's identity (event id, else type, entity, time and state) makes them one document.
 *
 * <p>Answers: 200 with the number of frames; 400 with the reason for a body that is not JSON (its bytes are still
 * handed to the sink as frames, which the ccs format reads as malformed pieces and so dead-letters with the reason:
 * nothing is lost, and no marker is needed since the format sees exactly what this endpoint saw); 401 for missing
 * or wrong credentials (compared in constant time); 405 for other methods; 413 for a body past the bound, never read
 * past it; 503 with {@code Retry-After} when the spool is full or cannot be written. A body whose frames the spool
 * refused part-way gets 503 as a whole: the platform's retry sends the spooled frames again, and as identical events
 * they are one document.
 *
 * <p>Thread-safe; posts are handled on {@code threads} threads at once, each handing its frames in order.
 */
public final class CcsWebhook implements Connector {
  private static final Logger log = LoggerFactory.getLogger(CcsWebhook.class);
  private static final String RETRY_AFTER_S = "5";

  private final CcsWebhookSettings settings;
  private final FrameSink sink;
  private final Clock clock;
  private final byte[] bearer;
  private final byte[] basic;
  private HttpServer server;
  private ExecutorService pool;
  private volatile boolean closed;
  private boolean attached;
  private volatile String state = "new";
  private volatile Instant lastFrame;
  private final AtomicLong frames = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicInteger threadNo = new AtomicInteger();

  public CcsWebhook(CcsWebhookSettings settings, FrameSink sink, Clock clock) {
    if (settings == null || sink == null || clock == null) {
      throw new IllegalArgumentException("settings, sink and clock are required");
    }
    this.settings = settings;
    this.sink = sink;
    this.clock = clock;
    this.bearer = settings.token() == null ? null : settings.token().getBytes(StandardCharsets.UTF_8);
    this.basic =
        settings.user() == null ? null : (settings.user() + ":" + settings.password()).getBytes(StandardCharsets.UTF_8);
  }

  /** An endpoint with the system clock. */
  public static Connector create(CcsWebhookSettings settings, FrameSink sink) {
    return new CcsWebhook(settings, sink, Clock.systemUTC());
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

  /** Posts refused (4xx, 503) since start. */
  public long refused() {
    return refused.get();
  }

  /** The port listened on (the one picked when the settings say 0); -1 before start. */
  public synchronized int port() {
    return server == null ? -1 : server.getAddress().getPort();
  }

  /** Binds the port; a port in use is an error here, at start, not a retry loop. */
  @Override
  public synchronized void start() throws IOException {
    if (closed) throw new IllegalStateException("ccs webhook source '" + settings.name() + "' is closed");
    if (server != null) return;
    try {
      server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 64);
    } catch (IOException e) {
      throw new IOException("ccs webhook source '" + settings.name() + "': cannot listen on " + settings.host() + ":"
          + settings.port() + " (" + e.getMessage() + "); choose another port", e);
    }
    pool = Executors.newFixedThreadPool(settings.threads(), r -> {
      Thread t = new Thread(r, "ccs-" + settings.name() + "-" + threadNo.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(pool);
    server.createContext(settings.path(), this::handle);
    server.start();
    String where = settings.host() + ":" + port() + settings.path();
    log.info("ccs webhook source '{}': listening on {}", settings.name(), where);
    report("connected", "listening for posts on " + where);
  }

  /**
   * Serves on another server instead of a port of its own (the stream service's HTTP port): the caller mounted
   * {@link #handle} at the settings' path on {@code where} ({@code host:port}); this reports the source connected.
   * Then {@link #start} is not called, and {@link #close} only reports the stop.
   */
  public synchronized void attached(String where) {
    if (closed) throw new IllegalStateException("ccs webhook source '" + settings.name() + "' is closed");
    attached = true;
    log.info("ccs webhook source '{}': listening on {}{} (the service's HTTP port)", settings.name(), where,
        settings.path());
    report("connected", "listening for posts on " + where + settings.path());
  }

  /**
   * Also usable as a handler mounted on another server (the service's own HTTP port): it answers one exchange
   * and closes it.
   */
  public void handle(HttpExchange x) throws IOException {
    try (x) {
      if (closed) {
        // stopping: the platform retries, and the next start takes the post
        x.getResponseHeaders().set("Retry-After", RETRY_AFTER_S);
        answer(x, 503, "{\"error\":\"callarchive is stopping, retry later\"}");
        return;
      }
      if (!"POST".equalsIgnoreCase(x.getRequestMethod())) {
        x.getResponseHeaders().set("Allow", "POST");
        answer(x, 405, "{\"error\":\"only POST is accepted\"}");
        return;
      }
      if (!authorised(x.getRequestHeaders().getFirst("Authorization"))) {
        x.getResponseHeaders().set("WWW-Authenticate",
            bearer != null ? "Bearer realm=\"callarchive\"" : "Basic realm=\"callarchive\", charset=\"UTF-8\"");
        log.warn("ccs webhook source '{}': refused a post from {} with missing or wrong credentials",
            settings.name(), x.getRemoteAddress().getAddress().getHostAddress());
        answer(x, 401, "{\"error\":\"missing or wrong credentials\"}");
        return;
      }
      String length = x.getRequestHeaders().getFirst("Content-Length");
      if (length != null && tooLong(length)) {
        answer(x, 413, "{\"error\":\"body larger than " + settings.maxBody() + " bytes\"}");
        return;
      }
      byte[] body;
      try (InputStream in = x.getRequestBody()) {
        body = in.readNBytes(settings.maxBody() + 1);
      }
      if (body.length > settings.maxBody()) {
        answer(x, 413, "{\"error\":\"body larger than " + settings.maxBody() + " bytes\"}");
        return;
      }
      if (isBlank(body)) {
        answer(x, 400, "{\"error\":\"empty body: post one JSON event or a JSON array of events\"}");
        return;
      }
      accept(x, body);
    }
  }

  private void accept(HttpExchange x, byte[] body) throws IOException {
    List<JsonFrameReader.Piece> pieces = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    try (JsonFrameReader r = new JsonFrameReader(new ByteArrayInputStream(body), settings.name(),
        Math.max(16, settings.maxBody()))) {
      for (JsonFrameReader.Piece p; (p = r.next()) != null; ) {
        pieces.add(p);
        if (p instanceof JsonFrameReader.BadPiece b) bad.add("at byte " + b.provenance().offset() + ": " + b.reason());
      }
    }
    int handed = 0;
    try {
      for (JsonFrameReader.Piece p : pieces) {
        sink.frame(settings.name(), p.raw());
        handed++;
        frames.incrementAndGet();
      }
      lastFrame = clock.instant();
    } catch (FrameSink.SpoolFullException e) {
      log.warn("ccs webhook source '{}': spool full, post refused with 503 ({} of {} frames spooled): {}",
          settings.name(), handed, pieces.size(), e.getMessage());
      x.getResponseHeaders().set("Retry-After", RETRY_AFTER_S);
      answer(x, 503, "{\"error\":\"spool full, retry later\"}");
      return;
    } catch (IOException e) {
      log.error("ccs webhook source '{}': the spool cannot be written, post refused with 503: {}",
          settings.name(), e.getMessage());
      x.getResponseHeaders().set("Retry-After", RETRY_AFTER_S);
      answer(x, 503, "{\"error\":\"spool cannot be written, retry later\"}");
      return;
    }
    if (!bad.isEmpty()) {
      String reason = "body is not JSON: " + String.join("; ", bad);
      log.warn("ccs webhook source '{}': {} (kept for the dead letters)", settings.name(), reason);
      answer(x, 400, "{\"error\":" + quote(reason) + ",\"frames\":" + pieces.size() + "}");
      return;
    }
    answer(x, 200, "{\"frames\":" + pieces.size() + "}");
  }

  /** Constant-time comparison (MessageDigest.isEqual), so response times tell nothing about the secret. */
  boolean authorised(String header) {
    if (header == null) return false;
    int space = header.indexOf(' ');
    if (space < 0) return false;
    String scheme = header.substring(0, space).toLowerCase(Locale.ROOT);
    String value = header.substring(space + 1).strip();
    if (scheme.equals("bearer") && bearer != null) {
      return MessageDigest.isEqual(bearer, value.getBytes(StandardCharsets.UTF_8));
    }
    if (scheme.equals("basic") && basic != null) {
      byte[] given;
      try {
        given = Base64.getDecoder().decode(value);
      } catch (IllegalArgumentException e) {
        return false;
      }
      return MessageDigest.isEqual(basic, given);
    }
    return false;
  }

  private boolean tooLong(String length) {
    try {
      return Long.parseLong(length.strip()) > settings.maxBody();
    } catch (NumberFormatException e) {
      return false; // the bounded read decides
    }
  }

  private void answer(HttpExchange x, int status, String json) throws IOException {
    if (status >= 400) refused.incrementAndGet();
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, b.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(b);
    }
  }

  private static boolean isBlank(byte[] b) {
    for (byte c : b) if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
    return true;
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  private void report(String newState, String detail) {
    state = newState;
    try {
      sink.state(settings.name(), newState, detail);
    } catch (IOException e) {
      log.warn("ccs webhook source '{}': could not archive the state change {} ({})", settings.name(), newState,
          e.getMessage());
    }
  }

  /** Stops accepting, lets the posts in hand finish (up to 5 s), and frees the port. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    if (server == null) {
      if (attached) report("disconnected", "stopped by callarchive");
      return;
    }
    server.stop(5);
    pool.shutdown();
    try {
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) pool.shutdownNow();
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
    report("disconnected", "stopped by callarchive");
  }
}
