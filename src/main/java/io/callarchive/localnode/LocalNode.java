package io.callarchive.localnode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The managed single-node Elasticsearch that callarchive uses when no {@code --es-url} is given. It unpacks the
 * minimal distribution under the callarchive home, writes its configuration, and starts it as a daemon. When
 * callarchive runs as root the node runs as an unprivileged system user, because Elasticsearch refuses root.
 * Methods are not safe to call concurrently for the same home.
 */
public final class LocalNode {
  private static final Logger log = LoggerFactory.getLogger(LocalNode.class);
  private static final String CLUSTER_NAME = "callarchive";

  private final LocalNodeSettings settings;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
  private final ObjectMapper json = new ObjectMapper();

  /**
   * Settings for a node that is one of several of a local cluster (node.name, discovery.seed_hosts,
   * cluster.initial_master_nodes, transport.port, node.roles): when given, they replace single-node discovery.
   * Empty for the usual one-node archive.
   */
  private final Map<String, String> clusterSettings;

  public LocalNode(LocalNodeSettings settings) {
    this(settings, Map.of());
  }

  public LocalNode(LocalNodeSettings settings, Map<String, String> clusterSettings) {
    this.settings = settings;
    this.clusterSettings = Map.copyOf(clusterSettings);
  }

  public LocalNodeSettings settings() {
    return settings;
  }

  /** What answers on the node's port, if anything. */
  public record Probe(boolean answering, String clusterName, String version, String nodeName) {
    public boolean isOurs() {
      return answering && CLUSTER_NAME.equals(clusterName);
    }
  }

  public record Status(boolean running, Long pid, Probe probe, String health) {}

  /**
   * Starts the node and waits until the cluster is usable. A no-op when our node already runs; an error when
   * another Elasticsearch answers on the port.
   *
   * @return true when this call started the node, false when it was already running
   */
  public boolean start() throws IOException, InterruptedException {
    Probe probe = probe();
    Optional<Long> pid = runningPid();
    if (probe.answering()) {
      if (probe.isOurs() && pid.isPresent()) {
        log.info("Elasticsearch is already running on {} (pid {})", settings.url(), pid.get());
        return false;
      }
      throw new IllegalStateException(
          "another Elasticsearch (cluster '" + probe.clusterName() + "', version " + probe.version()
              + ") already answers on port " + settings.port()
              + ": use it with --es-url " + settings.url() + ", or choose another port with --es-port");
    }
    if (pid.isPresent()) {
      throw new IllegalStateException(
          "the node's process " + pid.get() + " is alive but does not answer on " + settings.url()
              + "; see " + settings.logsDir() + " or run 'callarchive es stop'");
    }
    requireFreePort();
    install();
    configure();
    String user = isRoot() ? ensureServiceUser() : null;
    if (user != null) handOver(user);
    launch(user);
    waitUntilUsable();
    Files.writeString(settings.portFile(), settings.port() + "\n");
    log.info("Elasticsearch {} is up on {} (pid {})", probe().version(), settings.url(), runningPid().orElse(-1L));
    return true;
  }

