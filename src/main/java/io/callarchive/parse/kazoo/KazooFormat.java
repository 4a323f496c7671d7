package io.callarchive.parse.kazoo;

import static io.callarchive.parse.json.JsonValues.integer;
import static io.callarchive.parse.json.JsonValues.map;
import static io.callarchive.parse.json.JsonValues.text;

import io.callarchive.model.Doc;
import io.callarchive.model.Parsed;
import io.callarchive.model.Provenance;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.EventReader;
import io.callarchive.parse.json.JsonEventReader;
import io.callarchive.parse.json.JsonTimes;
import io.callarchive.parse.json.JsonTrees;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Kazoo / 2600Hz AMQP payloads (event-sources §4): flat {@code Header-Case} JSON objects, also found wrapped in the
 * websocket envelopes {@code {"name":..,"args":{..}}} and {@code {"action":"event",..,"data":{..}}} (§4.2), and
 * the crossbar webhook payloads derived from them (snake_case keys, {@code hook_event}). Besides call events the
 * same bus carries notification, dialplan and resource messages; they are archived too, under their
 * {@code Event-Name}. Stateless and thread-safe.
 */
public final class KazooFormat implements EventFormat {

  /** The blackhole envelope (§4.2); Kazoo event names are upper case ({@code CHANNEL_CREATE}). */
  private static final Pattern ENVELOPE = Pattern.compile("\"name\"\\s*:\\s*\"[A-Z][A-Z0-9_]*\"\\s*,\\s*\"args\"\\s*:");

  @Override
  public String name() {
    return "kazoo";
  }

  @Override
  public String dataset() {
    return "kazoo.amqp";
  }

  @Override
  public String rawField() {
    return "kazoo";
  }

  /**
   * Kazoo's API messages carry default headers that FreeSWITCH's own JSON events lack ({@code Msg-ID},
   * {@code App-Name}, {@code Event-Category}, §4.2), while a FreeSWITCH event always names its core
   * ({@code Core-UUID}, {@code FreeSWITCH-Hostname}, §3.4): both have {@code Event-Name}, so that alone decides
   * nothing.
   */
  @Override
  public boolean detect(byte[] head, int length) {
    String s = new String(head, 0, length, StandardCharsets.UTF_8);
    String t = s.stripLeading();
    if (!t.startsWith("{") && !t.startsWith("[")) return false;
    if (s.contains("\"Core-UUID\"") || s.contains("\"FreeSWITCH-Hostname\"")) return false;
    if (ENVELOPE.matcher(s).find()) return true;
    if (s.contains("\"hook_event\"") && s.contains("\"call_id\"")) return true;
    boolean eventName = s.contains("\"Event-Name\"");
    boolean marker =
        s.contains("\"Msg-ID\"") || s.contains("\"App-Name\"") || s.contains("\"Event-Category\"")
            || (s.contains("\"Call-ID\"") && s.contains("\"Custom-Channel-Vars\""));
    return eventName ? marker : s.contains("\"Call-ID\"") && s.contains("\"Custom-Channel-Vars\"");
  }

  @Override
  public EventReader open(InputStream in, String origin) {
    return new JsonEventReader(in, origin, KazooFormat::interpret);
  }

  /**
   * One AMQP message body (§4.2: one JSON object per message, already gunzipped when its
   * {@code content-encoding} was gzip) as the event, skipped or malformed piece it is: the way in for a message
   * transport, which has no stream to frame. The same result as reading the body alone with {@link #open}.
   */
  public Parsed message(byte[] body, Provenance provenance) {
    JsonTrees.Result r = JsonTrees.parseObject(body, 0, body.length);
    if (r.object() == null) return new Parsed.Malformed(r.error(), body, provenance);
    try {
      return interpret(r.object(), r.lossy(), body, provenance);
    } catch (RuntimeException e) {
      return new Parsed.Malformed("could not interpret the JSON object: " + e, body, provenance);
    }
  }

  static Parsed interpret(Map<String, Object> o, boolean lossy, byte[] raw, Provenance p) {
    Map<String, Object> payload;
    Object name;
    if (o.containsKey("Event-Name")) {
      payload = o;
      name = o.get("Event-Name");
    } else if (map(o.get("args")) != null) {
      payload = map(o.get("args"));
      name = payload.containsKey("Event-Name") ? payload.get("Event-Name") : o.get("name");
    } else if (map(o.get("data")) != null && (o.containsKey("name") || o.containsKey("routing_key"))) {
      payload = map(o.get("data"));
      name = payload.containsKey("Event-Name") ? payload.get("Event-Name") : o.get("name");
    } else if (o.containsKey("hook_event")) {
      payload = o;
      name = o.get("hook_event");
    } else {
      return new Parsed.Skipped("JSON object without Event-Name is not a Kazoo message", raw, p);
    }
    String action = name instanceof String s ? s.strip() : null;
    if (action == null || action.isEmpty()) {
      return new Parsed.Malformed("Kazoo message whose event name is not a non-empty string", raw, p);
    }
    JsonTimes.Stamp ts = timeOf(payload);
    return new Parsed.Event(
        action, payload, ts == null ? null : ts.time(), ts == null ? null : ts.precision(), lossy, raw, p);
  }

