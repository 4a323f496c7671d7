package io.callarchive.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.callarchive.stream.ari.AriSettings;
import io.callarchive.stream.ccs.CcsWebhookSettings;
import io.callarchive.stream.kazoo.KazooSettings;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The {@code callarchive stream} configuration (YAML, commented sample in {@code ingest/stream.yml}), read and
 * validated as a whole before anything connects (house style rule 8): an unknown key, a missing field or a bad
 * value is one {@link ConfigException} whose message names the entry and the key. Secrets are given inline, as
 * {@code ${env:NAME}} or {@code ${file:PATH}}; they are resolved here and never appear in a message or a log.
 */
public record StreamConfig(Spool.Settings spool, Http http, Correlation correlation, List<Source> sources) {

  /** The HTTP port of {@code /health} and {@code /metrics}. */
  public record Http(String host, int port) {}

  /** How long the live correlator waits before a call is written complete, and when an idle call is closed. */
  public record Correlation(Duration grace, Duration idleTimeout, Duration updateEvery) {}

  /** Reconnect policy: exponential backoff from {@code initial} to {@code max} with jitter; slower after a refused login. */
  public record Reconnect(Duration initial, Duration max, Duration afterAuthFailure) {}

  /**
   * One platform connection.
   *
   * @param type {@code ami}, {@code freeswitch}, {@code ari}, {@code kazoo} or {@code ccs}
   * @param events AMI: the {@code Events:} of the Login ({@code on} or a class mask such as {@code call,cdr});
   *     FreeSWITCH: the event names subscribed to ({@code ALL} or a list)
   * @param eventFormat FreeSWITCH only: {@code json} or {@code plain}
   * @param settings the connector's own settings for {@code ari} ({@link AriSettings}), {@code kazoo}
   *     ({@link KazooSettings}) and {@code ccs} ({@link CcsSource}); null for {@code ami} and {@code freeswitch},
   *     whose settings are the fields of this record
   */
  public record Source(
      String name, String type, String host, int port, String username, Secret secret, String observerName,
      Map<String, String> labels, String events, String eventFormat, Duration keepalive, Duration keepaliveTimeout,
      Duration readIdleTimeout, Duration connectTimeout, Reconnect reconnect, Object settings) {

    /** The stream URI that names the connection in provenance ({@code log.file.path}), e.g. {@code ami://pbx1}. */
    public String origin() {
      return (type.equals("freeswitch") ? "esl" : type) + "://" + name;
    }

    /** The parser format the frames of this source are read with (the batch format of the same events). */
    public String format() {
      return type;
    }

    /**
     * Whether a {@code disconnected} state means events were missed, so the calls open across it are closed
     * incomplete. Asterisk (AMI and ARI) and FreeSWITCH keep nothing for a client that is gone; a Kazoo broker
     * keeps the durable queue's messages, and the ccs platform retries a post that was not answered 2xx, so for
     * those a disconnect delays events without losing them.
     */
    public boolean disconnectIsGap() {
      return !type.equals("kazoo") && !type.equals("ccs");
    }

    @Override
    public String toString() {
      return type + " source " + name + " (" + host + (port > 0 ? ":" + port : "") + ")";
    }
  }

  /**
   * A ccs webhook source: its endpoint, and whether it is served on the service's HTTP port (no {@code port} in
   * the entry; {@code host} and {@code port} of the settings are then those of {@code http}) or on its own.
   */
  public record CcsSource(CcsWebhookSettings webhook, boolean onServicePort) {}

  /** A secret: its value is only given to the connector; {@link #toString} never shows it. */
  public static final class Secret {
    private final String value;
    private final String from;

    Secret(String value, String from) {
      this.value = value;
      this.from = from;
    }

    public String value() {
      return value;
    }

    @Override
    public String toString() {
      return "(secret from " + from + ")";
    }
  }

