package io.callarchive.stream;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A PBX on 127.0.0.1 for the tests: accepts connections, runs the protocol's greeting and login, answers
 * keepalives, and replays a list of frames byte for byte, each written in pieces cut at random points. A test can
 * pause it ({@link #sendUpTo}), make it close in the middle of a frame ({@link #cutAt}: the next connection sends
 * that frame again whole, as a PBX would send its next events), skip frames (events lost while disconnected), and
 * read the longest time one of its writes was blocked because the client did not read ({@link #maxStallNanos}).
 */
abstract class LoopbackServer implements AutoCloseable {
  final ServerSocket server;
  final List<byte[]> frames = new CopyOnWriteArrayList<>();
  final AtomicInteger next = new AtomicInteger();
  final AtomicInteger accepted = new AtomicInteger();
  final AtomicInteger loginsRefused = new AtomicInteger();
  final AtomicInteger keepalives = new AtomicInteger();
  final AtomicLong maxStallNanos = new AtomicLong();
  volatile int sendUpTo = Integer.MAX_VALUE;
  volatile int cutAt = -1;
  volatile boolean split = true;
  volatile String secret;
  /** Frames written per second at most (0: as fast as possible). */
  volatile int rate;
  private final Random random;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  private final Thread acceptor;

  LoopbackServer(String secret, long seed) throws IOException {
    this.secret = secret;
    this.random = new Random(seed);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = Thread.ofPlatform().daemon().name(getClass().getSimpleName()).start(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  /** True when every frame was sent. */
  boolean allSent() {
    return next.get() >= frames.size();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        accepted.incrementAndGet();
        open.add(s);
        Thread.ofPlatform().daemon().name("loopback-session").start(() -> session(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void session(Socket s) {
    try (s) {
      s.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      if (!login(in, out)) {
        loginsRefused.incrementAndGet();
        return;
      }
      Thread.ofPlatform().daemon().name("loopback-reader").start(() -> {
        try {
          while (true) {
            byte[] reply = request(in);
            if (reply == null) return;
            keepalives.incrementAndGet();
            synchronized (out) {
              out.write(reply);
              out.flush();
            }
          }
        } catch (IOException e) {
          // closed
        }
      });
      long started = System.nanoTime();
      long sentHere = 0;
      while (!closed && !s.isClosed()) {
        int i = next.get();
        if (i >= frames.size() || i >= sendUpTo) {
          Thread.sleep(2);
          continue;
        }
        if (rate > 0) {
          long due = started + sentHere * 1_000_000_000L / rate;
          long wait = due - System.nanoTime();
          if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        byte[] f = frames.get(i);
        if (i == cutAt) {
          cutAt = -1;
          synchronized (out) {
            write(out, f, 0, Math.max(1, f.length / 2));
          }
          return; // closes the socket in the middle of the frame
        }
        synchronized (out) {
          if (split && f.length > 1) {
            int a = 1 + random.nextInt(f.length - 1);
            write(out, f, 0, a);
            out.flush();
            write(out, f, a, f.length - a);
          } else {
            write(out, f, 0, f.length);
          }
        }
        next.incrementAndGet();
        sentHere++;
      }
    } catch (IOException | InterruptedException e) {
      // the client went away
    } finally {
      open.remove(s);
    }
  }

  private void write(OutputStream out, byte[] b, int off, int len) throws IOException {
    long t0 = System.nanoTime();
    out.write(b, off, len);
    long took = System.nanoTime() - t0;
    maxStallNanos.accumulateAndGet(took, Math::max);
  }

  /** Closes every open session (the PBX restarting); the server keeps accepting. */
  void dropConnections() throws IOException {
    for (Socket s : open) s.close();
  }

  /** The greeting and login; false when the login was refused (the session then ends). */
  protected abstract boolean login(InputStream in, OutputStream out) throws IOException;

  /** Reads the client's next request and returns the reply, or null at the end. */
  protected abstract byte[] request(InputStream in) throws IOException;

  /** Reads up to an empty line (the end of an AMI block or an ESL command). */
  static String readUntilBlank(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int prev = -1;
    int c;
    boolean lineStart = true;
    while ((c = in.read()) >= 0) {
      if (c == '\r') continue;
      if (c == '\n') {
        if (lineStart && b.size() > 0) return b.toString(java.nio.charset.StandardCharsets.UTF_8).stripTrailing();
        if (lineStart) continue;
        lineStart = true;
        b.write('\n');
        continue;
      }
      lineStart = false;
      b.write(c);
      prev = c;
    }
    return prev < 0 && b.size() == 0 ? null : b.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  static String header(String block, String key) {
    for (String l : block.split("\n")) {
      int colon = l.indexOf(':');
      if (colon > 0 && l.substring(0, colon).trim().equalsIgnoreCase(key)) return l.substring(colon + 1).trim();
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    dropConnections();
    try {
      acceptor.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Asterisk's manager interface (main/manager.c): banner, Login, Ping. */
  static final class Ami extends LoopbackServer {
    final String username;
    /** Send FullyBooted (no Timestamp) after the login, as Asterisk does. */
    volatile boolean booted;

    Ami(String username, String secret, long seed) throws IOException {
      super(secret, seed);
      this.username = username;
    }

    @Override
    protected boolean login(InputStream in, OutputStream out) throws IOException {
      out.write("Asterisk Call Manager/9.0.0\r\n".getBytes());
      out.flush();
      String block = readUntilBlank(in);
      if (block == null || !"Login".equalsIgnoreCase(header(block, "Action"))) return false;
      String id = header(block, "ActionID");
      boolean ok = username.equals(header(block, "Username")) && secret.equals(header(block, "Secret"));
      String reply = ok
          ? "Response: Success\r\nActionID: " + id + "\r\nMessage: Authentication accepted\r\n\r\n"
          : "Response: Error\r\nActionID: " + id + "\r\nMessage: Authentication failed\r\n\r\n";
      out.write(reply.getBytes());
      out.flush();
      if (ok && booted) {
        out.write("Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 10\r\nLastReload: 10\r\nStatus: Fully Booted\r\n\r\n".getBytes());
        out.flush();
      }
      return ok;
    }

    @Override
    protected byte[] request(InputStream in) throws IOException {
      String block = readUntilBlank(in);
      if (block == null) return null;
      String id = header(block, "ActionID");
      if ("Ping".equalsIgnoreCase(header(block, "Action"))) {
        return ("Response: Success\r\nActionID: " + id + "\r\nPing: Pong\r\nTimestamp: 1764600000.000000\r\n\r\n").getBytes();
      }
      return ("Response: Error\r\nActionID: " + id + "\r\nMessage: Invalid/unknown command\r\n\r\n").getBytes();
    }
  }

  /** FreeSWITCH mod_event_socket, inbound: auth/request, auth, event, api. */
  static final class Esl extends LoopbackServer {
    volatile String subscription;

    Esl(String password, long seed) throws IOException {
      super(password, seed);
    }

    @Override
    protected boolean login(InputStream in, OutputStream out) throws IOException {
      out.write("Content-Type: auth/request\n\n".getBytes());
      out.flush();
      String cmd = readUntilBlank(in);
      if (cmd == null || !cmd.equals("auth " + secret)) {
        String bye = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n";
        out.write(("Content-Type: command/reply\nReply-Text: -ERR invalid\n\n"
            + "Content-Type: text/disconnect-notice\nContent-Length: " + bye.length() + "\n\n" + bye).getBytes());
        out.flush();
        return false;
      }
      out.write("Content-Type: command/reply\nReply-Text: +OK accepted\n\n".getBytes());
      out.flush();
      String sub = readUntilBlank(in);
      if (sub == null || !sub.startsWith("event ")) return false;
      subscription = sub;
      out.write(("Content-Type: command/reply\nReply-Text: +OK event listener enabled " + sub.split(" ")[1] + "\n\n").getBytes());
      out.flush();
      return true;
    }

    @Override
    protected byte[] request(InputStream in) throws IOException {
      String cmd = readUntilBlank(in);
      if (cmd == null) return null;
      if (cmd.startsWith("api ")) {
        String body = "UP 0 years, 0 days, 1 hour\n";
        return ("Content-Type: api/response\nContent-Length: " + body.length() + "\n\n" + body).getBytes();
      }
      return "Content-Type: command/reply\nReply-Text: -ERR command not found\n\n".getBytes();
    }
  }
}
