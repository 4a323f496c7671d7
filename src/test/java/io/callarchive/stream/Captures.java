package io.callarchive.stream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Captures written for the stream tests: answered two-leg calls as an Asterisk manager session sends them
 * (event-sources §1.2, timestampevents=yes) and as a FreeSWITCH event socket sends them in {@code event json ALL}
 * (§3.2: Content-Length envelopes, JSON bodies with {@code Event-Sequence}). One frame per event, each exactly as
 * on the wire.
 */
final class Captures {
  private Captures() {}

  /** Events per AMI call and per FreeSWITCH call. */
  static final int AMI_EVENTS_PER_CALL = 8;
  static final int ESL_EVENTS_PER_CALL = 6;

  static String amiTime(Instant t) {
    return t.getEpochSecond() + "." + String.format("%06d", t.getNano() / 1000);
  }

  /** One AMI event block with its empty line. */
  static byte[] ami(String event, Instant t, String... kv) {
    StringBuilder b = new StringBuilder("Event: ").append(event).append("\r\n");
    b.append("Privilege: call,all\r\n");
    b.append("Timestamp: ").append(amiTime(t)).append("\r\n");
    for (int i = 0; i < kv.length; i += 2) b.append(kv[i]).append(": ").append(kv[i + 1]).append("\r\n");
    return b.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String[] channel(String name, String uid, String linked, String state, String num, String exten, String... extra) {
    List<String> kv = new ArrayList<>(List.of("Channel", name, "ChannelState", state, "CallerIDNum", num,
        "CallerIDName", "Caller " + num, "ConnectedLineNum", "<unknown>", "ConnectedLineName", "<unknown>",
        "Context", "from-internal", "Exten", exten, "Priority", "1", "Uniqueid", uid, "Linkedid", linked));
    kv.addAll(List.of(extra));
    return kv.toArray(String[]::new);
  }

  /**
   * Call {@code n}: extension 1xx dials 06123xxxxx on a trunk, answered after 2 s, hung up {@code talk} seconds
   * later; both legs end. Starts at {@code start}.
   */
  static List<byte[]> amiCall(int n, Instant start, double talk) {
    String a = String.format("PJSIP/1%02d-%08x", n % 100, 2 * n);
    String b = String.format("PJSIP/trunk-%08x", 2 * n + 1);
    String ua = start.getEpochSecond() + "." + (2 * n);
    String ub = start.getEpochSecond() + "." + (2 * n + 1);
    String num = "1" + String.format("%02d", n % 100);
    String dest = String.format("06123%05d", n);
    Instant t1 = start.plusMillis(100);
    Instant t2 = start.plusMillis(2000);
    Instant end = start.plusMillis(2000 + Math.round(talk * 1000));
    List<byte[]> out = new ArrayList<>();
    out.add(ami("Newchannel", start, channel(a, ua, ua, "0", num, dest)));
    out.add(ami("Newchannel", t1, channel(b, ub, ua, "0", "<unknown>", "s")));
    out.add(ami("DialBegin", t1, channel(a, ua, ua, "4", num, dest, "DestChannel", b, "DestUniqueid", ub,
        "DestLinkedid", ua, "DestCallerIDNum", dest)));
    out.add(ami("Newstate", t2, channel(b, ub, ua, "6", dest, "s")));
    out.add(ami("Newstate", t2, channel(a, ua, ua, "6", num, dest)));
    out.add(ami("DialEnd", t2, channel(a, ua, ua, "6", num, dest, "DestUniqueid", ub, "DestLinkedid", ua, "DialStatus", "ANSWER")));
    out.add(ami("Hangup", end, channel(b, ub, ua, "6", dest, "s", "Cause", "16", "Cause-txt", "Normal Clearing")));
    out.add(ami("Hangup", end.plusMillis(200), channel(a, ua, ua, "6", num, "h", "Cause", "16", "Cause-txt", "Normal Clearing")));
    return out;
  }

  /** {@code calls} calls one after the other, {@code gapMs} apart. */
  static List<byte[]> amiCalls(int calls, Instant start, long gapMs, double talk) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < calls; i++) out.addAll(amiCall(i, start.plusMillis(i * gapMs), talk));
    return out;
  }

  /** The call of {@code n} uuid of leg {@code leg}. */
  static String uuid(int n, int leg) {
    return String.format("a1b2c3d4-0000-4000-8000-%06d%06d", n, leg);
  }

  private static String us(Instant t) {
    return Long.toString(t.getEpochSecond() * 1_000_000 + t.getNano() / 1000);
  }

  /** One FreeSWITCH json event envelope. */
  static byte[] esl(long seq, String name, Instant t, Map<String, String> headers) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("Event-Name", name);
    m.put("Core-UUID", "5e1f0000-0000-4000-8000-00000000c0de");
    m.put("FreeSWITCH-Hostname", "fs1");
    m.put("FreeSWITCH-Switchname", "fs1");
    m.put("Event-Date-Timestamp", us(t));
    m.put("Event-Sequence", Long.toString(seq));
    m.putAll(headers);
    StringBuilder json = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, String> e : m.entrySet()) {
      if (!first) json.append(',');
      first = false;
      json.append('"').append(e.getKey()).append("\":\"").append(e.getValue().replace("\"", "\\\"")).append('"');
    }
    json.append('}');
    byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(("Content-Length: " + body.length + "\nContent-Type: text/event-json\n\n").getBytes(StandardCharsets.US_ASCII));
    o.writeBytes(body);
    return o.toByteArray();
  }

  private static Map<String, String> leg(int n, int leg, Instant created, String... extra) {
    Map<String, String> m = new LinkedHashMap<>();
    String a = uuid(n, 0);
    String id = uuid(n, leg);
    m.put("Unique-ID", id);
    m.put("Caller-Unique-ID", id);
    m.put("Channel-Call-UUID", a);
    if (leg == 0) {
      m.put("Call-Direction", "inbound");
      m.put("Channel-Name", "sofia/external/+3361234" + String.format("%04d", n) + "@carrier.example");
      m.put("Caller-Caller-ID-Number", "+3361234" + String.format("%04d", n));
      m.put("Caller-Destination-Number", "2001");
    } else {
      m.put("Call-Direction", "outbound");
      m.put("Channel-Name", "sofia/internal/2001@10.0.0.21");
      m.put("Caller-Caller-ID-Number", "+3361234" + String.format("%04d", n));
      m.put("Caller-Callee-ID-Number", "2001");
      m.put("Caller-Destination-Number", "2001");
      m.put("Other-Leg-Unique-ID", a);
      m.put("variable_originating_leg_uuid", a);
    }
    m.put("Caller-Channel-Created-Time", us(created));
    for (int i = 0; i < extra.length; i += 2) m.put(extra[i], extra[i + 1]);
    return m;
  }

  /** FreeSWITCH call {@code n}, Event-Sequence from {@code seq}: create ×2, answer ×2, hangup-complete ×2. */
  static List<byte[]> eslCall(int n, Instant start, double talk, long seq) {
    Instant t1 = start.plusMillis(100);
    Instant ans = start.plusMillis(2000);
    Instant end = start.plusMillis(2000 + Math.round(talk * 1000));
    List<byte[]> out = new ArrayList<>();
    out.add(esl(seq++, "CHANNEL_CREATE", start, leg(n, 0, start)));
    out.add(esl(seq++, "CHANNEL_CREATE", t1, leg(n, 1, t1)));
    out.add(esl(seq++, "CHANNEL_ANSWER", ans, leg(n, 1, t1, "Caller-Channel-Answered-Time", us(ans))));
    out.add(esl(seq++, "CHANNEL_ANSWER", ans, leg(n, 0, start, "Caller-Channel-Answered-Time", us(ans))));
    out.add(esl(seq++, "CHANNEL_HANGUP_COMPLETE", end, leg(n, 1, t1, "Hangup-Cause", "NORMAL_CLEARING",
        "variable_hangup_cause_q850", "16", "Caller-Channel-Answered-Time", us(ans), "Caller-Channel-Hangup-Time", us(end))));
    Instant end2 = end.plusMillis(200);
    out.add(esl(seq, "CHANNEL_HANGUP_COMPLETE", end2, leg(n, 0, start, "Hangup-Cause", "NORMAL_CLEARING",
        "variable_hangup_cause_q850", "16", "Caller-Channel-Answered-Time", us(ans), "Caller-Channel-Hangup-Time", us(end2))));
    return out;
  }

  static List<byte[]> eslCalls(int calls, Instant start, long gapMs, double talk) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < calls; i++) out.addAll(eslCall(i, start.plusMillis(i * gapMs), talk, 1000 + (long) i * ESL_EVENTS_PER_CALL));
    return out;
  }

  /** The frames as a capture file of the session: AMI with its banner, as the batch import reads it. */
  static byte[] file(String banner, List<byte[]> frames) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    if (banner != null) o.writeBytes(banner.getBytes(StandardCharsets.US_ASCII));
    for (byte[] f : frames) o.writeBytes(f);
    return o.toByteArray();
  }
}
