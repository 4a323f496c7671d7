package io.callarchive.stream.ccs;

/**
 * The HTTP endpoint the ccs platform posts its events to (event-sources §5.2), validated at construction (house
 * style rule 8). At least one way of authenticating is required: the endpoint never accepts anonymous posts.
 *
 * @param name the source name (the {@code connection} of every sink call, stored as {@code observer.name})
 * @param host the address to listen on ({@code 0.0.0.0} for every interface)
 * @param port the TCP port (0 picks a free one, for tests)
 * @param path the path events are posted to
 * @param token the bearer token ({@code Authorization: Bearer ...}), or null
 * @param user the HTTP Basic user, or null
 * @param password its password (never logged), or null
 * @param maxBody the largest body accepted, in bytes; a longer one gets 413 and is not read past this bound
 * @param threads how many posts are handled at once
 */
public record CcsWebhookSettings(
    String name,
    String host,
    int port,
    String path,
    String token,
    String user,
    String password,
    int maxBody,
    int threads) {

  public static final int DEFAULT_MAX_BODY = 8 << 20;

  public CcsWebhookSettings {
    require(name != null && !name.isBlank(), "a ccs webhook source needs a name");
    String where = "ccs webhook source '" + name + "': ";
    require(host != null && !host.isBlank(), where + "host is required (0.0.0.0 for every interface)");
    require(port >= 0 && port <= 65535, where + "port must be 0 to 65535");
    require(path != null && path.startsWith("/"), where + "path must start with /");
    require(token == null || token.length() >= 16, where + "token must be at least 16 characters");
    require((user == null) == (password == null), where + "user and password go together");
    require(user == null || (!user.isEmpty() && user.indexOf(':') < 0), where + "user must be non-empty, without ':'");
    require(token != null || user != null, where + "set a token or a user and password: anonymous posts are refused");
    require(maxBody >= 1024, where + "max body must be at least 1024 bytes");
    require(threads >= 1 && threads <= 256, where + "threads must be 1 to 256");
  }

  /** Loopback port 8095, path {@code /ccs/events}, 8 MiB bodies, 4 threads, bearer token. */
  public static CcsWebhookSettings of(String name, int port, String token) {
    return new CcsWebhookSettings(
        name, "127.0.0.1", port, "/ccs/events", token, null, null, DEFAULT_MAX_BODY, 4);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }

  @Override
  public String toString() {
    return "CcsWebhookSettings[name=" + name + ", host=" + host + ", port=" + port + ", path=" + path
        + ", token=" + (token == null ? "none" : "***") + ", user=" + user + ", maxBody=" + maxBody + "]";
  }
}
