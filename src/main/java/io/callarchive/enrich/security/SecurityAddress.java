package io.callarchive.enrich.security;

import io.callarchive.enrich.sdp.IpLiteral;
import java.util.Locale;
import java.util.Set;

/**
 * An address of an Asterisk security event ({@code LocalAddress}, {@code RemoteAddress}; event-sources §1.10):
 * {@code IPV4|IPV6 / [transport /] address / port}, e.g. {@code IPV4/UDP/203.0.113.5/5060}, {@code
 * IPV6/UDP/[2001:db8::1]/5060}, {@code IPV4/127.0.0.1/5038} (transport omitted when unknown; Asterisk {@code
 * ast_json_ipaddr} in {@code main/json.c}). Plain {@code host:port} and {@code [v6]:port} are also accepted.
 *
 * @param family {@code ipv4} or {@code ipv6}, or null when not stated
 * @param transport lower case ({@code udp}, {@code tcp}, {@code tls}, {@code ws}, {@code wss}), or null
 * @param ip an IP literal (IPv4-mapped IPv6 given as IPv4), or null when the address is not one
 * @param port null when absent or not a port number
 */
public record SecurityAddress(String family, String transport, String ip, Integer port) {
  private static final Set<String> TRANSPORTS = Set.of("udp", "tcp", "tls", "ws", "wss", "sctp");

  /** Parses an address; null for null or blank input, and a record with null parts for what is unreadable. */
  public static SecurityAddress parse(String s) {
    if (s == null || s.isBlank()) return null;
    String t = s.strip();
    String upper = t.toUpperCase(Locale.ROOT);
    if (!upper.startsWith("IPV4/") && !upper.startsWith("IPV6/")) return hostPort(t);
    String family = upper.substring(0, 4).toLowerCase(Locale.ROOT);
    String rest = t.substring(5);
    // Split on the first two '/' and the last one (event-sources §1.10): the address itself has no '/'.
    int last = rest.lastIndexOf('/');
    String portText = last >= 0 ? rest.substring(last + 1) : null;
    String body = last >= 0 ? rest.substring(0, last) : rest;
    Integer port = port(portText);
    if (port == null && portText != null && ip(portText) != null) {
      body = rest; // IPV4/UDP/1.2.3.4 without a port
    }
    String transport = null;
    int slash = body.indexOf('/');
    if (slash >= 0) {
      String tr = body.substring(0, slash).toLowerCase(Locale.ROOT);
      transport = TRANSPORTS.contains(tr) ? tr : null;
      body = body.substring(slash + 1);
    } else if (TRANSPORTS.contains(body.toLowerCase(Locale.ROOT))) {
      transport = body.toLowerCase(Locale.ROOT); // IPV4/UDP//5060: no address at all
      body = "";
    }
    String ip = ip(body);
    if (ip != null) family = ip.indexOf(':') >= 0 ? "ipv6" : "ipv4";
    return new SecurityAddress(family, transport, ip, port);
  }

  private static SecurityAddress hostPort(String t) {
    String host = t;
    Integer port = null;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close > 0) {
        host = t.substring(0, close + 1);
        if (t.startsWith(":", close + 1)) port = port(t.substring(close + 2));
      }
    } else if (t.indexOf(':') == t.lastIndexOf(':') && t.indexOf(':') > 0) {
      host = t.substring(0, t.indexOf(':'));
      port = port(t.substring(t.indexOf(':') + 1));
    }
    String ip = ip(host);
    String family = ip == null ? null : ip.indexOf(':') >= 0 ? "ipv6" : "ipv4";
    return new SecurityAddress(family, null, ip, port);
  }

  private static String ip(String s) {
    String ip = IpLiteral.normalise(s);
    if (ip != null && ip.startsWith("::ffff:") && IpLiteral.normalise(ip.substring(7)) != null
        && ip.indexOf('.') > 0) {
      return ip.substring(7); // IPv4-mapped IPv6 (RFC 4291 §2.5.5.2): the IPv4 address is what matters
    }
    return ip;
  }

  /** A port number 0..65535 from text, or null. */
  static Integer port(String s) {
    if (s != null) s = s.strip();
    if (s == null || s.isEmpty() || s.length() > 5) return null;
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) return null;
    }
    int p = Integer.parseInt(s);
    return p <= 65535 ? p : null;
  }
}