  /** A configuration that cannot be used: one sentence naming the entry. */
  public static final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
      super(message);
    }
  }

  private static final Set<String> TOP = Set.of("spool", "http", "correlation", "sources");
  private static final Set<String> SPOOL = Set.of("dir", "max_size", "segment_size", "fsync", "fsync_interval");
  private static final Set<String> HTTP = Set.of("listen", "port");
  private static final Set<String> CORRELATION = Set.of("grace", "idle_timeout", "update_every");
  private static final Set<String> SOURCE = Set.of(
      "name", "type", "host", "port", "username", "secret", "password", "observer_name", "labels", "events",
      "event_format", "keepalive", "keepalive_timeout", "read_idle_timeout", "connect_timeout", "reconnect");
  private static final Set<String> ARI = Set.of(
      "name", "type", "observer_name", "labels", "url", "app", "subscribe_all", "user", "password", "auth", "ca_cert",
      "ping_interval", "pong_timeout", "connect_timeout", "reconnect_min", "reconnect_max", "max_message");
  private static final Set<String> KAZOO = Set.of(
      "name", "type", "observer_name", "labels", "uri", "user", "password", "ca_cert", "exchange", "exchange_durable",
      "queue", "routing_keys", "prefetch", "heartbeat", "connect_timeout", "reconnect_min", "reconnect_max",
      "max_message");
  private static final Set<String> CCS = Set.of(
      "name", "type", "observer_name", "labels", "host", "port", "path", "token", "user", "password", "max_body",
      "threads");
  private static final List<String> TYPES = List.of("ami", "freeswitch", "ari", "kazoo", "ccs");
  private static final Set<String> RECONNECT = Set.of("initial", "max", "after_auth_failure");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** Reads and validates the file; relative spool folders are taken relative to {@code home}. */
  public static StreamConfig load(Path file, Path home) throws IOException {
    if (!Files.isRegularFile(file)) throw new ConfigException(file + ": no such file");
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return parse(text, file.toString(), home, System::getenv);
  }

  static StreamConfig parse(String yaml, String where, Path home, Function<String, String> env) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (IOException e) {
      String m = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
      throw new ConfigException(where + ": not valid YAML: " + m);
    }
    if (root == null || !root.isObject()) throw new ConfigException(where + ": expected a mapping with 'sources:'");
    Node top = new Node(where, root);
    top.only(TOP);

    Node sp = top.child("spool");
    Path dir = sp.has("dir") ? home.resolve(sp.text("dir")) : home.resolve("spool");
    long max = sp.has("max_size") ? sp.size("max_size") : 1L << 30;
    long seg = sp.has("segment_size") ? sp.size("segment_size") : Math.min(64L << 20, Math.max(4096, max / 8));
    Spool.Fsync fsync = sp.has("fsync") ? sp.oneOf("fsync", Spool.Fsync.class) : Spool.Fsync.INTERVAL;
    Duration fsyncEvery = sp.has("fsync_interval") ? sp.duration("fsync_interval") : Duration.ofSeconds(1);
    Spool.Settings spool;
    try {
      spool = new Spool.Settings(dir, max, seg, fsync, fsyncEvery);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(sp.where + ": " + e.getMessage());
    }

    Node h = top.child("http");
    Http http = new Http(h.has("listen") ? h.text("listen") : "127.0.0.1", h.has("port") ? h.port("port", true) : 9464);

    Node c = top.child("correlation");
    Duration grace = c.has("grace") ? c.duration("grace") : Duration.ofSeconds(2);
    Duration idle = c.has("idle_timeout") ? c.duration("idle_timeout") : Duration.ofHours(4);
    if (idle.compareTo(grace) < 0) throw new ConfigException(c.where + ": idle_timeout must be at least grace");
    Duration update = c.has("update_every") ? c.duration("update_every") : Duration.ofSeconds(1);

    if (!top.has("sources")) throw new ConfigException(where + ": 'sources' is missing: list at least one PBX connection");
    JsonNode list = root.get("sources");
    if (!list.isArray() || list.isEmpty()) throw new ConfigException(where + ": 'sources' must be a non-empty list");
    List<Source> sources = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode n = list.get(i);
      String label = n.isObject() && n.get("name") != null && n.get("name").isTextual()
          ? "sources[" + i + "] (" + n.get("name").asText() + ")" : "sources[" + i + "]";
      Node s = new Node(where + ": " + label, n);
      if (!n.isObject()) throw new ConfigException(s.where + ": expected a mapping");
      Source src = source(s, env, http);
      if (!names.add(src.name())) throw new ConfigException(s.where + ": the name " + src.name() + " is used twice");
      if (src.settings() instanceof CcsSource w && w.onServicePort() && !names.add("path " + w.webhook().path())) {
        throw new ConfigException(s.where + ": another ccs source is served on the http port at " + w.webhook().path());
      }
      sources.add(src);
    }
    return new StreamConfig(spool, http, new Correlation(grace, idle, update), List.copyOf(sources));
  }

  private static Source source(Node s, Function<String, String> env, Http http) {
    String name = s.required("name");
    if (!NAME.matcher(name).matches()) {
      throw new ConfigException(s.where + ": name must be letters, digits, '.', '_' or '-' (it names the spool position)");
    }
    String type = s.required("type").toLowerCase(Locale.ROOT);
    if (!TYPES.contains(type)) {
      throw new ConfigException(s.where + ": type must be one of " + String.join(", ", TYPES) + ", got " + type);
    }
    switch (type) {
      case "ari" -> {
        s.only(ARI);
        return ari(s, name, env);
      }
      case "kazoo" -> {
        s.only(KAZOO);
        return kazoo(s, name, env);
      }
      case "ccs" -> {
        s.only(CCS);
        return ccs(s, name, env, http);
      }
      default -> s.only(SOURCE);
    }
    boolean ami = type.equals("ami");
    String host = s.required("host");
    int port = s.has("port") ? s.port("port", false) : ami ? 5038 : 8021;
    String user = null;
    if (ami) {
      user = s.required("username");
      if (s.has("password")) throw new ConfigException(s.where + ": AMI takes 'secret' (manager.conf), not 'password'");
    } else if (s.has("username")) {
      throw new ConfigException(s.where + ": the FreeSWITCH event socket has no user name; give only 'password'");
    }
    String secretKey = ami ? "secret" : "password";
    if (!ami && s.has("secret")) throw new ConfigException(s.where + ": FreeSWITCH takes 'password' (event_socket.conf.xml)");
    Secret secret = secret(s, secretKey, env);
    String observer = s.has("observer_name") ? s.text("observer_name") : name;
    Map<String, String> labels = labels(s);
    String events;
    if (s.has("events")) {
      JsonNode e = s.node.get("events");
      if (e.isArray()) {
        List<String> parts = new ArrayList<>();
        e.forEach(x -> parts.add(x.asText().trim()));
        events = String.join(ami ? "," : " ", parts);
      } else if (e.isBoolean()) {
        // YAML reads a bare on/yes as true
        events = e.asBoolean() ? (ami ? "on" : "ALL") : "off";
      } else {
        events = e.asText().trim();
      }
      if (events.isEmpty() || events.equals("off")) throw new ConfigException(s.where + ": events must name what to receive");
    } else {
      events = ami ? "on" : "ALL";
    }
    String fmt = null;
    if (!ami) {
      fmt = s.has("event_format") ? s.text("event_format").toLowerCase(Locale.ROOT) : "json";
      if (!fmt.equals("json") && !fmt.equals("plain")) {
        throw new ConfigException(s.where + ": event_format must be json or plain, got " + fmt);
      }
    } else if (s.has("event_format")) {
      throw new ConfigException(s.where + ": event_format is a FreeSWITCH option");
    }
    Duration keepalive = s.has("keepalive") ? s.duration("keepalive") : Duration.ofSeconds(20);
    Duration keepaliveTimeout = s.has("keepalive_timeout") ? s.duration("keepalive_timeout") : Duration.ofSeconds(10);
    Duration idle = s.has("read_idle_timeout") ? s.duration("read_idle_timeout") : keepalive.plus(keepaliveTimeout).multipliedBy(2);
    if (idle.compareTo(keepalive) <= 0) {
      throw new ConfigException(s.where + ": read_idle_timeout must be longer than keepalive, or a quiet PBX is dropped");
    }
    Duration connect = s.has("connect_timeout") ? s.duration("connect_timeout") : Duration.ofSeconds(10);
    Node r = s.child("reconnect");
    r.only(RECONNECT);
    Reconnect reconnect = new Reconnect(
        r.has("initial") ? r.duration("initial") : Duration.ofSeconds(1),
        r.has("max") ? r.duration("max") : Duration.ofSeconds(60),
        r.has("after_auth_failure") ? r.duration("after_auth_failure") : Duration.ofMinutes(5));
    if (reconnect.max().compareTo(reconnect.initial()) < 0) throw new ConfigException(r.where + ": max must be at least initial");
    return new Source(name, type, host, port, user, secret, observer, labels, events, fmt, keepalive,
        keepaliveTimeout, idle, connect, reconnect, null);
  }

  private static Map<String, String> labels(Node s) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (s.has("labels")) {
      JsonNode l = s.node.get("labels");
      if (!l.isObject()) throw new ConfigException(s.where + ": labels must be a mapping of key: value");
      for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isValueNode()) throw new ConfigException(s.where + ": label " + e.getKey() + " must be a plain value");
        labels.put(e.getKey(), e.getValue().asText());
      }
    }
    return Map.copyOf(labels);
  }

  /** An Asterisk ARI event websocket (event-sources §2.1); the keys are the fields of {@link AriSettings}. */
  private static Source ari(Node s, String name, Function<String, String> env) {
    URI url = s.uri("url", true);
    String app = s.has("app") ? s.text("app") : "callarchive-" + name;
    boolean all = !s.has("subscribe_all") || s.bool("subscribe_all");
    String user = s.required("user");
    Secret password = secret(s, "password", env);
    AriSettings.Auth auth;
    try {
      auth = s.has("auth") ? AriSettings.Auth.parse(s.text("auth")) : AriSettings.Auth.BASIC;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(s.where + ": auth must be basic or api_key, got " + s.text("auth"));
    }
    Path ca = s.caCert();
    Duration ping = s.has("ping_interval") ? s.duration("ping_interval") : Duration.ofSeconds(20);
    Duration pong = s.has("pong_timeout") ? s.duration("pong_timeout") : Duration.ofSeconds(10);
    Duration connect = s.has("connect_timeout") ? s.duration("connect_timeout") : Duration.ofSeconds(10);
    Duration min = s.has("reconnect_min") ? s.duration("reconnect_min") : Duration.ofSeconds(1);
    Duration max = s.has("reconnect_max") ? s.duration("reconnect_max") : Duration.ofSeconds(60);
    int maxMessage = s.has("max_message") ? s.intSize("max_message") : AriSettings.DEFAULT_MAX_MESSAGE;
    AriSettings a = s.build(() -> new AriSettings(name, url, app, all, user, password.value(), auth, ca, ping, pong,
        connect, min, max, maxMessage));
    Reconnect reconnect = new Reconnect(min, max, max);
    return new Source(name, "ari", url.getHost(), url.getPort(), user, password, observer(s, name), labels(s), null,
        null, ping, pong, null, connect, reconnect, a);
  }

  /** Kazoo call events from RabbitMQ (event-sources §4.1); the keys are the fields of {@link KazooSettings}. */
  private static Source kazoo(Node s, String name, Function<String, String> env) {
    URI uri = s.uri("uri", false);
    String user = s.has("user") ? s.text("user") : null;
    Secret password = s.has("password") ? secret(s, "password", env) : null;
    Path ca = s.caCert();
    String exchange = s.has("exchange") ? s.text("exchange") : "callevt";
    boolean durable = s.has("exchange_durable") && s.bool("exchange_durable");
    String queue = s.has("queue") ? s.text("queue") : "callarchive." + name;
    List<String> keys = s.has("routing_keys") ? s.list("routing_keys") : List.of("call.*.*");
    int prefetch = s.has("prefetch") ? s.integer("prefetch") : 300;
    Duration heartbeat = s.has("heartbeat") ? s.duration("heartbeat") : Duration.ofSeconds(30);
    Duration connect = s.has("connect_timeout") ? s.duration("connect_timeout") : Duration.ofSeconds(10);
    Duration min = s.has("reconnect_min") ? s.duration("reconnect_min") : Duration.ofSeconds(1);
    Duration max = s.has("reconnect_max") ? s.duration("reconnect_max") : Duration.ofSeconds(60);
    int maxMessage = s.has("max_message") ? s.intSize("max_message") : KazooSettings.DEFAULT_MAX_MESSAGE;
    KazooSettings k = s.build(() -> new KazooSettings(name, uri, user, password == null ? null : password.value(), ca,
        exchange, durable, queue, keys, prefetch, heartbeat, connect, min, max, maxMessage));
    return new Source(name, "kazoo", uri.getHost(), uri.getPort(), user, password, observer(s, name), labels(s), null,
        null, heartbeat, heartbeat, null, connect, new Reconnect(min, max, max), k);
  }

  /** The ccs webhook (event-sources §5.2); the keys are the fields of {@link CcsWebhookSettings}. */
  private static Source ccs(Node s, String name, Function<String, String> env, Http http) {
    boolean own = s.has("port");
    if (!own && s.has("host")) {
      throw new ConfigException(s.where + ": host goes with port; without port the webhook is served on the http port");
    }
    String host = own ? (s.has("host") ? s.text("host") : "127.0.0.1") : http.host();
    int port = own ? s.port("port", true) : http.port();
    String path = s.has("path") ? s.text("path") : "/ccs/events";
    if (!own && (path.equals("/health") || path.equals("/metrics"))) {
      throw new ConfigException(s.where + ": path " + path + " is taken by the service itself");
    }
    Secret token = s.has("token") ? secret(s, "token", env) : null;
    String user = s.has("user") ? s.text("user") : null;
    Secret password = s.has("password") ? secret(s, "password", env) : null;
    if (token == null && user == null) {
      throw new ConfigException(s.where + ": set token, or user and password: anonymous posts are refused");
    }
    if ((user == null) != (password == null)) throw new ConfigException(s.where + ": user and password go together");
    int maxBody = s.has("max_body") ? s.intSize("max_body") : CcsWebhookSettings.DEFAULT_MAX_BODY;
    int threads = s.has("threads") ? s.integer("threads") : 4;
    CcsWebhookSettings w = s.build(() -> new CcsWebhookSettings(name, host, port, path,
        token == null ? null : token.value(), user, password == null ? null : password.value(), maxBody, threads));
    return new Source(name, "ccs", host, own ? port : 0, user, token != null ? token : password, observer(s, name),
        labels(s), null, null, null, null, null, null, null, new CcsSource(w, !own));
  }

  private static String observer(Node s, String name) {
    return s.has("observer_name") ? s.text("observer_name") : name;
  }

  private static final Pattern REF = Pattern.compile("^\\$\\{(env|file):([^}]+)}$");

  private static Secret secret(Node s, String key, Function<String, String> env) {
    String raw = s.required(key);
    Matcher m = REF.matcher(raw.trim());
    if (!m.matches()) return new Secret(raw, "the configuration file");
    String ref = m.group(2).trim();
    if (m.group(1).equals("env")) {
      String v = env.apply(ref);
      if (v == null || v.isEmpty()) throw new ConfigException(s.where + ": " + key + " comes from the environment variable " + ref + ", which is not set");
      return new Secret(v, "environment variable " + ref);
    }
    Path f = Path.of(ref);
    try {
      String v = Files.readString(f, StandardCharsets.UTF_8).strip();
      if (v.isEmpty()) throw new ConfigException(s.where + ": " + key + " file " + ref + " is empty");
      return new Secret(v, "file " + ref);
    } catch (IOException e) {
      throw new ConfigException(s.where + ": " + key + " file " + ref + " cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** A mapping of the tree with the name of the entry it is, for messages. */
  private static final class Node {
    final String where;
    final JsonNode node;

    Node(String where, JsonNode node) {
      this.where = where;
      this.node = node;
    }

    void only(Set<String> keys) {
      if (node == null) return;
      if (!node.isObject()) throw new ConfigException(where + ": expected a mapping");
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!keys.contains(k)) {
          throw new ConfigException(where + ": unknown key '" + k + "' (known: " + String.join(", ", new java.util.TreeSet<>(keys)) + ")");
        }
      }
    }

    Node child(String key) {
      JsonNode c = node == null ? null : node.get(key);
      Node n = new Node(where + (where.contains(": ") ? "." : ": ") + key, c == null || c.isNull() ? null : c);
      if (n.node != null && !n.node.isObject()) throw new ConfigException(n.where + ": expected a mapping");
      return n;
    }

    boolean has(String key) {
      return node != null && node.get(key) != null && !node.get(key).isNull();
    }

    String text(String key) {
      JsonNode v = node.get(key);
      if (!v.isValueNode()) throw new ConfigException(where + ": " + key + " must be a plain value");
      String t = v.asText().trim();
      if (t.isEmpty()) throw new ConfigException(where + ": " + key + " is empty");
      return t;
    }

    String required(String key) {
      if (!has(key)) throw new ConfigException(where + ": '" + key + "' is missing");
      return text(key);
    }

    /** Builds a connector's settings; their own check's message, without its "X source 'name': " prefix. */
    <T> T build(java.util.function.Supplier<T> make) {
      try {
        return make.get();
      } catch (IllegalArgumentException e) {
        String m = String.valueOf(e.getMessage()).replaceFirst("^[A-Za-z ]+ source '[^']*': ", "");
        throw new ConfigException(where + ": " + m);
      }
    }

    boolean bool(String key) {
      JsonNode v = node.get(key);
      if (v.isBoolean()) return v.asBoolean();
      String t = text(key).toLowerCase(Locale.ROOT);
      if (t.equals("true") || t.equals("yes")) return true;
      if (t.equals("false") || t.equals("no")) return false;
      throw new ConfigException(where + ": " + key + " must be true or false, got " + t);
    }

    int integer(String key) {
      String t = text(key);
      try {
        return Integer.parseInt(t);
      } catch (NumberFormatException e) {
        throw new ConfigException(where + ": " + key + " must be a whole number, got " + t);
      }
    }

    int intSize(String key) {
      long n = size(key);
      if (n > Integer.MAX_VALUE) throw new ConfigException(where + ": " + key + " must be at most 2GiB");
      return (int) n;
    }

    List<String> list(String key) {
      JsonNode v = node.get(key);
      List<String> out = new ArrayList<>();
      if (v.isArray()) {
        for (JsonNode x : v) {
          if (!x.isValueNode() || x.asText().isBlank()) throw new ConfigException(where + ": " + key + " must be a list of names");
          out.add(x.asText().trim());
        }
      } else {
        for (String x : text(key).split(",")) if (!x.isBlank()) out.add(x.trim());
      }
      if (out.isEmpty()) throw new ConfigException(where + ": " + key + " must not be empty");
      return out;
    }

    URI uri(String key, boolean ws) {
      String t = required(key);
      try {
        return new URI(t);
      } catch (URISyntaxException e) {
        throw new ConfigException(where + ": " + key + " is not a URI (" + e.getReason() + "), e.g. "
            + (ws ? "wss://pbx1.example.net:8089" : "amqp://mq1.example.net:5672/"));
      }
    }

    /** A PEM CA certificate file, checked now rather than at the first TLS handshake. */
    Path caCert() {
      if (!has("ca_cert")) return null;
      Path p = Path.of(text("ca_cert"));
      if (!Files.isReadable(p)) throw new ConfigException(where + ": ca_cert " + p + " cannot be read");
      return p;
    }

    int port(String key, boolean zeroOk) {
      String t = text(key);
      try {
        int p = Integer.parseInt(t);
        if (p < (zeroOk ? 0 : 1) || p > 65535) throw new NumberFormatException();
        return p;
      } catch (NumberFormatException e) {
        throw new ConfigException(where + ": " + key + " must be a TCP port (1-65535), got " + t);
      }
    }

    <E extends Enum<E>> E oneOf(String key, Class<E> type) {
      String t = text(key);
      try {
        return Enum.valueOf(type, t.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(where + ": " + key + " must be one of "
            + java.util.Arrays.stream(type.getEnumConstants()).map(x -> x.name().toLowerCase(Locale.ROOT)).toList() + ", got " + t);
      }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    Duration duration(String key) {
      String t = text(key);
      Matcher m = DURATION.matcher(t.toLowerCase(Locale.ROOT));
      if (!m.matches()) throw new ConfigException(where + ": " + key + " must be a duration such as 500ms, 20s, 5m or 1h, got " + t);
      long n = Long.parseLong(m.group(1));
      Duration d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
      if (d.isZero()) throw new ConfigException(where + ": " + key + " must be more than zero");
      return d;
    }

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kib|mib|gib|kb|mb|gb|k|m|g)?");

    long size(String key) {
      String t = text(key);
      Matcher m = SIZE.matcher(t.toLowerCase(Locale.ROOT));
      if (!m.matches()) throw new ConfigException(where + ": " + key + " must be a size such as 512MiB or 2GiB, got " + t);
      long n = Long.parseLong(m.group(1));
      String u = m.group(2) == null ? "b" : m.group(2);
      return switch (u) {
        case "kib", "k" -> n << 10;
        case "kb" -> n * 1000;
        case "mib", "m" -> n << 20;
        case "mb" -> n * 1000_000;
        case "gib", "g" -> n << 30;
        case "gb" -> n * 1000_000_000;
        default -> n;
      };
    }
  }
}
