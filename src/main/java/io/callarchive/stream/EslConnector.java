package io.callarchive.stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FreeSWITCH event socket, inbound mode (event-sources §3; mod_event_socket.c): the switch greets with
 * {@code Content-Type: auth/request}, the client answers {@code auth PASSWORD}, the reply is a
 * {@code command/reply} with {@code Reply-Text: +OK accepted} or {@code -ERR invalid}; then
 * {@code event json ALL} (or {@code plain}, or a list of event names). Every message is a header block ended by an
 * empty line and, when it has {@code Content-Length}, that many bytes of body. Event messages are the frames,
 * envelope and body exactly as received, so the FreeSWITCH reader parses them as it parses a capture.
 *
 * <p>{@code Event-Sequence} is the switch's own counter, one per event it fires: subscribed to {@code ALL}, a jump
 * means events were lost (a reconnect, or the switch's queue overflowing), archived as a {@code sequence_gap}
 * state event with the count. With a filtered subscription jumps are normal and not reported.
 */
public final class EslConnector extends Connector {
  private static final Logger log = LoggerFactory.getLogger(EslConnector.class);
  static final int MAX_HEADERS = 64 << 10;
  static final int MAX_BODY = 8 << 20;
  private static final Pattern SEQ_JSON = Pattern.compile("\"Event-Sequence\"\\s*:\\s*\"?(\\d+)");
  private static final Pattern SEQ_PLAIN = Pattern.compile("(?m)^Event-Sequence:\\s*(\\d+)");

  private final boolean all;
  private long lastSequence = -1;

  /** The parts of one message. */
  private record Message(String contentType, String headers, byte[] body, byte[] bytes) {
    String header(String key) {
      for (String l : headers.split("\n")) {
        int colon = l.indexOf(':');
        if (colon > 0 && l.substring(0, colon).trim().equalsIgnoreCase(key)) return l.substring(colon + 1).trim();
      }
      return null;
    }
  }

  public EslConnector(
      StreamConfig.Source source, FrameSink sink, Clock clock, Backoff backoff, Backoff.Sleeper sleeper,
      ScheduledExecutorService timer) {
    super(source, sink, clock, backoff, sleeper, timer);
    this.all = source.events().trim().equalsIgnoreCase("ALL");
  }

  @Override
  protected void login(InputStream in) throws IOException {
    Message hello = readMessage(in);
    if (hello == null) throw new IOException("the connection closed before the event socket greeted");
    if ("text/rude-rejection".equals(hello.contentType())) {
      throw new IOException("the switch refuses this address (event_socket.conf.xml apply-inbound-acl)");
    }
    if (!"auth/request".equals(hello.contentType())) {
      throw new IOException("not a FreeSWITCH event socket: it greeted with " + hello.contentType());
    }
    send(("auth " + source.secret().value() + "\n\n").getBytes(StandardCharsets.UTF_8));
    Message reply = reply(in);
    String text = reply.header("Reply-Text");
    if (text == null || !text.startsWith("+OK")) {
      throw new AuthFailedException("auth refused: " + (text == null ? "no Reply-Text" : text));
    }
    send(("event " + source.eventFormat() + " " + source.events() + "\n\n").getBytes(StandardCharsets.UTF_8));
    Message sub = reply(in);
    String subText = sub.header("Reply-Text");
    if (subText == null || !subText.startsWith("+OK")) {
      throw new IOException("the switch refused the subscription 'event " + source.eventFormat() + " " + source.events() + "': " + subText);
    }
  }

  /** The next command/reply; events already flowing before it are archived. */
  private Message reply(InputStream in) throws IOException {
    while (true) {
      Message m = readMessage(in);
      if (m == null) throw new IOException("the connection closed before the switch replied");
      if ("command/reply".equals(m.contentType())) return m;
      if ("text/disconnect-notice".equals(m.contentType())) throw new IOException("the switch disconnected: " + body(m));
      if (isEvent(m)) event(m);
    }
  }

  @Override
  protected String loginDetail() {
    return "authenticated, subscribed to event " + source.eventFormat() + " " + source.events();
  }

  @Override
  protected void read(InputStream in) throws IOException {
    while (true) {
      Message m = readMessage(in);
      if (m == null) return;
      String type = m.contentType();
      if (isEvent(m)) event(m);
      else if ("api/response".equals(type)) keepaliveAnswered();
      else if ("text/disconnect-notice".equals(type)) throw new IOException("the switch disconnected: " + body(m));
      // command/reply to anything else, log/data: not events
    }
  }

  private static boolean isEvent(Message m) {
    String t = m.contentType();
    return t != null && t.startsWith("text/event-");
  }

  private void event(Message m) throws IOException {
    deliver(m.bytes());
    long seq = sequence(m);
    if (seq < 0) return;
    long last = lastSequence;
    lastSequence = seq;
    if (!all || last < 0 || seq == last + 1) return;
    status.sequenceGaps.increment();
    String detail = seq > last
        ? "Event-Sequence jumped from " + last + " to " + seq + ": " + (seq - last - 1) + " events missed"
        : "Event-Sequence went back from " + last + " to " + seq + ": the switch restarted";
    log.warn("{}: {}", source.name(), detail);
    state("sequence_gap", detail);
  }

  private static long sequence(Message m) {
    String text = new String(m.body(), StandardCharsets.UTF_8);
    Matcher j = (m.contentType().endsWith("json") ? SEQ_JSON : SEQ_PLAIN).matcher(text);
    return j.find() ? Long.parseLong(j.group(1)) : -1;
  }

  @Override
  protected byte[] keepaliveRequest() {
    return "api uptime\n\n".getBytes(StandardCharsets.US_ASCII);
  }

  /** Reads one message: headers to the empty line, then Content-Length bytes; null at the end of the stream. */
  private static Message readMessage(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream(512);
    StringBuilder headers = new StringBuilder();
    StringBuilder line = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        if (all.size() == 0) return null;
        throw new IOException("the connection closed inside a message header");
      }
      all.write(c);
      if (all.size() > MAX_HEADERS) throw new IOException("a message header longer than " + MAX_HEADERS + " bytes");
      if (c == '\n') {
        String l = line.toString();
        line.setLength(0);
        if (l.endsWith("\r")) l = l.substring(0, l.length() - 1);
        if (l.isEmpty()) {
          if (headers.isEmpty()) {
            all.reset(); // blank bytes between messages belong to none
            continue;
          }
          break;
        }
        headers.append(l).append('\n');
      } else {
        line.append((char) c);
      }
    }
    String h = headers.toString();
    String type = null;
    int length = 0;
    for (String l : h.split("\n")) {
      int colon = l.indexOf(':');
      if (colon <= 0) continue;
      String k = l.substring(0, colon).trim();
      String v = l.substring(colon + 1).trim();
      if (k.equalsIgnoreCase("Content-Type")) type = v;
      else if (k.equalsIgnoreCase("Content-Length")) {
        try {
          length = Integer.parseInt(v);
        } catch (NumberFormatException e) {
          throw new IOException("Content-Length is not a number: " + v);
        }
        if (length < 0 || length > MAX_BODY) throw new IOException("Content-Length " + v + " out of bounds");
      }
    }
    byte[] body = in.readNBytes(length);
    if (body.length < length) throw new IOException("the connection closed inside a message body");
    all.write(body);
    return new Message(type, h, body, all.toByteArray());
  }

  private static String body(Message m) {
    String b = new String(m.body(), StandardCharsets.UTF_8).strip();
    return b.length() > 120 ? b.substring(0, 120) : b;
  }

}
