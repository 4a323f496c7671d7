package io.callarchive.enrich.sdp;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Tells an IP literal from a host name without ever resolving a name, so that only real addresses reach fields
 * mapped as {@code ip} (an SDP {@code c=} line may carry a FQDN, RFC 8866 §5.7). Thread-safe.
 */
public final class IpLiteral {
  private IpLiteral() {}

  /** The address, without brackets or zone id, when {@code s} is an IPv4 or IPv6 literal; else null. */
  public static String normalise(String s) {
    if (s == null) return null;
    String t = s.strip();
    if (t.startsWith("[") && t.endsWith("]")) t = t.substring(1, t.length() - 1);
    if (t.isEmpty()) return null;
    if (t.indexOf(':') >= 0) {
      int zone = t.indexOf('%'); // a link-local zone id is local to the host that wrote it
      if (zone > 0) t = t.substring(0, zone);
      for (int i = 0; i < t.length(); i++) {
        char c = t.charAt(i);
        if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) return null;
      }
      try {
        // A string with ':' is parsed as an IPv6 literal and never looked up in DNS.
        InetAddress.getByName(t);
        return t.toLowerCase(java.util.Locale.ROOT);
      } catch (UnknownHostException | IllegalArgumentException e) {
        return null;
      }
    }
    String[] parts = t.split("\\.", -1);
    if (parts.length != 4) return null;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3) return null;
      for (int i = 0; i < p.length(); i++) {
        if (!Character.isDigit(p.charAt(i))) return null;
      }
      if (Integer.parseInt(p) > 255) return null;
    }
    return t;
  }
}
