package io.callarchive.parse.ccs;

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
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Incoplax "ccsevents" class: call (leg), connection (dialog) and seance (session) events (event-sources §5).
 * No capture exists yet, so this follows the proposed canonical shape of §5.3 and its tolerance rules: key
 * aliases matched case-insensitively, a flat object or one wrapped in {@code data}/{@code payload}/{@code args},
 * times as ISO text or numbers of any unit (§5.4). Delivered as JSON lines, arrays or concatenated objects
 * (§5.2, §9). Stateless and thread-safe.
 */
public final class CcsFormat implements EventFormat {

  /** The nineteen events of the class (§5.1). Others are archived too: unknown is normal. */
  public static final Set<String> EVENTS =
      Set.of(
          "call_create", "call_update", "call_set_state", "call_attach_to_seance", "call_dtmf", "call_delete",
          "connection_create", "connection_update", "connection_link_call", "connection_attach_to_seance",
          "connection_start_record", "connection_set_record_info", "connection_failure", "connection_delete",
          "seance_create", "seance_update", "seance_set_state", "seance_set_next_number", "seance_delete");

  // §5.3 aliases
  static final String[] TYPE = {"type", "event", "eventtype", "name"};
  static final String[] TS = {"ts", "timestamp", "eventts", "time"};
  static final String[] CALL_ID = {"call_id", "callid"};
  static final String[] CONNECTION_ID = {"connection_id", "connectionid", "dialogid"};
  static final String[] SEANCE_ID = {"seance_id", "seanceid", "sessionid"};
  static final String[] DOMAIN = {"domain", "domainname", "domain_name"};
  private static final String[] WRAPPERS = {"data", "payload", "args"};

  private static final Pattern CCS_TYPE =
      // keys in any case (§5.3), the event names in lower case as documented (§5.1): Kazoo's upper-case
      // CALL_SECURE in a {"name":..,"args":..} envelope must not look like ccs
      Pattern.compile("\"(?i:type|event|eventtype|name)\"\\s*:\\s*\"(?:call|connection|seance)_[a-z_]+\"");

  @Override
  public String name() {
    return "ccs";
  }

  @Override
  public String dataset() {
    return "ccs.events";
  }

  @Override
  public String rawField() {
    return "ccs";
  }

  @Override
  public boolean detect(byte[] head, int length) {
    String s = new String(head, 0, length, StandardCharsets.UTF_8);
    String t = s.stripLeading();
    if (!t.startsWith("{") && !t.startsWith("[")) return false;
    return s.toLowerCase(Locale.ROOT).contains("\"ccsevents\"") || CCS_TYPE.matcher(s).find();
  }

  @Override
  public EventReader open(InputStream in, String origin) {
    return new JsonEventReader(in, origin, CcsFormat::interpret);
  }

  static Parsed interpret(Map<String, Object> o, boolean lossy, byte[] raw, Provenance p) {
    String cls = text(find(o, "class"));
    if (cls != null && !cls.equalsIgnoreCase("ccsevents")) {
      return new Parsed.Skipped("event class '" + cls + "' is not ccsevents", raw, p);
    }
    Object type = find(o, TYPE);
    if (type == null) return new Parsed.Skipped("JSON object without an event type is not a ccs event", raw, p);
    String name = text(type);
    if (!(type instanceof String) || name == null) {
      return new Parsed.Malformed("ccs event type is not a non-empty string", raw, p);
    }
    JsonTimes.Stamp ts = JsonTimes.parse(find(o, TS));
    return new Parsed.Event(name, o, ts == null ? null : ts.time(), ts == null ? null : ts.precision(), lossy, raw, p);
  }

