package io.callarchive.parse.ami;

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

/** Asterisk Manager Interface text (event-sources §1). */
public final class AmiFormat implements EventFormat {

  private static final Set<String> SECURITY_EVENTS =
      Set.of(
          "failedacl", "invalidaccountid", "sessionlimit", "memorylimit", "loadaveragelimit",
          "requestnotsupported", "requestnotallowed", "authmethodnotallowed", "requestbadformat",
          "successfulauth", "unexpectedaddress", "challengeresponsefailed", "invalidpassword",
          "challengesent", "invalidtransport");

  @Override
  public String name() {
    return "ami";
  }

  @Override
  public String dataset() {
    return "asterisk.ami";
  }

  @Override
  public String rawField() {
    return "ami";
  }

  @Override
  public boolean detect(byte[] head, int length) {
    String s = new String(head, 0, length, StandardCharsets.ISO_8859_1);
    if (s.startsWith("Asterisk Call Manager/")) return true;
    for (String line : s.split("\r?\n", 40)) {
      String l = line.toLowerCase(Locale.ROOT);
      if (l.startsWith("event: ") || l.startsWith("action: ") || l.startsWith("response: ")) {
        return true;
      }
      if (l.startsWith("content-type:") || l.startsWith("event-name:")) return false;
    }
    return false;
  }

  @Override
  public EventReader open(InputStream in, String origin) {
    return new AmiReader(in, origin);
  }

  @Override
  public void normalise(Parsed.Event event, Doc doc) {
    Map<String, Object> f = event.fields();
    String action = event.action();
    String lower = action.toLowerCase(Locale.ROOT);
    String linkedid = party(first(f, "Linkedid", "LinkedID"));
    String uniqueid = party(first(f, "Uniqueid", "UniqueID"));
    doc.put("call.id", linkedid != null ? linkedid : uniqueid);
    doc.put("channel.id", uniqueid);
    doc.put("channel.name", party(first(f, "Channel")));
    doc.put("caller.number", party(first(f, "CallerIDNum", "CallerIDnum")));
    doc.put("caller.name", unescape(party(first(f, "CallerIDName"))));
    String destNum = party(first(f, "DestCallerIDNum"));
    doc.put("callee.number", destNum != null ? destNum : party(first(f, "ConnectedLineNum")));
    String destName = party(first(f, "DestCallerIDName"));
    doc.put("callee.name", unescape(destName != null ? destName : party(first(f, "ConnectedLineName"))));
    doc.put("queue.name", first(f, "Queue"));

    String privilege = first(f, "Privilege");
    String cls = privilege == null ? "" : privilege.split(",")[0].trim().toLowerCase(Locale.ROOT);
    if (SECURITY_EVENTS.contains(lower) || cls.equals("security")) {
      doc.put("event.category", List.of("authentication"));
      doc.put("event.type", List.of(lower.equals("successfulauth") ? "start" : "info"));
    } else if (lower.startsWith("rtcp")) {
      doc.put("event.category", List.of("network"));
      doc.put("event.type", List.of("info"));
    } else {
      doc.put("event.category", List.of("session"));
      doc.put(
          "event.type",
          List.of(
              switch (lower) {
                case "newchannel" -> "start";
                case "hangup" -> "end";
                default -> "info";
              }));
    }
  }

  /** First value of any of the keys (case-insensitively), trimmed of the trailing blanks some dumps carry. */
  static String first(Map<String, Object> f, String... keys) {
    for (String k : keys) {
      Object v = f.get(k);
      if (v == null) {
        for (Map.Entry<String, Object> e : f.entrySet()) {
          if (e.getKey().trim().equalsIgnoreCase(k)) {
            v = e.getValue();
            break;
          }
        }
      }
      if (v instanceof List<?> l && !l.isEmpty()) v = l.get(0);
      if (v instanceof String s) {
        String t = s.strip();
        if (!t.isEmpty()) return t;
      }
    }
    return null;
  }

  /** Asterisk's placeholders for "no value" (event-sources §1.12 item 7). */
  private static String party(String v) {
    if (v == null) return null;
    return switch (v) {
      case "<unknown>", "<null>", "none", "<none>" -> null;
      default -> v;
    };
  }

  /** Undoes Asterisk's C escaping of caller names and variable values (event-sources §1.2). */
  static String unescape(String s) {
    if (s == null || s.indexOf('\\') < 0) return s;
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 == s.length()) {
        out.append(c);
        continue;
      }
      char n = s.charAt(++i);
      out.append(
          switch (n) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'a' -> '\007';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'v' -> '\013';
            default -> n; // \\ \" \' \?
          });
    }
    return out.toString();
  }
}
