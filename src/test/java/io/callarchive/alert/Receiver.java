package io.callarchive.alert;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/** A real HTTP server on loopback that records each POST and answers with the status the test chooses. */
final class Receiver implements AutoCloseable {
  record Request(Map<String, java.util.List<String>> headers, byte[] body, int answered) {
    String header(String name) {
      for (var e : headers.entrySet()) if (e.getKey().equalsIgnoreCase(name)) return e.getValue().get(0);
      return null;
    }
  }

  final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  final AtomicInteger count = new AtomicInteger();
  private final HttpServer server;

  /** {@code status} maps the request number (0, 1, ...) to the answer; {@code before} runs before answering. */
  Receiver(IntUnaryOperator status, Runnable before) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/hook", (HttpExchange ex) -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      int n = count.getAndIncrement();
      before.run();
      int s = status.applyAsInt(n);
      requests.add(new Request(Map.copyOf(ex.getRequestHeaders()), body, s));
      ex.sendResponseHeaders(s, -1);
      ex.close();
    });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
