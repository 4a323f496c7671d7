package io.callarchive.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP reverse proxy in front of the real test node, as an operator's nginx would be: it forwards
 * every request unchanged, refuses bodies above a size with 413 (nginx {@code client_max_body_size}), and can
 * hold bulk requests until released, so a test controls when an import gets to write.
 */
final class EsProxy implements AutoCloseable {
  private static final Set<String> HOP = Set.of("host", "content-length", "connection", "transfer-encoding", "upgrade",
      "keep-alive", "expect");

  private final HttpServer server;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final String target;
  private final long maxBody;
  private final CountDownLatch bulkGate;
  final AtomicInteger refused = new AtomicInteger();
  final AtomicInteger bulkSeen = new AtomicInteger();

  /**
   * @param maxBody larger request bodies are answered 413 (Long.MAX_VALUE: none)
   * @param holdBulk whether {@code _bulk} requests wait for {@link #release()}
   */
  EsProxy(String target, long maxBody, boolean holdBulk) throws IOException {
    this.target = target;
    this.maxBody = maxBody;
    this.bulkGate = new CountDownLatch(holdBulk ? 1 : 0);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "es-proxy");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void release() {
    bulkGate.countDown();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      String path = ex.getRequestURI().getRawPath();
      if (path.endsWith("/_bulk")) {
        bulkSeen.incrementAndGet();
        try {
          bulkGate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (body.length > maxBody) {
        refused.incrementAndGet();
        byte[] msg = "<html><body><h1>413 Request Entity Too Large</h1></body></html>".getBytes();
        ex.getResponseHeaders().add("Content-Type", "text/html");
        ex.sendResponseHeaders(413, msg.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(msg);
        }
        return;
      }
      String query = ex.getRequestURI().getRawQuery();
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(target + path + (query == null ? "" : "?" + query)))
          .method(ex.getRequestMethod(), body.length == 0
              ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      ex.getRequestHeaders().forEach((k, vs) -> {
        if (!HOP.contains(k.toLowerCase())) for (String v : vs) req.header(k, v);
      });
      HttpResponse<byte[]> resp;
      try {
        resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      resp.headers().map().forEach((k, vs) -> {
        if (!HOP.contains(k.toLowerCase()) && !k.startsWith(":")) ex.getResponseHeaders().put(k, List.copyOf(vs));
      });
      byte[] out = resp.body();
      ex.sendResponseHeaders(resp.statusCode(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream o = ex.getResponseBody()) {
          o.write(out);
        }
      }
    }
  }

  @Override
  public void close() {
    release();
    server.stop(0);
  }
}