  /**
   * {@code Timestamp} is Gregorian seconds (§4.4); notifications use {@code Event-Timestamp}, webhooks
   * {@code timestamp}, all recognised by magnitude (§0.2). When {@code Msg-ID} is a 16-digit Unix microsecond
   * stamp within a second of it (ecallmgr 4.x sets it from FreeSWITCH's {@code Event-Date-Timestamp}), it gives
   * the same instant with microseconds.
   */
  static JsonTimes.Stamp timeOf(Map<String, Object> f) {
    Headers.Found times = Headers.TIMES.find(f);
    JsonTimes.Stamp ts = null;
    for (String k : Headers.TIMES.names) {
      ts = JsonTimes.parse(times.get(k));
      if (ts != null) break;
    }
    if (ts == null) return null;
    String msgId = text(f.get("Msg-ID"));
    if (msgId != null && msgId.length() == 16 && msgId.chars().allMatch(Character::isDigit)) {
      JsonTimes.Stamp us = JsonTimes.fromNumber(msgId);
      if (us != null && Duration.between(ts.time(), us.time()).abs().compareTo(Duration.ofSeconds(1)) <= 0) {
        return us;
      }
    }
    return ts;
  }

  @Override
  public void normalise(Parsed.Event event, Doc doc) {
    Headers.Found f = Headers.NORMALISED.find(event.fields());
    String leg = text(f.get("Call-ID"));
    Headers.Found ccv = Headers.CHANNEL_VARS.find(map(f.get("Custom-Channel-Vars")));
    // Session key (§4.5): Bridge-ID groups an A-leg with the legs it bridged to, and ecallmgr itself falls back
    // to the leg's own id, so the key stays the same across all events of a leg even where the variable is not
    // set yet (CHANNEL_CREATE). Call-Interaction-ID is the wider interaction but is missing on early events;
    // it is kept beside for the correlator.
    String bridgeId = text(ccv.get("Bridge-ID"));
    doc.put("call.id", bridgeId != null ? bridgeId : leg);
    doc.put("call.interaction_id", text(ccv.get("Call-Interaction-ID")));
    doc.put("channel.id", leg);
    doc.put("channel.name", text(f.get("Channel-Name")));
    doc.put("channel.state", text(f.get("Channel-State")));
    String other = text(f.get("Other-Leg-Call-ID"));
    doc.put("channel.peer_id", other != null ? other : text(f.get("Bridge-B-Unique-ID")));
    doc.put("caller.number", text(f.get("Caller-ID-Number")));
    doc.put("caller.name", text(f.get("Caller-ID-Name")));
    String calleeNum = text(f.get("Callee-ID-Number"));
    if (calleeNum == null) calleeNum = text(f.get("Other-Leg-Destination-Number"));
    if (calleeNum == null) calleeNum = userPart(text(f.get("Request"))); // the dialled URI (§4.3)
    doc.put("callee.number", calleeNum);
    doc.put("callee.name", text(f.get("Callee-ID-Name")));
    doc.put("call.direction", text(f.get("Call-Direction")));
    doc.put("hangup.cause.name", text(f.get("Hangup-Cause")));
    String code = text(f.get("Hangup-Code"));
    if (code != null && code.startsWith("sip:")) {
      Long sip = integer(code.substring(4));
      if (sip != null && sip >= 100 && sip <= 699) doc.put("hangup.sip_code", sip); // RFC 3261 §7.2
    }

    String category = text(f.get("Event-Category"));
    String a = event.action().toUpperCase(Locale.ROOT);
    boolean callish =
        category == null
            ? event.fields().containsKey("hook_event") || leg != null
            : category.equals("call_event") || category.equals("dialplan") || category.equals("resource")
                || category.equals("callflow");
    if (callish) {
      doc.put("event.category", List.of("session"));
      doc.put(
          "event.type",
          List.of(
              switch (a) {
                case "CHANNEL_CREATE" -> "start";
                case "CHANNEL_DESTROY" -> "end";
                default -> "info";
              }));
    }
  }

  /**
   * A header by its AMQP name ({@code Call-ID}), also found under its webhook spelling ({@code call_id}): the
   * crossbar webhooks rename every key to lower snake case. The exact name, then the exact snake name, then the
   * first key that reads as the snake name; {@link Headers} gives the same answers for a set of headers at once.
   */
  static Object get(Map<String, Object> f, String key) {
    if (f == null) return null;
    Object v = f.get(key);
    if (v != null) return v;
    String snake = snake(key);
    v = f.get(snake);
    if (v != null) return v;
    for (Map.Entry<String, Object> e : f.entrySet()) {
      if (snakeEquals(e.getKey(), snake)) return e.getValue();
    }
    return null;
  }

