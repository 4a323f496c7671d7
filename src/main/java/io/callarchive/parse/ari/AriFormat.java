package io.callarchive.parse.ari;

import static io.callarchive.parse.json.JsonValues.at;
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
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Asterisk REST Interface websocket events (event-sources §2): one JSON object per message, written by a
 * collector as JSON lines or dumped pretty-printed by {@code ari set debug} (§2.7 item 9). Stateless and
 * thread-safe.
 */
public final class AriFormat implements EventFormat {

  private static final Pattern ARI_TYPE = Pattern.compile("\"type\"\\s*:\\s*\"[A-Z][A-Za-z]+\"");

  /** Messages on the event websocket that are replies, not events (§2.2, §2.4 last row). */
  private static final Set<String> NOT_EVENTS = Set.of("MissingParams", "RESTResponse");

  private static final Set<String> HOST_EVENTS =
      Set.of("EndpointStateChange", "PeerStatusChange", "ContactStatusChange", "DeviceStateChanged");

  /** Final Dial statuses that mean the attempt failed (§11.2). */
  private static final Set<String> DIAL_FAILED =
      Set.of("BUSY", "NOANSWER", "CANCEL", "CONGESTION", "CHANUNAVAIL", "DONTCALL", "TORTURE", "INVALIDARGS", "ABORT");

  @Override
  public String name() {
    return "ari";
  }

  @Override
  public String dataset() {
    return "asterisk.ari";
  }

  @Override
  public String rawField() {
    return "ari";
  }

  /**
   * An ARI event names its type in CamelCase and carries {@code application} or {@code asterisk_id} (§2.2); the
   * Swagger declaration of the events ({@code rest-api/api-docs/events.json}) is recognised too, so that it is
   * read by this format and skipped as documentation.
   */
  @Override
  public boolean detect(byte[] head, int length) {
    String s = new String(head, 0, length, StandardCharsets.UTF_8);
    String t = s.stripLeading();
    if (!t.startsWith("{") && !t.startsWith("[")) return false;
    if (s.contains("\"swaggerVersion\"") && s.contains("/ari")) return true;
    return ARI_TYPE.matcher(s).find() && (s.contains("\"application\"") || s.contains("\"asterisk_id\""));
  }

  @Override
  public EventReader open(InputStream in, String origin) {
    return new JsonEventReader(in, origin, AriFormat::interpret);
  }

  static Parsed interpret(Map<String, Object> o, boolean lossy, byte[] raw, Provenance p) {
    Object type = o.get("type");
    if (type == null) {
      if (o.containsKey("swaggerVersion") || (o.containsKey("apiVersion") && o.containsKey("models"))) {
        return new Parsed.Skipped("Swagger API declaration (ARI documentation schema), not an event", raw, p);
      }
      return new Parsed.Skipped("JSON object without 'type' is not an ARI message", raw, p);
    }
    String name = type instanceof String s ? s.strip() : null;
    if (name == null || name.isEmpty()) {
      return new Parsed.Malformed("ARI message 'type' is not a non-empty string", raw, p);
    }
    if (NOT_EVENTS.contains(name)) return new Parsed.Skipped(name + " is a reply, not an event", raw, p);
    JsonTimes.Stamp ts = JsonTimes.parseIso(text(o.get("timestamp")));
    return new Parsed.Event(
        name, o, ts == null ? null : ts.time(), ts == null ? null : ts.precision(), lossy, raw, p);
  }