  @Override
  public void normalise(Parsed.Event event, Doc doc) {
    Map<String, Object> f = event.fields();
    String type = event.action().toLowerCase(Locale.ROOT);
    String seance = text(find(f, SEANCE_ID));
    String call = callId(f, type);
    // the session is the seance (§5.4); a call not attached to one yet has no session key
    doc.put("call.id", seance);
    doc.put("channel.id", call);
    doc.put("dialog.id", text(find(f, CONNECTION_ID)));
    if (type.startsWith("call_")) doc.put("channel.state", text(find(f, "state")));

    // Assumption (§5.3 is a proposal): "number" is the subscriber of this leg and "remote_number" the other
    // party; "in" means the subscriber called the platform.
    String direction = text(find(f, "direction"));
    String number = text(find(f, "number"));
    String remote = text(find(f, "remote_number", "remotenumber"));
    if ("in".equalsIgnoreCase(direction)) {
      doc.put("caller.number", number);
      doc.put("callee.number", remote);
    } else if ("out".equalsIgnoreCase(direction)) {
      doc.put("caller.number", remote);
      doc.put("callee.number", number);
    }

    JsonTimes.Stamp ts = JsonTimes.parse(find(f, TS));
    // ECS event.timezone: the text had no offset and UTC was assumed (§5.4 "assume UTC and flag it")
    if (ts != null && ts.zoneAssumed()) doc.put("event.timezone", "UTC");

    if (type.equals("connection_failure")) {
      doc.put("event.outcome", "failure");
      Map<String, Object> failure = map(find(f, "failure"));
      Long q850 = integer(failure == null ? null : failure.get("q850"));
      if (q850 != null && q850 >= 0 && q850 <= 127) doc.put("hangup.cause.q850", q850);
      Long sip = integer(failure == null ? null : failure.get("sip_code"));
      if (sip != null && sip >= 100 && sip <= 699) doc.put("hangup.sip_code", sip);
    }
    doc.put("event.category", List.of("session"));
    doc.put(
        "event.type",
        List.of(type.endsWith("_create") ? "start" : type.endsWith("_delete") ? "end" : "info"));
  }

  /**
   * One event per delivery would index the copy each involved domain receives (§5.1) as separate documents; the
   * copies differ only in the domain, so the identity leaves it out (§5.4): the event {@code id} when the
   * platform sends one, else (type, entity id, time, state). Null, so the raw bytes decide, when there is
   * neither an id nor an entity id: two different events could otherwise collapse.
   */
  @Override
  public String identity(Parsed.Event event) {
    Map<String, Object> f = event.fields();
    String id = text(ci(f, "id"));
    if (id != null) return "id:" + id;
    String type = event.action().toLowerCase(Locale.ROOT);
    String entity =
        type.startsWith("call_") ? callId(f, type)
            : type.startsWith("connection_") ? text(find(f, CONNECTION_ID))
            : type.startsWith("seance_") ? text(find(f, SEANCE_ID))
            : null;
    if (entity == null) return null;
    String time = event.time() != null ? event.time().toString() : String.valueOf(text(find(f, TS)));
    String state = text(find(f, "state"));
    return String.join("|", type, entity, time, state == null ? "" : state);
  }

  /**
   * The leg id: {@code call_id}/{@code callid} anywhere, or {@code id} inside the wrapper of a call event
   * (§5.3). A top-level {@code id} is the event id of the canonical shape, never the leg.
   */
  private static String callId(Map<String, Object> f, String type) {
    String c = text(find(f, CALL_ID));
    if (c == null && type.startsWith("call_")) {
      for (String w : WRAPPERS) {
        c = text(ci(map(ci(f, w)), "id"));
        if (c != null) break;
      }
    }
    return c;
  }

  /** A key under any of its aliases, case-insensitively, at the top level first, then inside a wrapper. */
  static Object find(Map<String, Object> o, String... aliases) {
    for (String a : aliases) {
      Object v = ci(o, a);
      if (v != null) return v;
    }
    for (String w : WRAPPERS) {
      Map<String, Object> inner = map(ci(o, w));
      if (inner == null) continue;
      for (String a : aliases) {
        Object v = ci(inner, a);
        if (v != null) return v;
      }
    }
    return null;
  }

  private static Object ci(Map<String, Object> m, String key) {
    if (m == null) return null;
    Object v = m.get(key);
    if (v != null) return v;
    for (Map.Entry<String, Object> e : m.entrySet()) {
      if (e.getKey().equalsIgnoreCase(key)) return e.getValue();
    }
    return null;
  }
}