  /**
   * Fails with the reason when another program holds the port: Elasticsearch would daemonise and then die with a
   * bind error hidden in its log.
   */
  private void requireFreePort() throws IOException {
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), settings.port()));
    } catch (java.net.BindException e) {
      throw new IllegalStateException("port " + settings.port() + " on 127.0.0.1 is in use by another program"
          + " (address already in use): choose another port with --es-port", e);
    }
  }

  /** Stops the node and waits until its process is gone. Returns false when it was not running. */
  public boolean stop() throws IOException, InterruptedException {
    Optional<Long> pid = runningPid();
    if (pid.isEmpty()) {
      Files.deleteIfExists(settings.pidFile());
      return false;
    }
    ProcessHandle handle = ProcessHandle.of(pid.get()).orElse(null);
    if (handle == null) {
      Files.deleteIfExists(settings.pidFile());
      return false;
    }
    List<ProcessHandle> family = new ArrayList<>(handle.descendants().toList());
    handle.destroy(); // SIGTERM: Elasticsearch closes its shards cleanly
    Instant deadline = Instant.now().plusSeconds(60);
    while (handle.isAlive() && Instant.now().isBefore(deadline)) Thread.sleep(200);
    if (handle.isAlive()) {
      log.warn("Elasticsearch (pid {}) did not stop within 60 s; killing it", pid.get());
      handle.destroyForcibly();
      Instant killDeadline = Instant.now().plusSeconds(10);
      while (handle.isAlive() && Instant.now().isBefore(killDeadline)) Thread.sleep(100);
    }
    for (ProcessHandle child : family) {
      if (child.isAlive()) child.destroyForcibly();
    }
    Files.deleteIfExists(settings.pidFile());
    return true;
  }

  public Status status() throws IOException, InterruptedException {
    Optional<Long> pid = runningPid();
    Probe probe = probe();
    String health = null;
    if (probe.answering()) {
      try {
        health = get("/_cluster/health").path("status").asText(null);
      } catch (IOException e) {
        health = "unknown (" + e.getMessage() + ")";
      }
    }
    return new Status(pid.isPresent(), pid.orElse(null), probe, health);
  }

  public Probe probe() throws InterruptedException {
    try {
      // GET / is not served by every distribution; health and node info are.
      JsonNode health = get("/_cluster/health");
      String version = null;
      String name = null;
      try {
        JsonNode nodes = get("/_nodes/_local?filter_path=nodes.*.version,nodes.*.name").path("nodes");
        if (nodes.size() > 0) {
          JsonNode n = nodes.elements().next();
          version = n.path("version").asText(null);
          name = n.path("name").asText(null);
        }
      } catch (IOException e) {
        // health answered: a cluster is there even if it will not describe itself
      }
      return new Probe(true, health.path("cluster_name").asText(null), version, name);
    } catch (IOException e) {
      return new Probe(false, null, null, null);
    }
  }

  /** The pid from the pid file when that process is alive. */
  public Optional<Long> runningPid() throws IOException {
    Path pidFile = settings.pidFile();
    if (!Files.exists(pidFile)) return Optional.empty();
    String text = Files.readString(pidFile).trim();
    if (text.isEmpty()) return Optional.empty();
    long pid;
    try {
      pid = Long.parseLong(text);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
  }

  private void install() throws IOException {
    Path marker = settings.nodeDir().resolve(".installed-from");
    String source = settings.distribution().getFileName().toString() + " " + Files.size(settings.distribution());
    if (Files.exists(marker) && Files.readString(marker).equals(source)) return;
    if (!Files.isRegularFile(settings.distribution())) {
      throw new IllegalStateException(
          "the Elasticsearch distribution is missing: " + settings.distribution()
              + " (run 'mvn package' or bin/callarchive, which resolve it through Maven)");
    }
    log.info("Unpacking {} into {}", settings.distribution().getFileName(), settings.nodeDir());
    deleteTree(settings.nodeDir());
    Files.createDirectories(settings.nodeDir());
    Path root = settings.nodeDir().toAbsolutePath().normalize();
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(settings.distribution()))) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        String name = e.getName();
        int slash = name.indexOf('/');
        if (slash < 0) continue;
        String rel = name.substring(slash + 1); // drop the elasticsearch-<version>/ folder
        if (rel.isEmpty()) continue;
        Path target = root.resolve(rel).normalize();
        if (!target.startsWith(root)) throw new IOException("zip entry escapes the install folder: " + name);
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
          // java.util.zip does not carry Unix modes: launchers live in bin/ folders.
          if (target.getParent().getFileName().toString().equals("bin")) {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
          }
        }
      }
    }
    Files.writeString(marker, source);
  }

  private void configure() throws IOException {
    Files.createDirectories(settings.dataDir());
    Files.createDirectories(settings.logsDir());
    Path config = settings.nodeDir().resolve("config");
    // Security auto-configuration (by a start without our settings) leaves TLS secrets in the keystore that a
    // node with security disabled refuses; the managed node keeps no secure settings, so start clean.
    Files.deleteIfExists(config.resolve("elasticsearch.keystore"));
    deleteTree(config.resolve("certs"));
    String yml =
        String.join(
            "\n",
            "# Written by callarchive at each start; edit LocalNodeSettings instead.",
            "cluster.name: " + CLUSTER_NAME,
            clusterSettings.isEmpty() ? "node.name: callarchive-local" : "# one node of a local cluster",
            "path.data: " + settings.dataDir().toAbsolutePath(),
            "path.logs: " + settings.logsDir().toAbsolutePath(),
            "network.host: 127.0.0.1",
            "http.port: " + settings.port(),
            // A single node: no discovery, and production bootstrap checks do not apply.
            clusterSettings.isEmpty() ? "discovery.type: single-node" : clusterYml(),
            // Shared machines fill their disks; an archive node should not turn read-only at 95%.
            "cluster.routing.allocation.disk.threshold_enabled: false",
            "action.destructive_requires_name: false",
            // A loopback-only development node: no TLS or users to set up (a real cluster is given with --es-url).
            "xpack.security.enabled: false",
            "");
    Files.writeString(config.resolve("elasticsearch.yml"), yml);
    Path jvmOptions = config.resolve("jvm.options.d");
    Files.createDirectories(jvmOptions);
    Files.writeString(
        jvmOptions.resolve("callarchive-heap.options"),
        "-Xms" + settings.heapMb() + "m\n-Xmx" + settings.heapMb() + "m\n");
  }

  private String clusterYml() {
    StringBuilder b = new StringBuilder();
    new java.util.TreeMap<>(clusterSettings).forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
    return b.toString().strip();
  }

  private void launch(String user) throws IOException, InterruptedException {
    Files.deleteIfExists(settings.pidFile());
    List<String> cmd = new ArrayList<>();
    if (user != null) cmd.addAll(List.of("runuser", "-u", user, "--"));
    cmd.add(settings.nodeDir().resolve("bin").resolve("elasticsearch").toAbsolutePath().toString());
    cmd.addAll(List.of("-d", "-p", settings.pidFile().toAbsolutePath().toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("ES_JAVA_HOME", settings.javaHome().toAbsolutePath().toString());
    pb.environment().remove("JAVA_HOME");
    pb.environment().remove("ES_JAVA_OPTS");
    pb.environment().put("ES_PATH_CONF", settings.nodeDir().resolve("config").toAbsolutePath().toString());
    pb.redirectErrorStream(true);
    Path startLog = settings.logsDir().resolve("callarchive-start.log");
    pb.redirectOutput(startLog.toFile());
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("Elasticsearch did not daemonise within 120 s; see " + startLog);
    }
    if (p.exitValue() != 0) {
      String out = Files.exists(startLog) ? Files.readString(startLog) : "";
      throw new IllegalStateException(
          "Elasticsearch failed to start (exit " + p.exitValue() + "): " + tail(out, 2000)
              + "\nSee " + settings.logsDir());
    }
  }

  private void waitUntilUsable() throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(settings.startTimeout());
    IOException last = null;
    while (Instant.now().isBefore(deadline)) {
      if (runningPid().isEmpty() && Files.exists(settings.pidFile())) {
        throw new IllegalStateException("Elasticsearch exited during start-up; see " + settings.logsDir());
      }
      try {
        JsonNode health = get("/_cluster/health?wait_for_status=yellow&timeout=5s");
        if (!health.path("timed_out").asBoolean(true)) return;
      } catch (IOException e) {
        last = e;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "Elasticsearch did not become usable on " + settings.url() + " within " + settings.startTimeout()
            + (last != null ? " (" + last.getMessage() + ")" : "") + "; see " + settings.logsDir());
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(settings.url() + path)).timeout(Duration.ofSeconds(15)).GET().build();
    try {
      HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (resp.statusCode() >= 400 && resp.statusCode() != 408) {
        throw new IOException("HTTP " + resp.statusCode() + " from " + path);
      }
      return json.readTree(resp.body());
    } catch (ConnectException e) {
      throw new IOException("nothing listens on " + settings.url(), e);
    }
  }

  static boolean isRoot() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }

  /** Creates the unprivileged system user once; Elasticsearch refuses to run as root. */
  private String ensureServiceUser() throws IOException, InterruptedException {
    String user = settings.serviceUser();
    if (run(List.of("id", "-u", user)) == 0) return user;
    log.info("Creating the unprivileged system user '{}' to run Elasticsearch", user);
    int rc =
        run(List.of("useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
            "--shell", "/usr/sbin/nologin", user));
    if (rc != 0 && run(List.of("id", "-u", user)) != 0) {
      throw new IllegalStateException("could not create the system user '" + user + "' (useradd exit " + rc + ")");
    }
    return user;
  }

  /**
   * Gives the node's folders to the service user, and lets it traverse the folders above them (execute bit for
   * others only, no read), which a home under /root would otherwise forbid.
   */
  private void handOver(String user) throws IOException, InterruptedException {
    for (Path p : List.of(settings.home())) {
      int rc = run(List.of("chown", "-R", user + ":", p.toAbsolutePath().toString()));
      if (rc != 0) throw new IllegalStateException("could not give " + p + " to user " + user);
    }
    for (Path dir = settings.home().toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
      if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
        log.warn("Letting other users traverse {} (o+x, not read) so that '{}' can reach {}", dir, user, settings.home());
        Set<PosixFilePermission> more = EnumSet.copyOf(perms);
        more.add(PosixFilePermission.OTHERS_EXECUTE);
        Files.setPosixFilePermissions(dir, more);
      }
    }
    // The JDK must be readable by the service user too.
    Path java = settings.javaHome().resolve("bin").resolve("java");
    if (run(List.of("runuser", "-u", user, "--", java.toString(), "-version")) != 0) {
      throw new IllegalStateException(
          "user '" + user + "' cannot run " + java + "; set JAVA_HOME to a JDK 21+ readable by all users");
    }
  }

  private static int run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    return p.waitFor();
  }

  private static String tail(String s, int n) {
    return s.length() <= n ? s : "..." + s.substring(s.length() - n);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
