package io.callarchive.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * An Elasticsearch that can be made unreachable without stopping the shared node: a loopback TCP proxy in front of
 * it. {@link #cut} closes every connection and answers new ones by closing them at once (to the client, a node
 * that went away); {@link #restore} passes connections through again.
 */
final class EsProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int target;
  private final List<Socket> open = new ArrayList<>();
  private volatile boolean down;
  private volatile boolean closed;

  EsProxy(int target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("es-proxy").start(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  void cut() {
    down = true;
    synchronized (open) {
      for (Socket s : open) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
      open.clear();
    }
  }

  void restore() {
    down = false;
  }

  private void accept() {
    while (!closed) {
      try {
        Socket c = server.accept();
        if (down) {
          c.close();
          continue;
        }
        Socket up = new Socket(InetAddress.getLoopbackAddress(), target);
        synchronized (open) {
          open.add(c);
          open.add(up);
        }
        Thread.ofPlatform().daemon().start(() -> pump(c, up));
        Thread.ofPlatform().daemon().start(() -> pump(up, c));
      } catch (IOException e) {
        if (closed) return;
      }
    }
  }

  private static void pump(Socket from, Socket to) {
    byte[] buf = new byte[1 << 16];
    try (from; to) {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    cut();
    server.close();
  }
}
