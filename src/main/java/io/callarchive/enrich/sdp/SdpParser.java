package io.callarchive.enrich.sdp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the parts of an SDP (RFC 8866, formerly RFC 4566; event-sources §8) that matter for call analytics.
 * Tolerant by design: CRLF or LF, unknown lines ignored, and anything unreadable marks the result partial
 * instead of throwing. Bounded: at most {@link #MAX_CHARS} characters and {@link #MAX_LINES} lines are read.
 * Stateless and thread-safe.
 */
public final class SdpParser {
  public static final int MAX_CHARS = 64 * 1024;
  public static final int MAX_LINES = 2000;
  private static final int MAX_PROBLEMS = 10;

  private SdpParser() {}

  /** Parses an SDP; null or blank input gives null. Never throws. */
  public static Sdp parse(String text) {
    if (text == null || text.isBlank()) return null;
    Builder b = new Builder();
    try {
      b.read(text);
    } catch (RuntimeException e) {
      // Defensive: a bug here must not lose the event; what was read so far is kept.
      b.problem("unexpected: " + e.getClass().getSimpleName());
    }
    return b.build();
  }

  private static final class Builder {
    String originAddress;
    String sessionVersion;
    String sessionConnection;
    String sessionDirection;
    boolean sawVersion;
    final List<MediaBuilder> media = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    boolean partial;

    void problem(String p) {
      partial = true;
      if (problems.size() < MAX_PROBLEMS) problems.add(p);
    }

    void read(String text) {
      if (text.length() > MAX_CHARS) {
        problem("longer than " + MAX_CHARS + " characters");
        text = text.substring(0, MAX_CHARS);
      }
      String[] lines = text.split("\r\n|\n|\r", -1);
      int count = 0;
      for (String raw : lines) {
        String line = raw.strip();
        if (line.isEmpty()) continue;
        if (++count > MAX_LINES) {
          problem("more than " + MAX_LINES + " lines");
          break;
        }
        if (line.length() < 2 || line.charAt(1) != '=' || !Character.isLetter(line.charAt(0))) {
          problem("not a type=value line: " + abbreviate(line));
          continue;
        }
        char type = line.charAt(0);
        String value = line.substring(2);
        if (count == 1 && type != 'v') problem("does not start with v=");
        switch (type) {
          case 'v' -> sawVersion = true;
          case 'o' -> origin(value);
          case 'c' -> connection(value);
          case 'm' -> media(value);
          case 'a' -> attribute(value);
          default -> {
            // s=, t=, b=, i=, u=, e=, p=, z=, k=, r=: nothing we report
          }
        }
      }
      if (!sawVersion && !problems.contains("does not start with v=")) problem("no v= line");
      if (media.isEmpty()) problem("no m= line");
    }

    void origin(String value) {
      String[] f = value.trim().split("\\s+");
      if (f.length < 6) {
        problem("short o= line");
        return;
      }
      sessionVersion = f[2];
      originAddress = f[5];
    }

    void connection(String value) {
      String[] f = value.trim().split("\\s+");
      if (f.length < 3 || !f[0].equalsIgnoreCase("IN")) {
        problem("unreadable c= line: " + abbreviate(value));
        return;
      }
      // Multicast addresses may carry /ttl[/count] (RFC 8866 §5.7): the address is what precedes.
      String addr = f[2];
      int slash = addr.indexOf('/');
      if (slash > 0) addr = addr.substring(0, slash);
      if (media.isEmpty()) {
        sessionConnection = addr;
      } else {
        media.get(media.size() - 1).connection = addr;
      }
    }

    void media(String value) {
      String[] f = value.trim().split("\\s+");
      MediaBuilder m = new MediaBuilder();
      media.add(m);
      m.type = f.length > 0 ? f[0] : "";
      if (f.length < 3) {
        problem("short m= line: " + abbreviate(value));
        return;
      }
      String port = f[1];
      int slash = port.indexOf('/'); // <port>/<number of ports>
      if (slash > 0) port = port.substring(0, slash);
      m.port = parseInt(port);
      if (m.port == null || m.port > 65535) {
        problem("bad port in m= line: " + abbreviate(value));
        m.port = null;
      }
      m.protocol = f[2];
      for (int i = 3; i < f.length; i++) m.formats.add(f[i]);
      if (m.formats.isEmpty()) problem("m= line without formats");
    }

    void attribute(String value) {
      int colon = value.indexOf(':');
      String name = (colon < 0 ? value : value.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
      String arg = colon < 0 ? "" : value.substring(colon + 1).trim();
      MediaBuilder m = media.isEmpty() ? null : media.get(media.size() - 1);
      switch (name) {
        case "sendrecv", "sendonly", "recvonly", "inactive" -> {
          if (m == null) sessionDirection = name;
          else m.direction = name;
        }
        case "rtpmap" -> {
          if (m != null) rtpmap(m, arg);
        }
        case "ptime" -> {
          if (m != null) m.ptime = parseMillis(arg);
        }
        case "maxptime" -> {
          if (m != null) m.maxptime = parseMillis(arg);
        }
        case "rtcp-mux" -> {
          if (m != null) m.rtcpMux = true;
        }
        case "candidate" -> {
          if (m != null) m.candidates++;
        }
        case "crypto" -> {
          // <tag> <suite> inline:<key>... (RFC 4568 §9.1): only the suite is kept, never the key.
          String[] f = arg.split("\\s+");
          if (m != null && f.length >= 2) m.cryptoSuites.add(f[1]);
        }
        case "fingerprint" -> {
          String[] f = arg.split("\\s+");
          String hash = f.length > 0 && !f[0].isEmpty() ? f[0].toLowerCase(Locale.ROOT) : null;
          // RFC 8842 allows the fingerprint at session level, applying to every media description.
          if (m == null) sessionFingerprint = hash;
          else m.fingerprint = hash;
        }
        default -> {}
      }
    }

    String sessionFingerprint;

    void rtpmap(MediaBuilder m, String arg) {
      // <payload type> <encoding name>/<clock rate>[/<encoding parameters>] (RFC 8866 §6.6)
      String[] f = arg.split("\\s+", 2);
      Integer pt = f.length == 2 ? parseInt(f[0]) : null;
      String[] enc = f.length == 2 ? f[1].trim().split("/") : new String[0];
      Integer clock = enc.length >= 2 ? parseInt(enc[1]) : null;
      if (pt == null || clock == null || enc[0].isEmpty()) {
        problem("unreadable rtpmap: " + abbreviate(arg));
        return;
      }
      Integer channels = enc.length >= 3 ? parseInt(enc[2]) : null;
      m.rtpmap.putIfAbsent(pt, new Codec(pt, enc[0], clock, channels));
    }

    Sdp build() {
      List<Sdp.Media> out = new ArrayList<>();
      for (MediaBuilder m : media) {
        List<Codec> codecs = new ArrayList<>();
        boolean rtp = m.protocol != null && m.protocol.toUpperCase(Locale.ROOT).contains("RTP");
        for (String fmt : m.formats) {
          Integer pt = parseInt(fmt);
          if (pt == null || !rtp) continue; // non-RTP formats (udptl t38, webrtc-datachannel) are not codecs
          Codec c = m.rtpmap.get(pt);
          if (c == null) c = StaticPayloads.of(pt);
          if (c == null) {
            problem("payload type " + pt + " without rtpmap");
            continue;
          }
          codecs.add(c);
        }
        String direction = m.direction != null ? m.direction : sessionDirection != null ? sessionDirection : "sendrecv";
        out.add(
            new Sdp.Media(
                m.type,
                m.port,
                m.protocol,
                m.connection != null ? m.connection : sessionConnection,
                List.copyOf(codecs),
                m.ptime,
                m.maxptime,
                direction,
                m.rtcpMux,
                m.candidates,
                List.copyOf(m.cryptoSuites),
                m.fingerprint != null ? m.fingerprint : sessionFingerprint));
      }
      return new Sdp(originAddress, sessionVersion, List.copyOf(out), partial, List.copyOf(problems));
    }
  }

  private static final class MediaBuilder {
    String type;
    Integer port;
    String protocol;
    String connection;
    final List<String> formats = new ArrayList<>();
    final Map<Integer, Codec> rtpmap = new LinkedHashMap<>();
    Integer ptime;
    Integer maxptime;
    String direction;
    boolean rtcpMux;
    int candidates;
    final List<String> cryptoSuites = new ArrayList<>();
    String fingerprint;
  }

  static Integer parseInt(String s) {
    if (s == null || s.isEmpty() || s.length() > 9) return null;
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) return null;
    }
    return Integer.valueOf(s);
  }

  /** {@code 20}, also the {@code 20.0} some phones send; null when unreadable. */
  private static Integer parseMillis(String s) {
    int dot = s.indexOf('.');
    return parseInt(dot > 0 ? s.substring(0, dot) : s);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
