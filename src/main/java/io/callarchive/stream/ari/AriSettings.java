package io.callarchive.stream.ari;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * One Asterisk ARI event websocket (event-sources §2.1), validated at construction (house style rule 8).
 *
 * @param name the source name (the {@code connection} of every sink call, stored as {@code observer.name})
 * @param url the Asterisk HTTP server, {@code ws://host:8088} or {@code wss://host:8089}, with the
 *     {@code http.conf} {@code prefix} as its path if one is set; {@code /ari/events} is appended
 * @param app the Stasis application name(s), comma-separated; unique per collector instance, since a second
 *     client with the same name takes the application over (§2.7 item 8)
 * @param subscribeAll receive the events of every channel, bridge and endpoint, not only of the application's own
 *     (§2.1; an archiver that does not control calls needs it)
 * @param user the {@code ari.conf} user
 * @param password its password (never logged)
 * @param auth how the credentials travel: HTTP Basic on the upgrade request, or the {@code api_key} query
 *     parameter (§2.1)
 * @param caCert a PEM CA certificate trusted for {@code wss://}, or null for the JDK's trust store
 * @param pingInterval how often a websocket ping is sent (§2.1: every 20-30 s)
 * @param pongTimeout how long a pong may take before the link is taken for dead and reconnected
 * @param connectTimeout how long the TCP connect and upgrade may take
 * @param reconnectMin the first reconnect delay (doubling, with jitter)
 * @param reconnectMax the largest reconnect delay, also the retry delay after refused credentials
 * @param maxMessage the largest message kept whole, in bytes; a longer one is handed over cut at this size (and
 *     dead-lettered downstream as malformed JSON, its start kept)
 */
public record AriSettings(
    String name,
    URI url,
    String app,
    boolean subscribeAll,
    String user,
    String password,
    Auth auth,
    Path caCert,
    Duration pingInterval,
    Duration pongTimeout,
    Duration connectTimeout,
    Duration reconnectMin,
    Duration reconnectMax,
    int maxMessage) {

  /** How the ARI credentials are sent (§2.1). */
  public enum Auth {
    BASIC,
    API_KEY;

    /** {@code basic} or {@code api_key}, as in the config file. */
    public static Auth parse(String s) {
      return switch (s == null ? "" : s.strip().toLowerCase(Locale.ROOT)) {
        case "basic" -> BASIC;
        case "api_key", "api-key", "apikey" -> API_KEY;
        default -> throw new IllegalArgumentException("ARI auth must be 'basic' or 'api_key', not '" + s + "'");
      };
    }
  }

  public static final int DEFAULT_MAX_MESSAGE = 8 << 20;

  public AriSettings {
    require(name != null && !name.isBlank(), "an ARI source needs a name");
    String where = "ARI source '" + name + "': ";
    require(url != null, where + "url is required (ws://host:8088 or wss://host:8089)");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    require(scheme.equals("ws") || scheme.equals("wss"), where + "url must start with ws:// or wss://, not " + url);
    require(url.getHost() != null, where + "url has no host: " + url);
    require(url.getRawQuery() == null && url.getRawFragment() == null,
        where + "url must not carry a query; app, subscribeAll and credentials are settings of their own");
    require(url.getRawUserInfo() == null, where + "put the credentials in user and password, not in the url");
    require(app != null && !app.isBlank() && app.chars().noneMatch(Character::isWhitespace),
        where + "app must be a non-empty Stasis application name without spaces");
    require(user != null && !user.isBlank(), where + "user is required (an ari.conf user)");
    require(password != null, where + "password is required");
    require(auth != null, where + "auth must be basic or api_key");
    require(positive(pingInterval), where + "ping interval must be positive");
    require(positive(pongTimeout), where + "pong timeout must be positive");
    require(positive(connectTimeout), where + "connect timeout must be positive");
    require(positive(reconnectMin), where + "reconnect min must be positive");
    require(reconnectMax != null && reconnectMax.compareTo(reconnectMin) >= 0,
        where + "reconnect max must be at least reconnect min");
    require(maxMessage >= 1024, where + "max message must be at least 1024 bytes");
  }

  /** The usual settings: subscribeAll, Basic auth, ping every 20 s with a 10 s pong timeout, reconnect 1-60 s. */
  public static AriSettings of(String name, URI url, String app, String user, String password) {
    return new AriSettings(
        name, url, app, true, user, password, Auth.BASIC, null, Duration.ofSeconds(20), Duration.ofSeconds(10),
        Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(60), DEFAULT_MAX_MESSAGE);
  }

  /** The events websocket (§2.1); with {@code api_key} auth it holds the password, so it is never logged. */
  URI eventsUri() {
    String base = url.toString();
    if (base.endsWith("/")) base = base.substring(0, base.length() - 1);
    StringBuilder q = new StringBuilder(base).append("/ari/events?app=").append(enc(app));
    q.append("&subscribeAll=").append(subscribeAll);
    if (auth == Auth.API_KEY) q.append("&api_key=").append(enc(user + ":" + password));
    try {
      return new URI(q.toString());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("ARI source '" + name + "': bad url " + url, e);
    }
  }

  /** The events websocket as shown in logs and state details: without the api_key. */
  String displayUri() {
    String base = url.toString();
    if (base.endsWith("/")) base = base.substring(0, base.length() - 1);
    return base + "/ari/events?app=" + app + "&subscribeAll=" + subscribeAll;
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static boolean positive(Duration d) {
    return d != null && !d.isNegative() && !d.isZero();
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }

  /** Without the password: settings end up in logs and error messages. */
  @Override
  public String toString() {
    return "AriSettings[name=" + name + ", url=" + url + ", app=" + app + ", subscribeAll=" + subscribeAll
        + ", user=" + user + ", auth=" + auth + "]";
  }
}
