package io.callarchive.stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asterisk Manager Interface over TCP (event-sources §1; Asterisk main/manager.c): the banner line
 * {@code Asterisk Call Manager/x.y.z}, then {@code Action: Login} with {@code Username}, {@code Secret} and
 * {@code Events} (on, or a class mask such as {@code call,cdr,agent}, applied again after every reconnect), then a
 * stream of blocks of {@code Key: Value} lines, each ended by an empty line. Event blocks are the frames, exactly as
 * received including their empty line, so the AMI reader parses them as it parses a capture; responses (to the
 * login and to the keepalive {@code Ping}) are consumed here. Lines are bounded ({@link #MAX_LINE}) and so are
 * blocks ({@link #MAX_BLOCK}: a longer one is handed on in pieces, which the parser dead-letters).
 */
public final class AmiConnector extends Connector {
  private static final Logger log = LoggerFactory.getLogger(AmiConnector.class);
  static final int MAX_LINE = 1 << 20;
  static final int MAX_BLOCK = 8 << 20;
  private static final String LOGIN_ID = "callarchive-login";
  private static final String PING_ID = "callarchive-ping-";

  private final AtomicLong pings = new AtomicLong();
  private final ByteArrayOutputStream block = new ByteArrayOutputStream(1024);
  private final byte[] line = new byte[MAX_LINE];
  private boolean warnedNoTimestamp;
  private long partial;

  public AmiConnector(
      StreamConfig.Source source, FrameSink sink, Clock clock, Backoff backoff, Backoff.Sleeper sleeper,
      ScheduledExecutorService timer) {
    super(source, sink, clock, backoff, sleeper, timer);
  }

  @Override
  protected void login(InputStream in) throws IOException {
    warnedNoTimestamp = false;
    int n = readLine(in);
    if (n < 0) throw new IOException("the connection closed before the AMI banner");
    String banner = new String(line, 0, n, StandardCharsets.ISO_8859_1).strip();
    if (!banner.startsWith("Asterisk Call Manager/")) {
      throw new IOException("not an Asterisk manager port: it greeted with '" + abbreviate(banner) + "'");
    }
    send(("Action: Login\r\nActionID: " + LOGIN_ID + "\r\nUsername: " + source.username() + "\r\nSecret: "
        + source.secret().value() + "\r\nEvents: " + source.events() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    while (true) {
      byte[] b = readBlock(in);
      if (b == null) throw new IOException("the connection closed before the login was answered");
      String text = new String(b, StandardCharsets.UTF_8);
      if (text.regionMatches(true, 0, "Event:", 0, 6)) {
        // Events sent before the login answer (none in practice) are still archived.
        frame(b);
        continue;
      }
      if (!text.contains(LOGIN_ID)) continue;
      String response = header(text, "Response");
      if ("Success".equalsIgnoreCase(response)) return;
      String message = header(text, "Message");
      throw new AuthFailedException("login as " + source.username() + " refused: " + (message == null ? response : message));
    }
  }

  @Override
  protected String loginDetail() {
    return "logged in as " + source.username() + " with Events: " + source.events();
  }

  @Override
  protected void read(InputStream in) throws IOException {
    while (true) {
      byte[] b = readBlock(in);
      if (b == null) {
        if (partial > 0) {
          long cut = partial;
          partial = 0;
          throw new java.io.EOFException("the PBX closed the connection in the middle of a message (" + cut + " bytes cut)");
        }
        return;
      }
      if (b.length > 7 && (b[0] == 'R' || b[0] == 'r') && startsWith(b, "Response:")) {
        if (new String(b, StandardCharsets.UTF_8).contains("ActionID: " + PING_ID)) keepaliveAnswered();
        continue;
      }
      frame(b);
    }
  }

  private void frame(byte[] b) throws IOException {
    if (!warnedNoTimestamp && !contains(b, "\nTimestamp:")) {
      warnedNoTimestamp = true;
      log.warn("{}: events carry no Timestamp: they get the time they were received; set timestampevents=yes"
          + " in manager.conf [general] for the PBX's own time (and identical ids when a capture is imported later)",
          source.name());
    }
    deliver(b);
  }

  @Override
  protected byte[] keepaliveRequest() {
    return ("Action: Ping\r\nActionID: " + PING_ID + pings.incrementAndGet() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** The next block with its terminating empty line; null at the end of the stream. Empty lines between blocks are skipped. */
  private byte[] readBlock(InputStream in) throws IOException {
    block.reset();
    while (true) {
      int n = readLine(in);
      if (n < 0 || line[n - 1] != '\n') {
        if (n > 0 && n < MAX_LINE) n = -1; // a last line cut by the end of the stream
        if (n < 0) {
          // The connection ended inside a block: the PBX sends the event again to no one, so it is lost with the
          // session; the disconnected state event says how many bytes were cut.
          if (block.size() > 0) partial = block.size();
          return null;
        }
      }
      boolean blank = n == 1 || (n == 2 && line[0] == '\r');
      if (blank) {
        if (block.size() == 0) continue;
        block.write(line, 0, n);
        return block.toByteArray();
      }
      block.write(line, 0, n);
      if (block.size() >= MAX_BLOCK) return block.toByteArray();
    }
  }

  /** Reads one line with its terminator into {@link #line}; returns its length, or -1 at the end of the stream. */
  private int readLine(InputStream in) throws IOException {
    int n = 0;
    while (n < MAX_LINE) {
      int c = in.read();
      if (c < 0) return n == 0 ? -1 : n;
      line[n++] = (byte) c;
      if (c == '\n') return n;
    }
    return n;
  }

  private static String header(String block, String key) {
    for (String l : block.split("\r?\n")) {
      int colon = l.indexOf(':');
      if (colon > 0 && l.substring(0, colon).trim().equalsIgnoreCase(key)) return l.substring(colon + 1).trim();
    }
    return null;
  }

  private static boolean startsWith(byte[] b, String prefix) {
    if (b.length < prefix.length()) return false;
    for (int i = 0; i < prefix.length(); i++) {
      if (Character.toLowerCase(b[i]) != Character.toLowerCase(prefix.charAt(i))) return false;
    }
    return true;
  }

  private static boolean contains(byte[] b, String s) {
    byte[] p = s.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + p.length <= b.length; i++) {
      for (int j = 0; j < p.length; j++) if (b[i + j] != p[j]) continue outer;
      return true;
    }
    return false;
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
