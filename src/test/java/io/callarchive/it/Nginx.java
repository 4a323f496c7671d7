package io.callarchive.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real TLS front for the test node: Debian's nginx, started by the test with a configuration under
 * {@code target/}, terminating TLS with a certificate of a test CA (made here with openssl) on a loopback port and
 * refusing every request that does not carry one of the allowed credentials (basic authentication or an
 * Elasticsearch API key header) with 401. There is no fallback: without nginx or openssl the test fails.
 */
public final class Nginx implements AutoCloseable {
  final Path dir;
  public final int port;
  private final Process process;

  private Nginx(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  public String url() {
    return "https://127.0.0.1:" + port;
  }

  /** A CA (certificate {@code <name>.pem}, key {@code <name>.key}) in {@code dir}. */
  public static Path ca(Path dir, String name) throws Exception {
    Files.createDirectories(dir);
    openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".pem",
        "-days", "2", "-subj", "/CN=callarchive " + name, "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    return dir.resolve(name + ".pem");
  }

  /** A server certificate for 127.0.0.1 and localhost signed by the CA {@code caName}. */
  public static void serverCert(Path dir, String caName) throws Exception {
    Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
        + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
    openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
    openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", caName + ".pem", "-CAkey", caName + ".key", "-CAcreateserial",
        "-out", "server.pem", "-days", "2", "-extfile", "server.ext");
  }

  /**
   * Starts nginx in {@code dir} (which holds server.pem and server.key) on a free loopback port in front of
   * {@code upstreamPort}, admitting the given basic-auth user/password and API key.
   */
  public static Nginx start(Path dir, int upstreamPort, String user, String password, String apiKey) throws Exception {
    int port = freePort();
    Files.createDirectories(dir.resolve("tmp"));
    String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    String d = dir.toAbsolutePath().toString();
    String conf = String.join("\n",
        "worker_processes 1;",
        "daemon off;",
        "pid " + d + "/nginx.pid;",
        "error_log " + d + "/error.log warn;",
        "events { worker_connections 128; }",
        "http {",
        "  access_log " + d + "/access.log;",
        "  client_body_temp_path " + d + "/tmp/body;",
        "  proxy_temp_path " + d + "/tmp/proxy;",
        "  fastcgi_temp_path " + d + "/tmp/fastcgi;",
        "  uwsgi_temp_path " + d + "/tmp/uwsgi;",
        "  scgi_temp_path " + d + "/tmp/scgi;",
        "  client_max_body_size 200m;",
        "  client_body_buffer_size 64m;",
        "  map_hash_bucket_size 256;",
        "  map $http_authorization $allowed {",
        "    default 0;",
        "    \"Basic " + basic + "\" 1;",
        "    \"ApiKey " + apiKey + "\" 1;",
        "  }",
        "  server {",
        "    listen 127.0.0.1:" + port + " ssl;",
        "    ssl_certificate " + d + "/server.pem;",
        "    ssl_certificate_key " + d + "/server.key;",
        "    location / {",
        "      if ($allowed = 0) { return 401; }",
        "      proxy_pass http://127.0.0.1:" + upstreamPort + ";",
        "      proxy_set_header Authorization \"\";",
        "      proxy_http_version 1.1;",
        "      proxy_set_header Connection \"\";",
        "      proxy_buffering off;",
        "      proxy_request_buffering off;",
        "    }",
        "  }",
        "}",
        "");
    Path file = dir.resolve("nginx.conf");
    Files.writeString(file, conf);
    List<String> cmd = new ArrayList<>(List.of(nginx(), "-p", d, "-e", d + "/error.log", "-c", file.toAbsolutePath().toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
    for (int i = 0; i < 100; i++) {
      if (!p.isAlive()) {
        throw new IllegalStateException("nginx did not start: " + Files.readString(dir.resolve("nginx.out"))
            + " " + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new Nginx(dir, port, p);
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("nginx did not listen on port " + port + " within 10 s");
  }

  /** Stops this front at once (the node behind it stays up). */
  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  private static String nginx() {
    for (String c : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
      if (Files.isExecutable(Path.of(c))) return c;
    }
    throw new IllegalStateException("nginx is not installed: the TLS tests need Debian's nginx (.ci/run installs it)");
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void openssl(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
    }
  }
}
