package io.callarchive.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.callarchive.model.IndexType;
import java.io.IOException;
import java.io.InputStream;
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

/**
 * The rules file ({@code ingest/alerts.yml}): rules and notifiers, read and validated at start. Every mistake is
 * one {@link InvalidException} naming the file, the rule or notifier, and the setting. Secrets (the webhook's
 * HMAC key, the SMTP password) are read here from the environment or a file and never appear in messages or
 * {@code toString}. Immutable once loaded.
 */
public record AlertConfig(String source, List<Rule> rules, List<Webhook> webhooks, List<Email> emails) {

  /** The rules file built into the jar: the default pack, the same text as {@code ingest/alerts.yml}. */
  public static final String BUILT_IN = "/alerts/alerts.yml";

  /** A rules file that cannot be used, with one sentence saying where and why. */
  public static final class InvalidException extends RuntimeException {
    public InvalidException(String message) {
      super(message);
    }
  }

  /** A webhook notifier; {@code secret} is the HMAC-SHA256 key (null: no signature). */
  public record Webhook(
      String name, String url, Shape shape, Map<String, String> headers, String signatureHeader, Secret secret,
      Duration timeout, int retries, Duration backoff, int queue) {
    public enum Shape { GENERIC, SLACK }
  }

  /**
   * An e-mail notifier over SMTP; {@code caCert} (null: the JDK's trust store) holds the PEM certificates that
   * sign the server's, for a relay with a private authority.
   */
  public record Email(
      String name, String host, int port, Tls tls, String user, Secret password, String from, List<String> to,
      Path caCert, Duration timeout, int retries, Duration backoff, int queue) {
    public enum Tls { STARTTLS, TLS, NONE }
  }

