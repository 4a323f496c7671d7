package io.callarchive.enrich.rtcp;

import java.util.Locale;

/**
 * Unit conversions for RTCP report fields as Asterisk and FreeSWITCH print them (event-sources §1.7, §3.8, §7;
 * RFC 3550 §6.4). Every parser returns null for absent or unreadable input instead of throwing. Pure, thread-safe.
 */
public final class RtcpUnits {
  private RtcpUnits() {}

  /** RFC 3550 §6.4.1: the 8-bit fraction lost is a fixed-point fraction with the point at its left edge. */
  public static Double fractionLostPct(Long fraction) {
    if (fraction == null || fraction < 0 || fraction > 255) return null;
    return fraction / 256.0 * 100.0;
  }

  /**
   * Asterisk prints the 24-bit signed cumulative loss (RFC 3550 §6.4.1) as unsigned, so a negative count (more
   * packets than expected, from duplicates) shows as ≥ 2^23 (event-sources §1.7). Values already negative or
   * beyond 24 bits are taken as printed.
   */
  public static Long cumulativeLost24(Long printed) {
    if (printed == null) return null;
    if (printed >= 0x800000L && printed <= 0xFFFFFFL) return printed - 0x1000000L;
    return printed;
  }

  /** FreeSWITCH sign-extends the 24-bit value to 32 bits and prints it unsigned: -1 is 4294967295 (§3.8). */
  public static Long cumulativeLost32(Long printed) {
    if (printed == null) return null;
    if (printed >= 0x80000000L && printed <= 0xFFFFFFFFL) return (long) (int) (long) printed;
    return printed;
  }

  /** Interarrival jitter in RTP timestamp units (RFC 3550 §6.4.1) to milliseconds at the stream's clock rate. */
  public static Double jitterMs(Long timestampUnits, int clockRate) {
    if (timestampUnits == null || timestampUnits < 0 || clockRate <= 0) return null;
    return timestampUnits * 1000.0 / clockRate;
  }

  /** A duration printed in seconds ({@code 0.0213}, {@code 0.3830 (sec)}, {@code 0.0000(sec)}) in milliseconds. */
  public static Double secondsToMs(String printed) {
    Double s = leadingNumber(printed);
    return s == null ? null : s * 1000.0;
  }

  /**
   * An SSRC as lowercase hex without prefix, 8 digits (§7): Asterisk 12+ prints {@code 0x0011aabb}, FreeSWITCH
   * {@code 0011AABB}, Asterisk ≤ 11 a decimal {@code 16777217}. {@code decimal} says which of the last two a
   * prefix-less value is.
   */
  public static String ssrc(String printed, boolean decimal) {
    if (printed == null) return null;
    String s = printed.strip().toLowerCase(Locale.ROOT);
    try {
      long v;
      if (s.startsWith("0x")) {
        v = Long.parseLong(s.substring(2), 16);
      } else {
        v = decimal ? Long.parseLong(s) : Long.parseLong(s, 16);
      }
      if (v < 0 || v > 0xFFFFFFFFL) return null;
      return String.format(Locale.ROOT, "%08x", v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A whole number, or null. */
  public static Long integer(String printed) {
    if (printed == null) return null;
    try {
      return Long.parseLong(printed.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The number a value starts with ({@code 0.3830 (sec)} → 0.383), or null; NaN and infinities are refused. */
  public static Double leadingNumber(String printed) {
    if (printed == null) return null;
    String s = printed.strip();
    int end = 0;
    while (end < s.length() && "+-0123456789.eE".indexOf(s.charAt(end)) >= 0) end++;
    if (end == 0) return null;
    try {
      double v = Double.parseDouble(s.substring(0, end));
      return Double.isFinite(v) ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** An {@code ip:port} as printed by Asterisk ({@code 10.0.0.1:4000}, {@code [2001:db8::1]:4000}). */
  public record Endpoint(String ip, Integer port) {}

  public static Endpoint endpoint(String printed) {
    if (printed == null || printed.isBlank()) return null;
    String s = printed.strip();
    String host;
    String port = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) return null;
      host = s.substring(1, close);
      if (s.startsWith(":", close + 1)) port = s.substring(close + 2);
    } else if (s.indexOf(':') == s.lastIndexOf(':') && s.indexOf(':') >= 0) {
      host = s.substring(0, s.indexOf(':'));
      port = s.substring(s.indexOf(':') + 1);
    } else {
      host = s; // a bare IPv4 or IPv6 address
    }
    Long p = integer(port);
    Integer portNo = p != null && p >= 0 && p <= 65535 ? p.intValue() : null;
    return host.isEmpty() ? null : new Endpoint(host, portNo);
  }
}
