package io.callarchive.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A slow Elasticsearch: a loopback TCP proxy that holds every chunk of the node's answers for a while. */
final class DelayProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int target;
  private final long delayMs;
  private volatile boolean closed;

  DelayProxy(int target, long delayMs) throws IOException {
    this.target = target;
    this.delayMs = delayMs;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("delay-proxy").start(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket c = server.accept();
        Socket up = new Socket(InetAddress.getLoopbackAddress(), target);
        Thread.ofPlatform().daemon().start(() -> pump(c, up, 0));
        Thread.ofPlatform().daemon().start(() -> pump(up, c, delayMs));
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void pump(Socket from, Socket to, long delay) {
    byte[] buf = new byte[1 << 16];
    try (from; to) {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buf)) >= 0) {
        if (delay > 0) Thread.sleep(delay);
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // one side closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
  }
}