  /**
   * A fixed set of headers, each found as {@link #get} would find it, all in one pass over the payload's keys: the
   * normaliser asks for about twenty headers, most of them absent from any one event, and a scan of the keys per
   * absent header under its webhook spelling led the profile. Immutable and thread-safe.
   */
  public static final class Headers {
    static final Headers NORMALISED =
        new Headers(
            "Call-ID", "Custom-Channel-Vars", "Channel-Name", "Channel-State", "Other-Leg-Call-ID",
            "Bridge-B-Unique-ID", "Caller-ID-Number", "Caller-ID-Name", "Callee-ID-Number",
            "Other-Leg-Destination-Number", "Request", "Callee-ID-Name", "Call-Direction", "Hangup-Cause",
            "Hangup-Code", "Event-Category");
    /** The variables of {@code Custom-Channel-Vars} that key a call (§4.5). */
    public static final Headers CHANNEL_VARS = new Headers("Bridge-ID", "Call-Interaction-ID");
    /** Where a payload's time is, in order (§4.4). */
    static final Headers TIMES = new Headers("Timestamp", "Event-Timestamp");

    private final String[] names;
    private final String[] snakes;
    private final Map<String, Integer> index = new java.util.HashMap<>();
    /**
     * The headers by length: a key that matches an ASCII snake name under {@link #snakeEquals} has its length
     * (the only characters whose lower case is longer than themselves, U+0130, or not per character, final sigma,
     * lower-case to something that is not ASCII).
     */
    private final int[][] byLength;

    /** The set of these headers by their AMQP names ({@code Call-ID}); build once, use for every payload. */
    public static Headers of(String... names) {
      return new Headers(names);
    }

    private Headers(String... names) {
      this.names = names;
      this.snakes = new String[names.length];
      int longest = 0;
      for (int i = 0; i < names.length; i++) {
        snakes[i] = snake(names[i]);
        index.put(names[i], i);
        longest = Math.max(longest, names[i].length());
      }
      byLength = new int[longest + 1][];
      for (int len = 0; len <= longest; len++) {
        int n = len;
        byLength[len] = java.util.stream.IntStream.range(0, names.length).filter(i -> names[i].length() == n).toArray();
      }
    }

    /** Every header of this set in {@code f} (null reads as empty); the answers are {@link #get}'s. */
    public Found find(Map<String, Object> f) {
      Found r = new Found(this);
      if (f == null) return r;
      for (Map.Entry<String, Object> e : f.entrySet()) {
        String k = e.getKey();
        if (k.length() >= byLength.length) continue;
        for (int i : byLength[k.length()]) {
          if (!snakeEquals(k, snakes[i])) continue;
          Object v = e.getValue();
          if (!r.scanned[i]) { // get's scan returns the first key that matches, whatever its value
            r.scanned[i] = true;
            r.scan[i] = v;
          }
          // the exact name and the exact snake name match the scan's comparison too
          if (k.equals(names[i])) r.exact[i] = v;
          else if (k.equals(snakes[i])) r.snake[i] = v;
        }
      }
      return r;
    }

    /** The headers of one payload. */
    public static final class Found {
      private final Headers headers;
      private final Object[] exact;
      private final Object[] snake;
      private final Object[] scan;
      private final boolean[] scanned;

      private Found(Headers headers) {
        this.headers = headers;
        int n = headers.names.length;
        exact = new Object[n];
        snake = new Object[n];
        scan = new Object[n];
        scanned = new boolean[n];
      }

      /** What {@link #get} answers for {@code name}, which must be one of the set's. */
      public Object get(String name) {
        Integer i = headers.index.get(name);
        if (i == null) throw new IllegalArgumentException(name + " is not one of the headers looked for");
        // get: the exact name, then the exact snake name, then the first key that matches in snake case
        if (exact[i] != null) return exact[i];
        if (snake[i] != null) return snake[i];
        return scan[i];
      }
    }
  }

  private static final java.util.concurrent.ConcurrentHashMap<String, String> SNAKE =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The webhook spelling of a header name; the names are the code's constants, so the answers are kept. */
  private static String snake(String key) {
    String s = SNAKE.get(key);
    if (s != null) return s;
    s = key.toLowerCase(Locale.ROOT).replace('-', '_');
    if (SNAKE.size() < 1024) SNAKE.putIfAbsent(key, s);
    return s;
  }

  /**
   * {@code key.toLowerCase(Locale.ROOT).replace('-', '_').equals(snake)} without building a string per key: this
   * scan runs for every absent header of every event. Non-ASCII keys take the exact slow path, since lower-casing
   * can change their length.
   */
  static boolean snakeEquals(String key, String snake) {
    int n = key.length();
    for (int i = 0; i < n; i++) {
      char c = key.charAt(i);
      if (c >= 0x80) return key.toLowerCase(Locale.ROOT).replace('-', '_').equals(snake);
      char l = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c == '-' ? '_' : c;
      if (i >= snake.length() || l != snake.charAt(i)) return false;
    }
    return n == snake.length();
  }

  private static String userPart(String uri) {
    if (uri == null) return null;
    String u = uri.startsWith("sip:") ? uri.substring(4) : uri;
    int at = u.indexOf('@');
    String user = at < 0 ? u : u.substring(0, at);
    return user.isBlank() ? null : user;
  }

}
