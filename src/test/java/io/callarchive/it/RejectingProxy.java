package io.callarchive.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP front for the real test node that passes every request through, except the first {@code n}
 * {@code _bulk} requests whose body names an index starting with a given prefix: those it refuses as an
 * overloaded node does, with 429 and an {@code es_rejected_execution_exception} body (Elasticsearch's
 * {@code EsRejectedExecutionException} rendered by its REST layer), without forwarding them.
 */
final class RejectingProxy implements AutoCloseable {
  private static final Set<String> HOP = Set.of("connection", "content-length", "host", "transfer-encoding", "upgrade",
      "expect", "keep-alive");

  private final HttpServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String target;
  private final String indexPrefix;
  private final AtomicInteger toReject;
  final AtomicInteger rejected = new AtomicInteger();

  RejectingProxy(String target, String indexPrefix, int rejections) throws IOException {
    this.target = target;
    this.indexPrefix = indexPrefix;
    this.toReject = new AtomicInteger(rejections);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      String path = ex.getRequestURI().getRawPath();
      if (path.endsWith("/_bulk") && new String(body, StandardCharsets.UTF_8).contains("\"_index\":\"" + indexPrefix)
          && toReject.getAndDecrement() > 0) {
        rejected.incrementAndGet();
        byte[] err = ("{\"error\":{\"root_cause\":[{\"type\":\"es_rejected_execution_exception\",\"reason\":\"rejected"
            + " execution (queue capacity 10000) on the write pool\"}],\"type\":\"es_rejected_execution_exception\","
            + "\"reason\":\"rejected execution (queue capacity 10000) on the write pool\"},\"status\":429}")
            .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
        ex.sendResponseHeaders(429, err.length);
        ex.getResponseBody().write(err);
        return;
      }
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + ex.getRequestURI()))
          .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(body));
      ex.getRequestHeaders().forEach((k, vs) -> {
        if (!HOP.contains(k.toLowerCase())) for (String v : vs) b.header(k, v);
      });
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      r.headers().map().forEach((k, vs) -> {
        if (!HOP.contains(k.toLowerCase()) && !k.startsWith(":")) ex.getResponseHeaders().put(k, List.copyOf(vs));
      });
      byte[] out = r.body();
      ex.sendResponseHeaders(r.statusCode(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream o = ex.getResponseBody()) {
          o.write(out);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
