package io.callarchive.stream.ari;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.java_websocket.WebSocket;
import org.java_websocket.enums.Opcode;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A loopback stand-in for Asterisk's HTTP server and ARI event websocket (event-sources §2.1). Asterisk checks the
 * ARI credentials (Basic on the upgrade request, or {@code api_key}) before the upgrade and answers 401 when they
 * are wrong; this server does the same in a small front that reads the upgrade request, answers 401 itself, or
 * passes the connection byte for byte to a Java-WebSocket server, which speaks the websocket protocol (frames,
 * fragments, ping/pong, close). The front can also drop every connection at once (a PBX restart) or freeze them
 * (a half-open link: nothing arrives, nothing is answered). Optionally behind TLS ({@code wss://}).
 */
public final class AriTestServer implements Closeable {
  private final Backend backend;
  private final ServerSocket front;
  private final String user;
  private final String password;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "ari-test-server");
    t.setDaemon(true);
    return t;
  });
  private final List<Link> links = Collections.synchronizedList(new ArrayList<>());
  /** The request target of every upgrade request, in order. */
  final List<String> targets = Collections.synchronizedList(new ArrayList<>());
  /** The Authorization header of every upgrade request ("" when absent), in order. */
  final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger refused = new AtomicInteger();
  final AtomicInteger opened = new AtomicInteger();
  final AtomicInteger closedByClient = new AtomicInteger();
  private volatile Consumer<WebSocket> script = ws -> {};
  private volatile boolean answerPings = true;

  public AriTestServer(String user, String password, SSLContext tls) throws Exception {
    this.user = user;
    this.password = password;
    backend = new Backend();
    backend.start();
    if (!backend.started.await(10, TimeUnit.SECONDS)) throw new IOException("websocket server did not start");
    front = tls == null
        ? new ServerSocket(0, 50, InetAddress.getLoopbackAddress())
        : tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.execute(this::acceptLoop);
  }

  public int port() {
    return front.getLocalPort();
  }

  /** What the server does with each new websocket (run on a thread of its own). */
  public void onOpen(Consumer<WebSocket> s) {
    script = s;
  }

  /** Whether the websocket answers pings with pongs (Asterisk does). */
  void answerPings(boolean answer) {
    answerPings = answer;
  }

  /** Closes every open connection abruptly, without a websocket close frame. */
  void drop() {
    List<Link> now;
    synchronized (links) {
      now = new ArrayList<>(links);
      links.clear();
    }
    now.forEach(Link::close);
  }

  /** Open connections stop carrying anything in either direction, without closing. */
  void freeze() {
    synchronized (links) {
      links.forEach(l -> l.frozen = true);
    }
  }

  /** Sends one message split into frames at random byte positions (possibly inside a UTF-8 character). */
  static void sendSplit(WebSocket ws, byte[] utf8, Random random, int maxFragment) {
    int pos = 0;
    while (pos < utf8.length) {
      int n = 1 + random.nextInt(Math.min(maxFragment, utf8.length - pos));
      boolean last = pos + n == utf8.length;
      ws.sendFragmentedFrame(Opcode.TEXT, ByteBuffer.wrap(Arrays.copyOfRange(utf8, pos, pos + n)), last);
      pos += n;
    }
  }

  private void acceptLoop() {
    while (!front.isClosed()) {
      try {
        Socket s = front.accept();
        pool.execute(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try {
      InputStream in = client.getInputStream();
      byte[] head = readHead(in);
      String text = new String(head, StandardCharsets.ISO_8859_1);
      String[] lines = text.split("\r\n");
      String target = lines[0].split(" ")[1];
      String auth = "";
      for (String l : lines) {
        if (l.toLowerCase(Locale.ROOT).startsWith("authorization:")) auth = l.substring(14).strip();
      }
      targets.add(target);
      authorizations.add(auth);
      if (!authorised(target, auth)) {
        refused.incrementAndGet();
        OutputStream out = client.getOutputStream();
        out.write(("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"asterisk\"\r\n"
            + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        client.close();
        return;
      }
      Socket server = new Socket(InetAddress.getLoopbackAddress(), backend.getPort());
      server.getOutputStream().write(head);
      Link link = new Link(client, server);
      links.add(link);
      pool.execute(() -> pipe(link, in, server));
      pipe(link, server.getInputStream(), client);
    } catch (IOException | RuntimeException e) {
      try {
        client.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private boolean authorised(String target, String auth) {
    String expected = user + ":" + password;
    if (auth.regionMatches(true, 0, "Basic ", 0, 6)) {
      String given = new String(Base64.getDecoder().decode(auth.substring(6).strip()), StandardCharsets.UTF_8);
      return given.equals(expected);
    }
    int q = target.indexOf('?');
    if (q < 0) return false;
    for (String p : target.substring(q + 1).split("&")) {
      if (p.startsWith("api_key=")) {
        return URLDecoder.decode(p.substring(8), StandardCharsets.UTF_8).equals(expected);
      }
    }
    return false;
  }

  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) throw new IOException("connection closed inside the request head");
      b.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1
          : c == '\r' ? 1 : 0;
      if (b.size() > 16384) throw new IOException("request head too long");
    }
    return b.toByteArray();
  }

  /** Copies one direction; an orderly end (EOF) is passed on as one, so nothing in flight is cut off. */
  private static void pipe(Link link, InputStream in, Socket to) {
    byte[] buf = new byte[8192];
    try {
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buf)) > 0) {
        if (link.frozen) continue; // a half-open link: the bytes go nowhere
        out.write(buf, 0, n);
        out.flush();
      }
      if (!link.frozen) {
        to.shutdownOutput();
        link.directionDone();
      }
    } catch (IOException e) {
      if (!link.frozen) link.close(); // the other side went away abruptly
    }
  }

  @Override
  public void close() throws IOException {
    front.close();
    drop();
    try {
      backend.stop(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool.shutdownNow();
  }

  private static final class Link {
    final Socket a;
    final Socket b;
    volatile boolean frozen;
    private final AtomicInteger done = new AtomicInteger();

    Link(Socket a, Socket b) {
      this.a = a;
      this.b = b;
    }

    /** Both directions ended in order: close both sockets normally. */
    void directionDone() {
      if (done.incrementAndGet() < 2) return;
      for (Socket s : new Socket[] {a, b}) {
        try {
          s.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }

    void close() {
      for (Socket s : new Socket[] {a, b}) {
        try {
          s.setSoLinger(true, 0); // a reset, as when the PBX goes away
          s.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }
  }

  private final class Backend extends WebSocketServer {
    final CountDownLatch started = new CountDownLatch(1);

    Backend() {
      super(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      setReuseAddr(true);
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
      opened.incrementAndGet();
      Consumer<WebSocket> s = script;
      pool.execute(() -> s.accept(conn));
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
      if (remote && code == 1000) closedByClient.incrementAndGet();
    }

    @Override
    public void onMessage(WebSocket conn, String message) {}

    @Override
    public void onError(WebSocket conn, Exception ex) {}

    @Override
    public void onStart() {
      started.countDown();
    }

    @Override
    public void onWebsocketPing(WebSocket conn, org.java_websocket.framing.Framedata f) {
      if (answerPings) super.onWebsocketPing(conn, f);
    }
  }
}
