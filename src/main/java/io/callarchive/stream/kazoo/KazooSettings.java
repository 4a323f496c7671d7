package io.callarchive.stream.kazoo;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One Kazoo AMQP consumer (event-sources §4.1), validated at construction (house style rule 8).
 *
 * @param name the source name (the {@code connection} of every sink call, stored as {@code observer.name})
 * @param uri the broker, as in Kazoo's own {@code [amqp] uri}: {@code amqp://host:5672/vhost} or
 *     {@code amqps://host:5671/vhost} (vhost {@code /} when the path is empty)
 * @param user the AMQP user, or null for the one in the uri (else {@code guest})
 * @param password its password (never logged), or null for the one in the uri
 * @param caCert a PEM CA certificate trusted for {@code amqps://}, or null for the JDK's trust store
 * @param exchange the exchange Kazoo publishes call events to ({@code callevt})
 * @param exchangeDurable whether that exchange is durable: it is declared with Kazoo's own parameters (a topic
 *     exchange, not durable in Kazoo's default declaration), since a declaration that differs would be refused
 * @param queue the durable queue callarchive reads; several callarchive instances naming the same queue share
 *     its messages as competing consumers
 * @param routingKeys the bindings, {@code call.*.*} for every call event (§4.1: the encoded call-id is one word)
 * @param prefetch how many unacknowledged messages the broker may send ahead (§4.1: a few hundred)
 * @param heartbeat the AMQP heartbeat: a silent broker is taken for dead after about twice this
 * @param connectTimeout how long the TCP connect and AMQP handshake may take
 * @param reconnectMin the first reconnect delay (doubling, with jitter)
 * @param reconnectMax the largest reconnect delay, also the retry delay after refused credentials
 * @param maxMessage the largest body kept whole after decompression, in bytes; a longer one is handed over cut
 *     at this size (and dead-lettered downstream as malformed JSON, its start kept)
 */
public record KazooSettings(
    String name,
    URI uri,
    String user,
    String password,
    Path caCert,
    String exchange,
    boolean exchangeDurable,
    String queue,
    List<String> routingKeys,
    int prefetch,
    Duration heartbeat,
    Duration connectTimeout,
    Duration reconnectMin,
    Duration reconnectMax,
    int maxMessage) {

  public static final int DEFAULT_MAX_MESSAGE = 8 << 20;

  public KazooSettings {
    require(name != null && !name.isBlank(), "a Kazoo source needs a name");
    String where = "Kazoo source '" + name + "': ";
    require(uri != null, where + "uri is required (amqp://host:5672)");
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    require(scheme.equals("amqp") || scheme.equals("amqps"),
        where + "uri must start with amqp:// or amqps://, not " + redact(uri));
    require(uri.getHost() != null, where + "uri has no host: " + redact(uri));
    require(exchange != null && !exchange.isBlank(), where + "exchange must not be empty (Kazoo's is callevt)");
    require(queue != null && !queue.isBlank() && queue.length() <= 255 && !queue.startsWith("amq."),
        where + "queue must be a name of 1-255 characters not starting with 'amq.' (reserved by the broker)");
    require(routingKeys != null && !routingKeys.isEmpty(), where + "at least one routing key is needed (call.*.*)");
    for (String k : routingKeys) {
      require(k != null && !k.isBlank() && k.length() <= 255, where + "routing keys must be 1-255 characters");
    }
    routingKeys = List.copyOf(routingKeys);
    require(prefetch >= 1 && prefetch <= 65535, where + "prefetch must be 1 to 65535");
    require(heartbeat != null && heartbeat.toSeconds() >= 1 && heartbeat.toSeconds() <= 65535,
        where + "heartbeat must be 1 s to 65535 s");
    require(positive(connectTimeout), where + "connect timeout must be positive");
    require(positive(reconnectMin), where + "reconnect min must be positive");
    require(reconnectMax != null && reconnectMax.compareTo(reconnectMin) >= 0,
        where + "reconnect max must be at least reconnect min");
    require(maxMessage >= 1024, where + "max message must be at least 1024 bytes");
  }

  /** The usual settings: exchange {@code callevt} (not durable), {@code call.*.*}, prefetch 300, heartbeat 30 s. */
  public static KazooSettings of(String name, URI uri, String queue) {
    return new KazooSettings(
        name, uri, null, null, null, "callevt", false, queue, List.of("call.*.*"), 300, Duration.ofSeconds(30),
        Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(60), DEFAULT_MAX_MESSAGE);
  }

  /** The broker as shown in logs: without any password the uri may hold. */
  String display() {
    return redact(uri);
  }

  static String redact(URI u) {
    if (u == null) return "null";
    if (u.getRawUserInfo() == null) return u.toString();
    String user = u.getRawUserInfo();
    int colon = user.indexOf(':');
    String shown = colon < 0 ? user : user.substring(0, colon) + ":***";
    return u.toString().replace(u.getRawUserInfo() + "@", shown + "@");
  }

  private static boolean positive(Duration d) {
    return d != null && !d.isNegative() && !d.isZero();
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }

  @Override
  public String toString() {
    return "KazooSettings[name=" + name + ", uri=" + redact(uri) + ", user=" + user + ", exchange=" + exchange
        + ", queue=" + queue + ", routingKeys=" + routingKeys + ", prefetch=" + prefetch + "]";
  }
}
