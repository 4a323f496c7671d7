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

  /**
   * An AMI message ends with an empty line (event-sources §1.2): a block the end of the file closed instead is
   * still being written, whatever it parsed as ({@code Channel: PJSIP/} cut from {@code PJSIP/100-0000002a}).
   * The banner is one line.
   */
  @Override
  public boolean completeAtEnd(Parsed last, byte[] after) {
    if (last instanceof Parsed.Malformed) return false;
    byte[] raw = last.raw();
    if (raw.length == 0 || raw[raw.length - 1] != '\n') return false;
    if (last instanceof Parsed.Skipped s && s.reason().equals("banner")) return true;
    for (byte b : after) if (b == '\n') return true;
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
    String p = subjectPrefix(f);
    String linkedid = party(first(f, p + "Linkedid", p + "LinkedID"));
    String uniqueid = party(first(f, p + "Uniqueid", p + "UniqueID"));
    doc.put("call.id", linkedid != null ? linkedid : uniqueid);
    doc.put("channel.id", uniqueid);
    doc.put("channel.name", party(first(f, p + "Channel")));
    doc.put("caller.number", party(first(f, p + "CallerIDNum", p + "CallerIDnum")));
    doc.put("caller.name", unescape(party(first(f, p + "CallerIDName"))));
    String destNum = party(first(f, "DestCallerIDNum"));
    doc.put("callee.number", destNum != null ? destNum : party(first(f, p + "ConnectedLineNum")));
    String destName = party(first(f, "DestCallerIDName"));
    doc.put("callee.name", unescape(destName != null ? destName : party(first(f, p + "ConnectedLineName"))));
    if (lower.equals("cdr")) {
      // Cdr rows have no snapshot: Source/Destination are the numbers, CallerID is '"name" <num>' (§1.6).
      doc.putIfAbsent("caller.number", party(first(f, "Source")));
      doc.putIfAbsent("callee.number", party(first(f, "Destination")));
      doc.putIfAbsent("caller.name", unescape(callerIdName(first(f, "CallerID"))));
    }
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

  /**
   * Prefixes of the snapshot an event is about when it has no un-prefixed one (§1.3, §1.5): parking events
   * carry only Parkee/Parker, transfers Transferer/Transferee, Local optimisation LocalOne/LocalTwo/Source.
   */
  private static final List<String> SUBJECT_PREFIXES =
      List.of("Parkee", "Transferer", "OrigTransferer", "Transferee", "LocalOne", "Source", "Spyee", "Retriever",
          "SecondTransferer", "LocalTwo", "Parker", "Spy");

  /** "" when the event has its own snapshot (or none at all), else the prefix of the snapshot it is about. */
  static String subjectPrefix(Map<String, Object> f) {
    if (first(f, "Uniqueid", "Channel", "Linkedid") != null) return "";
    for (String p : SUBJECT_PREFIXES) {
      if (f.containsKey(p + "Uniqueid") || f.containsKey(p + "Channel")) return p;
    }
    return "";
  }

  /** The name of a CDR CallerID {@code "Alice" <1001>}; null when there is no quoted name. */
  static String callerIdName(String callerId) {
    if (callerId == null || !callerId.startsWith("\"")) return null;
    int close = callerId.lastIndexOf("\" <");
    return close > 0 ? callerId.substring(1, close) : null;
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