  /** A secret value; its {@code toString} hides it so that it never reaches a log line. */
  public record Secret(String value, String from) {
    @Override
    public String toString() {
      return "(secret from " + from + ")";
    }
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  public static AlertConfig load(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), System::getenv);
  }

  public static AlertConfig builtIn() throws IOException {
    try (InputStream in = AlertConfig.class.getResourceAsStream(BUILT_IN)) {
      if (in == null) throw new IOException("the built-in rules " + BUILT_IN + " are missing from the jar");
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in alerts.yml", System::getenv);
    }
  }

  /** Parses and validates the text; {@code env} looks up environment variables (tests pass their own). */
  public static AlertConfig parse(String text, String source, Function<String, String> env) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (IOException e) {
      throw new InvalidException(source + ": not valid YAML: " + e.getMessage());
    }
    if (root == null || root.isMissingNode() || root.isNull()) root = YAML.createObjectNode();
    if (!root.isObject()) throw new InvalidException(source + ": expected 'rules:' and 'notifiers:' at the top");
    Reader top = new Reader(source, root, Set.of("rules", "notifiers"));
    List<Webhook> webhooks = new ArrayList<>();
    List<Email> emails = new ArrayList<>();
    Set<String> notifierNames = new HashSet<>();
    JsonNode notifiers = root.path("notifiers");
    if (!notifiers.isMissingNode() && !notifiers.isNull()) {
      new Reader(source + ": notifiers", notifiers, Set.of("webhook", "email"));
      for (JsonNode n : top.list(notifiers.path("webhook"), "notifiers.webhook")) {
        Webhook w = webhook(source, n, env);
        if (!notifierNames.add(w.name())) throw new InvalidException(source + ": two notifiers are called '" + w.name() + "'");
        webhooks.add(w);
      }
      for (JsonNode n : top.list(notifiers.path("email"), "notifiers.email")) {
        Email m = email(source, n, env);
        if (!notifierNames.add(m.name())) throw new InvalidException(source + ": two notifiers are called '" + m.name() + "'");
        emails.add(m);
      }
    }
    List<Rule> rules = new ArrayList<>();
    Set<String> ruleNames = new HashSet<>();
    for (JsonNode n : top.list(root.path("rules"), "rules")) {
      Rule r = rule(source, n);
      if (r == null) continue;
      if (!ruleNames.add(r.name())) throw new InvalidException(source + ": two rules are called '" + r.name() + "'");
      for (String target : r.targets()) {
        if (!notifierNames.contains(target)) {
          throw new InvalidException(source + ": rule '" + r.name() + "': notify names '" + target
              + "', which is not a notifier of this file (" + String.join(", ", notifierNames) + ")");
        }
      }
      rules.add(r);
    }
    return new AlertConfig(source, List.copyOf(rules), List.copyOf(webhooks), List.copyOf(emails));
  }

  private static final Set<String> RULE_KEYS = Set.of(
      "name", "kind", "index", "where", "key", "window", "threshold", "field", "stat", "op", "min_count",
      "numerator", "realert", "notify", "description", "enabled");

  /** One rule, or null when it says {@code enabled: false}. */
  private static Rule rule(String source, JsonNode n) {
    String name = n.path("name").asText(null);
    if (name == null || name.isBlank()) throw new InvalidException(source + ": a rule has no name");
    Reader r = new Reader(source + ": rule '" + name + "'", n, RULE_KEYS);
    if (!n.path("enabled").asBoolean(true)) return null;
    Rule.Kind kind = r.enumValue("kind", Rule.Kind.class, null);
    IndexType index = r.enumValue("index", IndexType.class, null);
    List<Condition> where = r.conditions("where");
    List<String> key = r.strings("key");
    if (key.isEmpty()) r.fail("key", "needs at least one field (what the alert fires for)");
    Duration window = r.duration("window", null);
    Duration realert = r.duration("realert", Duration.ofHours(1));
    String field = n.path("field").asText(null);
    Rule.Stat stat = r.enumValue("stat", Rule.Stat.class, Rule.Stat.AVG);
    double threshold = kind == Rule.Kind.FLATLINE ? window.toMillis() / 1000.0 : r.number("threshold");
    Rule.Op op = switch (kind) {
      case RATIO -> Rule.Op.LT;
      default -> Rule.Op.GE;
    };
    if (n.has("op")) {
      try {
        op = Rule.Op.of(n.get("op").asText());
      } catch (IllegalArgumentException e) {
        r.fail("op", e.getMessage());
      }
    }
    int minCount = n.path("min_count").asInt(1);
    if (minCount < 1) r.fail("min_count", "must be at least 1");
    List<Condition> numerator = r.conditions("numerator");
    switch (kind) {
      case THRESHOLD, CARDINALITY -> {
        if (field == null) r.fail("field", "is required for a " + kind.name().toLowerCase(Locale.ROOT) + " rule");
      }
      case RATIO -> {
        if (numerator.isEmpty()) r.fail("numerator", "is required for a ratio rule (which documents count as good)");
      }
      default -> {}
    }
    List<String> notify = r.strings("notify");
    String description = n.path("description").asText(null);
    return new Rule(name, kind, index, where, key, window, threshold, field, stat, op, minCount, numerator, realert,
        notify, description);
  }

  private static final Set<String> WEBHOOK_KEYS = Set.of(
      "name", "url", "url_env", "url_file", "shape", "headers", "signature_header", "secret_env", "secret_file", "timeout", "retries",
      "backoff", "queue");

  private static Webhook webhook(String source, JsonNode n, Function<String, String> env) {
    String name = n.path("name").asText(null);
    if (name == null || name.isBlank()) throw new InvalidException(source + ": a webhook notifier has no name");
    Reader r = new Reader(source + ": notifier '" + name + "'", n, WEBHOOK_KEYS);
    // A chat system's incoming-webhook URL is itself a credential: it may come from the environment or a file.
    Secret urlSecret = r.secret("url", env, false);
    if (urlSecret != null && n.has("url")) r.fail("url", "and url_env/url_file are exclusive: give one");
    String url = urlSecret != null ? urlSecret.value() : r.required("url");
    if (!url.startsWith("http://") && !url.startsWith("https://")) r.fail("url", "must be an http:// or https:// URL");
    Map<String, String> headers = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = n.path("headers").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> h = it.next();
      headers.put(h.getKey(), h.getValue().asText());
    }
    return new Webhook(name, url, r.enumValue("shape", Webhook.Shape.class, Webhook.Shape.GENERIC), headers,
        n.path("signature_header").asText("X-Callarchive-Signature"), r.secret("secret", env, false),
        r.duration("timeout", Duration.ofSeconds(5)), r.count("retries", 3), r.duration("backoff", Duration.ofSeconds(1)),
        r.count("queue", 1000));
  }

  private static final Set<String> EMAIL_KEYS = Set.of(
      "name", "host", "port", "tls", "user", "password_env", "password_file", "from", "to", "ca_cert", "timeout",
      "retries", "backoff", "queue");

  private static Email email(String source, JsonNode n, Function<String, String> env) {
    String name = n.path("name").asText(null);
    if (name == null || name.isBlank()) throw new InvalidException(source + ": an email notifier has no name");
    Reader r = new Reader(source + ": notifier '" + name + "'", n, EMAIL_KEYS);
    Email.Tls tls = r.enumValue("tls", Email.Tls.class, Email.Tls.STARTTLS);
    int port = n.path("port").asInt(tls == Email.Tls.TLS ? 465 : 587);
    String user = n.path("user").asText(null);
    Secret password = r.secret("password", env, false);
    if (user != null && password == null) r.fail("password_env", "or password_file is required with user");
    List<String> to = r.strings("to");
    if (to.isEmpty()) r.fail("to", "needs at least one address");
    Path caCert = n.hasNonNull("ca_cert") ? Path.of(n.get("ca_cert").asText()) : null;
    if (caCert != null && !Files.isReadable(caCert)) r.fail("ca_cert", "names " + caCert + ", which cannot be read");
    return new Email(name, r.required("host"), port, tls, user, password, r.required("from"), to, caCert,
        r.duration("timeout", Duration.ofSeconds(10)), r.count("retries", 2), r.duration("backoff", Duration.ofSeconds(5)),
        r.count("queue", 200));
  }

  /** Reads the settings of one object, failing with its context on anything unexpected. */
  private static final class Reader {
    final String where;
    final JsonNode node;

    Reader(String where, JsonNode node, Set<String> allowed) {
      this.where = where;
      this.node = node;
      if (!node.isObject()) throw new InvalidException(where + ": expected a mapping of settings");
      Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String k = names.next();
        if (!allowed.contains(k)) {
          throw new InvalidException(where + ": unknown setting '" + k + "' (known: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
        }
      }
    }

    void fail(String key, String why) {
      throw new InvalidException(where + ": " + key + " " + why);
    }

    List<JsonNode> list(JsonNode n, String name) {
      List<JsonNode> out = new ArrayList<>();
      if (n.isMissingNode() || n.isNull()) return out;
      if (!n.isArray()) throw new InvalidException(where + ": " + name + " must be a list");
      n.forEach(out::add);
      return out;
    }

    String required(String key) {
      String v = node.path(key).asText(null);
      if (v == null || v.isBlank()) fail(key, "is required");
      return v;
    }

    <E extends Enum<E>> E enumValue(String key, Class<E> type, E dflt) {
      String v = node.path(key).asText(null);
      if (v == null) {
        if (dflt == null) fail(key, "is required (" + choices(type) + ")");
        return dflt;
      }
      for (E e : type.getEnumConstants()) if (e.name().equalsIgnoreCase(v)) return e;
      fail(key, "must be one of " + choices(type) + ", got '" + v + "'");
      return null;
    }

    private static <E extends Enum<E>> String choices(Class<E> type) {
      List<String> c = new ArrayList<>();
      for (E e : type.getEnumConstants()) c.add(e.name().toLowerCase(Locale.ROOT));
      return String.join(", ", c);
    }

    Duration duration(String key, Duration dflt) {
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) {
        if (dflt == null) fail(key, "is required (a duration like 30s, 10m, 1h)");
        return dflt;
      }
      try {
        Duration d = Durations.parse(v.asText());
        if (d.isZero()) fail(key, "must be longer than zero");
        return d;
      } catch (IllegalArgumentException e) {
        fail(key, e.getMessage());
        return null;
      }
    }

    double number(String key) {
      JsonNode v = node.get(key);
      if (v == null || !v.isNumber()) fail(key, "is required and must be a number");
      return v.asDouble();
    }

    int count(String key, int dflt) {
      JsonNode v = node.get(key);
      if (v == null) return dflt;
      if (!v.canConvertToInt() || v.asInt() < 0) fail(key, "must be a whole number, 0 or more");
      return v.asInt();
    }

    List<String> strings(String key) {
      JsonNode v = node.get(key);
      List<String> out = new ArrayList<>();
      if (v == null || v.isNull()) return out;
      if (v.isArray()) v.forEach(x -> out.add(x.asText()));
      else out.add(v.asText());
      return out;
    }

    /** {@code field: value}, {@code field: [values]}, {@code field: {gte: 5}} or {@code field: {exists: true}}. */
    List<Condition> conditions(String key) {
      JsonNode v = node.get(key);
      List<Condition> out = new ArrayList<>();
      if (v == null || v.isNull()) return out;
      if (!v.isObject()) fail(key, "must map field names to values");
      Iterator<Map.Entry<String, JsonNode>> it = v.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> c = it.next();
        String field = c.getKey();
        JsonNode want = c.getValue();
        if (want.isObject()) {
          if (want.has("exists")) {
            out.add(new Condition.Exists(field, want.get("exists").asBoolean()));
            continue;
          }
          Iterator<String> ops = want.fieldNames();
          while (ops.hasNext()) {
            String o = ops.next();
            if (!Set.of("gt", "gte", "lt", "lte").contains(o)) fail(key + "." + field, "knows gt, gte, lt, lte and exists, not '" + o + "'");
            if (!want.get(o).isNumber()) fail(key + "." + field + "." + o, "must be a number");
          }
          out.add(new Condition.Range(field, num(want, "gt"), num(want, "gte"), num(want, "lt"), num(want, "lte")));
        } else if (want.isArray()) {
          List<Object> values = new ArrayList<>();
          want.forEach(x -> values.add(scalar(x)));
          if (values.isEmpty()) fail(key + "." + field, "needs at least one value");
          out.add(new Condition.OneOf(field, values));
        } else {
          out.add(new Condition.OneOf(field, List.of(scalar(want))));
        }
      }
      return out;
    }

    private static Double num(JsonNode n, String k) {
      return n.has(k) ? n.get(k).asDouble() : null;
    }

    private static Object scalar(JsonNode x) {
      if (x.isBoolean()) return x.asBoolean();
      if (x.isIntegralNumber()) return x.asLong();
      if (x.isNumber()) return x.asDouble();
      return x.asText();
    }

    /** {@code <name>_env} names an environment variable, {@code <name>_file} a file; the value is trimmed. */
    Secret secret(String name, Function<String, String> env, boolean required) {
      String var = node.path(name + "_env").asText(null);
      String file = node.path(name + "_file").asText(null);
      if (var != null && file != null) fail(name + "_env", "and " + name + "_file are exclusive: give one");
      if (var != null) {
        String v = env.apply(var);
        if (v == null || v.isBlank()) fail(name + "_env", "names the environment variable " + var + ", which is not set");
        return new Secret(v.strip(), "environment variable " + var);
      }
      if (file != null) {
        try {
          String v = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
          if (v.isEmpty()) fail(name + "_file", "names " + file + ", which is empty");
          return new Secret(v, "file " + file);
        } catch (IOException e) {
          fail(name + "_file", "names " + file + ", which cannot be read (" + e.getClass().getSimpleName() + ")");
        }
      }
      if (required) fail(name + "_env", "or " + name + "_file is required");
      return null;
    }
  }
}