  @Override
  public void normalise(Parsed.Event event, Doc doc) {
    Map<String, Object> f = event.fields();
    String type = event.action();
    // The leg the event is about: the dialled channel for Dial (§2.4), the transferer for transfers.
    Map<String, Object> ch =
        switch (type) {
          case "Dial" -> map(f.get("peer"));
          case "BridgeAttendedTransfer" -> map(f.get("transferer_first_leg"));
          default -> map(f.get("channel"));
        };
    Map<String, Object> callerCh = type.equals("Dial") ? map(f.get("caller")) : null;
    Map<String, Object> bridge = map(f.get("bridge"));
    String channelId = text(at(ch, "id"));
    String bridgeId = text(at(bridge, "id"));

    // Session key (§2.6, §6): ARI has no linkedid unless channelvars = CHANNEL(linkedid) is configured; else the
    // originating leg (the caller of a Dial), else the leg, else the bridge for bridge-only events, else the
    // target of a playback or recording.
    String callId = text(at(callerCh, "channelvars", "CHANNEL(linkedid)"));
    if (callId == null) callId = text(at(ch, "channelvars", "CHANNEL(linkedid)"));
    if (callId == null) callId = text(at(callerCh, "id"));
    if (callId == null) callId = channelId;
    if (callId == null) callId = bridgeId;
    if (callId == null) callId = targetId(f);
    doc.put("call.id", callId);
    doc.put("channel.id", channelId);
    doc.put("channel.name", text(at(ch, "name")));
    doc.put("channel.state", text(at(ch, "state")));
    doc.put("channel.peer_id", text(at(callerCh, "id")));
    doc.put("dialog.id", bridgeId);

    if (callerCh != null) {
      doc.put("caller.number", text(at(callerCh, "caller", "number")));
      doc.put("caller.name", text(at(callerCh, "caller", "name")));
    } else {
      doc.put("caller.number", text(at(ch, "caller", "number")));
      doc.put("caller.name", text(at(ch, "caller", "name")));
    }
    if (type.equals("Dial")) {
      // the dialled channel's own caller id is the reached party, as AMI's DestCallerIDNum (§1.6)
      doc.put("callee.number", text(at(ch, "caller", "number")));
      doc.put("callee.name", text(at(ch, "caller", "name")));
    } else {
      doc.put("callee.number", text(at(ch, "connected", "number")));
      doc.put("callee.name", text(at(ch, "connected", "name")));
    }

    doc.put("dialplan.context", text(at(ch, "dialplan", "context")));
    doc.put("dialplan.exten", text(at(ch, "dialplan", "exten")));
    doc.put("dialplan.priority", integer(at(ch, "dialplan", "priority")));
    String app = text(f.get("dialplan_app"));
    doc.put("dialplan.app", app != null ? app : text(at(ch, "dialplan", "app_name")));
    String appData = text(f.get("dialplan_app_data"));
    doc.put("dialplan.app_data", appData != null ? appData : text(at(ch, "dialplan", "app_data")));

    if (type.equals("ChannelDestroyed") || type.equals("ChannelHangupRequest")) {
      Long cause = integer(f.get("cause"));
      if (cause != null && cause >= 0 && cause <= 127) doc.put("hangup.cause.q850", cause); // Q.850 range
    }

    if (HOST_EVENTS.contains(type)) {
      doc.put("event.category", List.of("host"));
      doc.put("event.type", List.of("info"));
    } else {
      doc.put("event.category", List.of("session"));
      doc.put(
          "event.type",
          List.of(
              switch (type) {
                case "ChannelCreated" -> "start";
                case "ChannelDestroyed" -> "end";
                default -> "info";
              }));
    }
    if (type.equals("Dial")) {
      String status = text(f.get("dialstatus"));
      if ("ANSWER".equals(status)) doc.put("event.outcome", "success");
      else if (status != null && DIAL_FAILED.contains(status)) doc.put("event.outcome", "failure");
    } else if (type.equals("RecordingFailed")) {
      doc.put("event.outcome", "failure");
    }
  }

  /** The id in a playback's or recording's {@code target_uri} ({@code channel:<id>}, {@code bridge:<id>}). */
  private static String targetId(Map<String, Object> f) {
    String uri = text(at(f, "playback", "target_uri"));
    if (uri == null) uri = text(at(f, "recording", "target_uri"));
    if (uri == null) return null;
    int colon = uri.indexOf(':');
    String kind = colon < 0 ? "" : uri.substring(0, colon);
    if (!kind.equals("channel") && !kind.equals("bridge")) return null;
    String id = uri.substring(colon + 1).strip();
    return id.isEmpty() ? null : id;
  }
}
