package io.callarchive.parse.freeswitch;

import io.callarchive.model.Doc;
import io.callarchive.model.Parsed;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.EventReader;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * FreeSWITCH event socket traffic (mod_event_socket, event-sources §3): {@code event plain} captures with their
 * {@code Content-Length} envelopes, bare plain event blocks, {@code text/event-json} and {@code text/event-xml}.
 * Framing and its tolerance are described on {@link FreeswitchReader}.
 *
 * <p>The action of an event is its {@code Event-Name}; a CUSTOM event keeps {@code CUSTOM} as action and its
 * {@code Event-Subclass} (e.g. {@code sofia::register_failure}) goes to {@code event.subclass} so it can be
 * searched. A mod_json_cdr record (a JSON document with {@code channel_data}/{@code callflow} and no
 * {@code Event-Name}) is not an ESL event but is the same switch's account of a finished leg, so it is read as one
 * event with action {@value #JSON_CDR}, timed by its {@code end_uepoch}.
 *
 * <p>Stateless and thread-safe; the readers it opens are not.
 */
public final class FreeswitchFormat implements EventFormat {
  /** Action given to a mod_json_cdr record. */
  public static final String JSON_CDR = "json_cdr";

  private static final java.util.regex.Pattern PORT = java.util.regex.Pattern.compile("\\d{1,5}");

  /** Outer content types of mod_event_socket (event-sources §3.2). */
  private static final Set<String> CONTENT_TYPES =
      Set.of(
          "auth/request", "command/reply", "api/response", "text/event-plain", "text/event-json",
          "text/event-xml", "log/data", "text/disconnect-notice", "text/rude-rejection");

  @Override
  public String name() {
    return "freeswitch";
  }

  @Override
  public String dataset() {
    return "freeswitch.esl";
  }

  @Override
  public String rawField() {
    return "freeswitch";
  }

  /**
   * Recognises an envelope ({@code Content-Type:} with a mod_event_socket type), a bare plain event
   * ({@code Event-Name:} line), a JSON event (with {@code "Event-Name"} and a FreeSWITCH core header) or a
   * mod_json_cdr record, and an {@code <event>} document. An AMI line ({@code Event: X}, {@code Response:},
   * {@code Action:}, the AMI banner) before any of these means AMI, which uses {@code Event:} where ESL uses
   * {@code Event-Name:}. Kazoo AMQP JSON (which also has {@code Event-Name}) is left alone: it carries
   * {@code App-Name}/{@code Event-Category} (event-sources §4.2).
   */
  @Override
  public boolean detect(byte[] head, int length) {
    String s = new String(head, 0, length, StandardCharsets.ISO_8859_1);
    String t = s.stripLeading();
    if (t.startsWith("{")) {
      boolean kazoo = s.contains("\"App-Name\"") || s.contains("\"Event-Category\"");
      boolean event =
          s.contains("\"Event-Name\"")
              && (s.contains("\"Core-UUID\"") || s.contains("\"FreeSWITCH-Hostname\"")
                  || s.contains("\"Event-Date-Timestamp\""));
      boolean cdr = s.contains("\"channel_data\"") && (s.contains("\"callflow\"") || s.contains("\"core-uuid\""));
      return !kazoo && (event || cdr);
    }
    if (t.startsWith("<event>")) return true;
    if (t.startsWith("<?xml") && t.contains("<event>") && t.contains("<headers>")) return true;
    boolean amiFirst = false;
    boolean esl = false;
    boolean core = false;
    for (String line : s.split("\r?\n")) {
      String l = line.strip().toLowerCase(Locale.ROOT);
      if (!esl && (l.startsWith("event: ") || l.startsWith("action: ") || l.startsWith("response: ")
          || l.startsWith("asterisk call manager/"))) {
        amiFirst = true;
      }
      if (l.startsWith("event-name:")) esl = true;
      if (l.startsWith("content-type:") && CONTENT_TYPES.contains(l.substring("content-type:".length()).strip())) {
        esl = true;
      }
      if (l.startsWith("core-uuid:") || l.startsWith("freeswitch-hostname:")) core = true;
    }
    // An AMI line before the first ESL line means AMI, unless FreeSWITCH's own core headers are there too (a dump
    // that prints the event name AMI-style above the event).
    return esl && (!amiFirst || core);
  }

  /**
   * A message is whole when its header block has its empty line and, with {@code Content-Length: N}, the N
   * bytes after it (event-sources §3.2, §3.3); a JSON or XML event that parsed is whole. The reader accepts a
   * declared length running past the end of the input (abridged samples), which in a growing log means the
   * writer has not finished.
   */
  @Override
  public boolean completeAtEnd(Parsed last, byte[] after) {
    if (last instanceof Parsed.Malformed) return false;
    byte[] raw = last.raw();
    int i = 0;
    while (i < raw.length && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\r' || raw[i] == '\n')) i++;
    if (i < raw.length && (raw[i] == '{' || raw[i] == '<')) return last instanceof Parsed.Event;
    byte[] all = new byte[raw.length + after.length];
    System.arraycopy(raw, 0, all, 0, raw.length);
    System.arraycopy(after, 0, all, raw.length, after.length);
    // the header block: lines up to the first empty one
    int lineStart = i;
    long declared = -1;
    for (int j = i; j < all.length; j++) {
      if (all[j] != '\n') continue;
      int end = j > lineStart && all[j - 1] == '\r' ? j - 1 : j;
      if (end == lineStart) {
        int body = j + 1;
        return declared < 0 || raw.length - body >= declared;
      }
      String line = new String(all, lineStart, end - lineStart, java.nio.charset.StandardCharsets.ISO_8859_1);
      if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
        try {
          declared = Long.parseLong(line.substring(15).strip());
        } catch (NumberFormatException e) {
          return false;
        }
      }
      lineStart = j + 1;
    }
    return false;
  }

  @Override
  public EventReader open(InputStream in, String origin) {
    return new FreeswitchReader(in, origin);
  }

  @Override
  public void normalise(Parsed.Event event, Doc doc) {
    Map<String, Object> f = event.fields();
    if (event.action().equals(JSON_CDR)) {
      normaliseCdr(f, doc);
      return;
    }
    EslValues.Lookup h = new EslValues.Lookup(f);
    String uuid = h.first("Unique-ID");
    String callUuid = h.first("Channel-Call-UUID");
    if (callUuid == null) callUuid = h.first("variable_call_uuid");
    if (callUuid == null) callUuid = uuid;
    if (callUuid == null) callUuid = h.first("CC-Member-Session-UUID");
    doc.put("call.id", callUuid);
    doc.put("channel.id", uuid);
    doc.put("channel.name", h.first("Channel-Name"));
    doc.put("caller.number", h.first("Caller-Caller-ID-Number", "CC-Member-CID-Number"));
    doc.put("caller.name", h.first("Caller-Caller-ID-Name", "CC-Member-CID-Name"));
    doc.put(
        "callee.number",
        h.first("Caller-Destination-Number", "Other-Leg-Destination-Number", "Other-Leg-Caller-ID-Number"));
    doc.put("callee.name", h.first("Caller-Callee-ID-Name", "Other-Leg-Caller-ID-Name"));
    String subclass = h.first("Event-Subclass");
    doc.put("event.subclass", subclass);
    doc.put("queue.name", h.first("CC-Queue"));
    doc.put("agent.name", h.first("CC-Agent"));

    String sub = subclass == null ? "" : subclass.toLowerCase(Locale.ROOT);
    String name = event.action().toUpperCase(Locale.ROOT);
    if (sub.startsWith("sofia::") && isRegistration(sub)) {
      categoriseRegistration(sub, h, doc);
      return;
    }
    switch (name) {
      case "CHANNEL_CREATE" -> categorise(doc, "session", "start");
      case "CHANNEL_DESTROY", "CHANNEL_HANGUP_COMPLETE" -> categorise(doc, "session", "end");
      case "RECV_RTCP_MESSAGE", "SEND_RTCP_MESSAGE" -> categorise(doc, "network", "info");
      case "HEARTBEAT", "RE_SCHEDULE", "STARTUP", "SHUTDOWN", "MODULE_LOAD", "MODULE_UNLOAD", "RELOADXML" ->
          categorise(doc, "host", "info");
      default -> categorise(doc, "session", "info");
    }
  }

  private static boolean isRegistration(String sub) {
    return switch (sub) {
      case "sofia::register_failure", "sofia::register_attempt", "sofia::pre_register", "sofia::register",
          "sofia::unregister", "sofia::expire" -> true;
      default -> false;
    };
  }

  /**
   * mod_sofia registration events (event-sources §3.10): {@code network-ip}/{@code network-port} is the real
   * source; the account is {@code username}, else {@code from-user} (which holds the To user, the AOR), else
   * {@code to-user} (the only user header of register_failure).
   */
  private static void categoriseRegistration(String sub, EslValues.Lookup h, Doc doc) {
    categorise(doc, "authentication", "info");
    doc.put("user.name", h.first("username", "from-user", "to-user"));
    doc.put("source.ip", h.first("network-ip"));
    String port = h.first("network-port");
    if (port != null && PORT.matcher(port).matches()) doc.put("source.port", Integer.parseInt(port));
    String outcome =
        switch (sub) {
          case "sofia::register_failure" -> "failure";
          case "sofia::register" -> "success";
          case "sofia::register_attempt" -> {
            String r = h.first("auth-result");
            if (r == null) yield "unknown";
            yield switch (r.toUpperCase(Locale.ROOT)) {
              case "SUCCESS", "RENEWED" -> "success";
              case "FORBIDDEN" -> "failure";
              default -> "unknown"; // STALE: a fresh challenge, neither success nor failure
            };
          }
          default -> "unknown";
        };
    doc.put("event.outcome", outcome);
  }

  /** A mod_json_cdr record: the finished leg, ids and parties from its variables and first caller profile. */
  private static void normaliseCdr(Map<String, Object> f, Doc doc) {
    Map<String, Object> vars = map(f.get("variables"));
    Map<String, Object> profile = Map.of();
    if (f.get("callflow") instanceof List<?> flows && !flows.isEmpty()) {
      profile = map(map(flows.get(0)).get("caller_profile"));
    } else if (f.get("callflow") instanceof Map<?, ?> flow) {
      profile = map(map(flow).get("caller_profile"));
    }
    String uuid = or(first(vars, "uuid"), first(profile, "uuid"));
    doc.put("call.id", or(first(vars, "call_uuid"), uuid));
    doc.put("channel.id", uuid);
    doc.put("channel.name", first(profile, "chan_name"));
    doc.put("caller.number", or(first(profile, "caller_id_number"), first(vars, "caller_id_number")));
    doc.put("caller.name", or(first(profile, "caller_id_name"), first(vars, "caller_id_name")));
    doc.put("callee.number", or(first(profile, "destination_number"), first(vars, "destination_number")));
    doc.put("callee.name", first(profile, "callee_id_name"));
    doc.put("observer.name", first(f, "switchname"));
    categorise(doc, "session", "end");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static void categorise(Doc doc, String category, String type) {
    doc.put("event.category", List.of(category));
    doc.put("event.type", List.of(type));
  }

  private static String first(Map<String, Object> f, String key) {
    return EslValues.first(f, key);
  }

  private static String or(String a, String b) {
    return a != null ? a : b;
  }
}
