package io.callarchive.it;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Realistic generated traffic, the way a PBX emits it (event-sources §1, §3, §4): two-leg calls of 25+ AMI events
 * (channels, variables, dial, bridge, RTCP both ways, hangup requests, CDR), some busy, some through a queue, some
 * charged (AOC-D/E), with authentication failures in between; FreeSWITCH legs (create, progress, answer, bridge,
 * heartbeat, hangup, hangup complete, destroy); Kazoo call events of both legs. Calls overlap (a new call every
 * {@code gap} seconds, each lasting one to two minutes), so sessions are open across chunk commits and file ends.
 */
public final class Traffic {
  private Traffic() {}

  static final long T0 = 1_763_805_600L; // 2025-11-22T10:00:00Z

  /** One event with its time, so that several generators' events can be written in time order. */
  public record Timed(double t, String text) {}

  /** AMI events of {@code calls} calls, in time order. */
  public static List<Timed> ami(int calls, double gap) {
    return ami(0, calls, gap);
  }

  /** Calls {@code [first, first + count)} of the same stream. */
  public static List<Timed> ami(int first, int count, double gap) {
    List<Timed> out = new ArrayList<>();
    for (int c = first; c < first + count; c++) {
      double t0 = c * gap;
      String a = (T0 + c) + "." + (2 * c);
      String b = (T0 + c) + "." + (2 * c + 1);
      String chanA = String.format("PJSIP/%d-%08x", 1000 + c % 50, 2 * c);
      String chanB = String.format("PJSIP/trunk-%08x", 2 * c + 1);
      String caller = String.valueOf(1000 + c % 50);
      String callee = "06" + String.format("%08d", 12_340_000 + c % 977);
      boolean busy = c % 9 == 4;
      boolean queue = c % 7 == 3 && !busy;
      double talk = 40 + (c * 37) % 80;
      String[] leg = {"Channel", chanA, "Uniqueid", a, "Linkedid", a, "CallerIDNum", caller, "CallerIDName", "User " + caller};
      String[] legB = {"Channel", chanB, "Uniqueid", b, "Linkedid", a, "CallerIDNum", callee, "CallerIDName", "<unknown>"};
      out.add(ami(t0, "Newchannel", leg, "ChannelState", "0", "ChannelStateDesc", "Down", "Context", "from-internal",
          "Exten", callee, "Priority", "1"));
      out.add(ami(t0 + 0.01, "VarSet", leg, "Variable", "CHANNEL(language)", "Value", "en"));
      out.add(ami(t0 + 0.02, "VarSet", leg, "Variable", "CDR(accountcode)", "Value", "acct" + c % 5));
      out.add(ami(t0 + 0.03, "Newexten", leg, "Context", "from-internal", "Exten", callee, "Application", "Dial"));
      if (queue) {
        out.add(ami(t0 + 0.05, "QueueCallerJoin", leg, "Queue", "support", "Position", "1", "Count", "1"));
        out.add(ami(t0 + 0.06, "AgentCalled", leg, "Queue", "support", "Interface", chanB, "MemberName", "agent" + c % 3,
            "DestChannel", chanB, "DestUniqueid", b, "DestLinkedid", a));
      }
      out.add(ami(t0 + 0.1, "Newchannel", legB, "ChannelState", "0", "ChannelStateDesc", "Down", "Context", "trunk",
          "Exten", "s", "Priority", "1"));
      out.add(ami(t0 + 0.11, "VarSet", legB, "Variable", "SIPCALLID", "Value", "sip-" + c + "@pbx"));
      out.add(ami(t0 + 0.12, "DialBegin", leg, "DestChannel", chanB, "DestUniqueid", b, "DestLinkedid", a,
          "DestCallerIDNum", callee, "DialString", "trunk/" + callee));
      out.add(ami(t0 + 1, "Newstate", legB, "ChannelState", "5", "ChannelStateDesc", "Ringing"));
      out.add(ami(t0 + 1.01, "Newstate", leg, "ChannelState", "4", "ChannelStateDesc", "Ring"));
      double end;
      if (busy) {
        out.add(ami(t0 + 3, "DialEnd", leg, "DestChannel", chanB, "DestUniqueid", b, "DestLinkedid", a, "DialStatus", "BUSY"));
        out.add(ami(t0 + 3.01, "HangupRequest", legB, "Cause", "17"));
        out.add(ami(t0 + 3.02, "Hangup", legB, "Cause", "17", "Cause-txt", "User busy"));
        end = t0 + 3.5;
      } else {
        double ans = t0 + 4 + c % 5;
        out.add(ami(ans, "Newstate", legB, "ChannelState", "6", "ChannelStateDesc", "Up"));
        out.add(ami(ans + 0.01, "DialEnd", leg, "DestChannel", chanB, "DestUniqueid", b, "DestLinkedid", a, "DialStatus", "ANSWER"));
        out.add(ami(ans + 0.02, "Newstate", leg, "ChannelState", "6", "ChannelStateDesc", "Up"));
        if (queue) {
          out.add(ami(ans + 0.03, "AgentConnect", leg, "Queue", "support", "Interface", chanB, "MemberName", "agent" + c % 3,
              "HoldTime", String.valueOf((int) (ans - t0)), "RingTime", "3", "DestChannel", chanB, "DestUniqueid", b,
              "DestLinkedid", a));
          out.add(ami(ans + 0.04, "QueueCallerLeave", leg, "Queue", "support", "Position", "1", "Count", "0"));
        }
        String bridge = "br-" + c;
        out.add(ami(ans + 0.05, "BridgeCreate", new String[0], "BridgeUniqueid", bridge, "BridgeType", "basic"));
        out.add(ami(ans + 0.06, "BridgeEnter", leg, "BridgeUniqueid", bridge, "BridgeNumChannels", "1"));
        out.add(ami(ans + 0.07, "BridgeEnter", legB, "BridgeUniqueid", bridge, "BridgeNumChannels", "2"));
        for (int r = 1; r <= 3; r++) {
          double rt = ans + r * talk / 4;
          int lost = c % 11 == 5 ? 26 : c % 3;
          out.add(ami(rt, "RTCPSent", leg, "To", "192.0.2." + (c % 200 + 1) + ":" + (10000 + 2 * c % 20000), "SSRC", "0x1a2b3c4d",
              "PT", "200(SR)", "ReportCount", "1", "SentPackets", String.valueOf(r * 500), "SentOctets",
              String.valueOf(r * 80000), "Report0SourceSSRC", "0x5e6f7a8b", "Report0FractionLost", String.valueOf(lost),
              "Report0CumulativeLost", String.valueOf(r * lost), "Report0HighestSequence", String.valueOf(r * 500),
              "Report0SequenceNumberCycles", "0", "Report0IAJitter", String.valueOf(80 + c % 40), "Report0LSR", "0",
              "Report0DLSR", "0.0000"));
          out.add(ami(rt + 0.01, "RTCPReceived", leg, "From", "192.0.2." + (c % 200 + 1) + ":" + (10001 + 2 * c % 20000),
              "RTT", "0.0" + (200 + c % 300), "SSRC", "0x5e6f7a8b", "PT", "201(RR)", "ReportCount", "1",
              "Report0SourceSSRC", "0x1a2b3c4d", "Report0FractionLost", String.valueOf(c % 4), "Report0CumulativeLost",
              String.valueOf(r), "Report0HighestSequence", String.valueOf(r * 499), "Report0SequenceNumberCycles", "0",
              "Report0IAJitter", String.valueOf(60 + c % 30), "Report0LSR", "0", "Report0DLSR", "0.0100"));
        }
        if (c % 5 == 2) {
          // Asterisk 13.3+ shape (§1.8)
          out.add(ami(ans + talk / 2, "AOC-D", legB, "Charge/Type", "Currency", "Charge/BillingID", "Normal",
              "Charge/TotalType", "SubTotal", "Charge/Currency/Name", "EUR", "Charge/Currency/Cost",
              String.valueOf(10 + c % 90), "Charge/Currency/Multiplier", "1/100"));
        }
        end = ans + talk;
        out.add(ami(end, "HangupRequest", leg, "Cause", "16"));
        out.add(ami(end + 0.01, "BridgeLeave", leg, "BridgeUniqueid", bridge, "BridgeNumChannels", "1"));
        out.add(ami(end + 0.02, "BridgeLeave", legB, "BridgeUniqueid", bridge, "BridgeNumChannels", "0"));
        out.add(ami(end + 0.03, "BridgeDestroy", new String[0], "BridgeUniqueid", bridge, "BridgeNumChannels", "0"));
        out.add(ami(end + 0.04, "SoftHangupRequest", legB, "Cause", "16"));
        out.add(ami(end + 0.05, "VarSet", legB, "Variable", "RTPAUDIOQOS", "Value",
            "ssrc=1;themssrc=2;lp=" + c % 4 + ";rxjitter=0.002;rxcount=" + (int) (talk * 50) + ";txjitter=0.003;txcount="
                + (int) (talk * 50) + ";rlp=0;rtt=0.020"));
        out.add(ami(end + 0.06, "Hangup", legB, "Cause", "16", "Cause-txt", "Normal Clearing"));
        end += 0.1;
        if (queue) {
          out.add(ami(end, "AgentComplete", leg, "Queue", "support", "Interface", chanB, "MemberName", "agent" + c % 3,
              "HoldTime", "4", "TalkTime", String.valueOf((int) talk), "Reason", "caller", "DestChannel", chanB,
              "DestUniqueid", b, "DestLinkedid", a));
        }
      }
      out.add(ami(end + 0.2, "Hangup", leg, "Cause", "16", "Cause-txt", "Normal Clearing"));
      out.add(ami(end + 0.3, "Cdr", new String[0], "AccountCode", "acct" + c % 5, "Source", caller, "Destination", callee,
          "Channel", chanA, "DestinationChannel", chanB, "Disposition", busy ? "BUSY" : "ANSWERED", "UniqueID", a));
      if (c % 4 == 1) {
        // an attacker between calls: the same few addresses try accounts
        String ip = "203.0.113." + (c % 3 + 10);
        out.add(ami(t0 + 1.5, "InvalidPassword", new String[0], "EventTV", isoTime(t0 + 1.5), "Severity", "Error",
            "Service", "PJSIP", "EventVersion", "1", "AccountID", "10" + (c % 20), "SessionID", "sid-" + c,
            "LocalAddress", "IPV4/UDP/198.51.100.1/5060", "RemoteAddress", "IPV4/UDP/" + ip + "/5060",
            "Challenge", "ch" + c, "ReceivedChallenge", "ch" + c, "ReceivedHash", "h" + c));
      }
    }
    out.sort((x, y) -> Double.compare(x.t(), y.t()));
    return out;
  }

  private static Timed ami(double t, String event, String[] channel, String... fields) {
    StringBuilder s = new StringBuilder();
    s.append("Event: ").append(event).append("\r\nPrivilege: call,all\r\n");
    s.append("Timestamp: ").append(stamp(t)).append("\r\n");
    for (int i = 0; i + 1 < channel.length; i += 2) s.append(channel[i]).append(": ").append(channel[i + 1]).append("\r\n");
    for (int i = 0; i + 1 < fields.length; i += 2) s.append(fields[i]).append(": ").append(fields[i + 1]).append("\r\n");
    s.append("\r\n");
    return new Timed(t, s.toString());
  }

  private static String stamp(double t) {
    long us = Math.round(t * 1e6);
    return String.format(Locale.ROOT, "%d.%06d", T0 + us / 1_000_000, us % 1_000_000);
  }

  /** EventTV: ISO-8601 with milliseconds and a zone without colon (§1.4). */
  private static String isoTime(double t) {
    java.time.Instant i = java.time.Instant.ofEpochMilli(T0 * 1000 + Math.round(t * 1000));
    return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ", Locale.ROOT)
        .withZone(java.time.ZoneOffset.UTC).format(i);
  }

  /** FreeSWITCH bare event blocks (event plain headers, §3) of {@code calls} bridged calls. */
  public static List<Timed> freeswitch(int calls, double gap) {
    return freeswitch(0, calls, gap);
  }

  /** Calls {@code [first, first + count)} of the same stream. */
  public static List<Timed> freeswitch(int first, int count, double gap) {
    List<Timed> out = new ArrayList<>();
    for (int c = first; c < first + count; c++) {
      double t0 = c * gap + 0.5;
      String a = String.format("a%07d-0000-4000-8000-%012d", c, c);
      String b = String.format("b%07d-0000-4000-8000-%012d", c, c);
      String from = "+3314" + String.format("%07d", 4_000_000 + c);
      String to = "+331" + String.format("%08d", 55_500_000 + c % 300);
      boolean noAnswer = c % 8 == 6;
      double ans = t0 + 3;
      double end = noAnswer ? t0 + 20 : ans + 30 + c % 60;
      for (String leg : new String[] {a, b}) {
        boolean isA = leg.equals(a);
        String other = isA ? b : a;
        String[] base = {"Unique-ID", leg, "Channel-Call-UUID", a, "Call-Direction", isA ? "inbound" : "outbound",
            "Channel-Name", isA ? "sofia/external/" + from + "@gw" : "sofia/internal/" + to + "@10.0.0.2",
            "Caller-Caller-ID-Number", from, "Caller-Caller-ID-Name", "Caller " + c, "Caller-Destination-Number", to,
            "FreeSWITCH-Switchname", "fs1", "Caller-Channel-Created-Time", String.valueOf(usec(t0 + (isA ? 0 : 0.1)))};
        double s = t0 + (isA ? 0 : 0.1);
        // what a leg of a bridged call emits with `event plain ALL` (§3): the state machine, the call states, the
        // dialplan applications of the A leg, presence, the bridge, heartbeats while it is up, the hang-up
        out.add(fs(s, "CHANNEL_CREATE", base, "Channel-State", "CS_INIT"));
        if (!isA) out.add(fs(s + 0.001, "CHANNEL_OUTGOING", base, "Other-Leg-Unique-ID", other));
        out.add(fs(s + 0.01, "CHANNEL_STATE", base, "Channel-State", "CS_ROUTING"));
        out.add(fs(s + 0.02, "CHANNEL_STATE", base, "Channel-State", isA ? "CS_EXECUTE" : "CS_CONSUME_MEDIA"));
        out.add(fs(s + 0.03, "PRESENCE_IN", base, "Channel-Presence-ID", (isA ? from : to) + "@fs1", "Presence-Call-Direction",
            isA ? "inbound" : "outbound", "Answer-State", "early"));
        if (isA) {
          String[][] apps = {{"set", "hangup_after_bridge=true"}, {"export", "nolocal:absolute_codec_string=PCMA"},
              {"bridge", "sofia/internal/" + to + "@10.0.0.2"}};
          for (int i = 0; i < apps.length; i++) {
            String uuid = String.format("e%07d-0000-4000-8000-%012d", c, i);
            out.add(fs(s + 0.04 + i * 0.01, "CHANNEL_EXECUTE", base, "Application", apps[i][0], "Application-Data", apps[i][1],
                "Application-UUID", uuid));
            if (i < apps.length - 1) {
              out.add(fs(s + 0.045 + i * 0.01, "CHANNEL_EXECUTE_COMPLETE", base, "Application", apps[i][0],
                  "Application-Data", apps[i][1], "Application-Response", "_none_", "Application-UUID", uuid));
            }
          }
        }
        out.add(fs(s + 0.4, "CHANNEL_CALLSTATE", base, "Channel-Call-State", "RINGING", "Original-Channel-Call-State", "DOWN"));
        out.add(fs(s + 0.5, "CHANNEL_PROGRESS", base, "Other-Leg-Unique-ID", other));
        if (!noAnswer) {
          out.add(fs(ans + (isA ? 0.01 : 0), "CHANNEL_ANSWER", base, "Other-Leg-Unique-ID", other,
              "Caller-Channel-Answered-Time", String.valueOf(usec(ans))));
          out.add(fs(ans + 0.02, "CHANNEL_CALLSTATE", base, "Channel-Call-State", "ACTIVE", "Original-Channel-Call-State", "RINGING"));
          out.add(fs(ans + 0.03, "PRESENCE_IN", base, "Channel-Presence-ID", (isA ? from : to) + "@fs1", "Answer-State", "confirmed"));
          out.add(fs(ans + 0.05, "CHANNEL_BRIDGE", base, "Other-Leg-Unique-ID", other, "Bridge-A-Unique-ID", a,
              "Bridge-B-Unique-ID", b));
          out.add(fs(ans + 0.06, "CHANNEL_STATE", base, "Channel-State", "CS_EXCHANGE_MEDIA"));
          for (double hb = ans + 20; hb < end; hb += 20) {
            out.add(fs(hb, "HEARTBEAT", base, "Other-Leg-Unique-ID", other));
          }
          out.add(fs(end - 0.01, "CHANNEL_UNBRIDGE", base, "Other-Leg-Unique-ID", other));
          if (isA) {
            out.add(fs(end - 0.005, "CHANNEL_EXECUTE_COMPLETE", base, "Application", "bridge", "Application-Data",
                "sofia/internal/" + to + "@10.0.0.2", "Application-Response", "_none_",
                "Application-UUID", String.format("e%07d-0000-4000-8000-%012d", c, 2)));
          }
        }
        String cause = noAnswer ? "NO_ANSWER" : "NORMAL_CLEARING";
        String q850 = noAnswer ? "19" : "16";
        double h = end + (isA ? 0.02 : 0);
        out.add(fs(h, "CHANNEL_HANGUP", base, "Hangup-Cause", cause, "variable_hangup_cause_q850", q850,
            "Caller-Channel-Hangup-Time", String.valueOf(usec(h))));
        out.add(fs(h + 0.001, "CHANNEL_CALLSTATE", base, "Channel-Call-State", "HANGUP", "Original-Channel-Call-State",
            noAnswer ? "RINGING" : "ACTIVE"));
        out.add(fs(h + 0.002, "CHANNEL_STATE", base, "Channel-State", "CS_HANGUP"));
        out.add(fs(h + 0.003, "PRESENCE_IN", base, "Channel-Presence-ID", (isA ? from : to) + "@fs1", "Answer-State", "terminated"));
        out.add(fs(h + 0.004, "CHANNEL_STATE", base, "Channel-State", "CS_REPORTING"));
        out.add(fs(h + 0.01, "CHANNEL_HANGUP_COMPLETE", base, "Hangup-Cause", cause, "variable_hangup_cause_q850", q850,
            "Caller-Channel-Hangup-Time", String.valueOf(usec(h)), "variable_billsec", String.valueOf((int) (end - ans))));
        out.add(fs(h + 0.015, "CHANNEL_STATE", base, "Channel-State", "CS_DESTROY"));
        out.add(fs(h + 0.02, "CHANNEL_DESTROY", base, "Hangup-Cause", cause));
      }
    }
    out.sort((x, y) -> Double.compare(x.t(), y.t()));
    return out;
  }

  private static long usec(double t) {
    return (T0 * 1_000_000L) + Math.round(t * 1e6);
  }

  private static Timed fs(double t, String name, String[] base, String... fields) {
    StringBuilder s = new StringBuilder();
    s.append("Event-Name: ").append(name).append('\n');
    s.append("Event-Date-Timestamp: ").append(usec(t)).append('\n');
    for (int i = 0; i + 1 < base.length; i += 2) s.append(base[i]).append(": ").append(enc(base[i + 1])).append('\n');
    for (int i = 0; i + 1 < fields.length; i += 2) s.append(fields[i]).append(": ").append(enc(fields[i + 1])).append('\n');
    String body = s.toString();
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    // the event plain envelope of mod_event_socket (§3.2): headers, a blank line, then the url-encoded body
    return new Timed(t, "Content-Length: " + (b.length + 1) + "\nContent-Type: text/event-plain\n\n" + body + "\n");
  }

  private static String enc(String v) {
    return java.net.URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Kazoo call events (JSON lines of AMQP payloads, §4) of {@code calls} two-leg calls. */
  public static List<Timed> kazoo(int calls, double gap) {
    return kazoo(0, calls, gap);
  }

  /** Calls {@code [first, first + count)} of the same stream. */
  public static List<Timed> kazoo(int first, int count, double gap) {
    List<Timed> out = new ArrayList<>();
    for (int c = first; c < first + count; c++) {
      double t0 = c * gap + 0.7;
      String a = "kz-a-" + c + "@10.1.0.1";
      String b = "kz-b-" + c + "@10.1.0.2";
      double ans = t0 + 2 + c % 4;
      double end = ans + 25 + c % 40;
      for (String leg : new String[] {a, b}) {
        boolean isA = leg.equals(a);
        String other = isA ? b : a;
        String created = String.valueOf(usec(t0 + (isA ? 0 : 0.2)));
        // what ecallmgr publishes on callevt for a leg of a bridged call (§4): the A leg runs its callflow's
        // applications, both legs see progress, answer, bridge, a DTMF or two, unbridge and the end
        double s0 = t0 + (isA ? 0 : 0.2);
        String[] names = isA
            ? new String[] {"CHANNEL_CREATE", "CHANNEL_EXECUTE", "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_EXECUTE",
              "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_EXECUTE", "CHANNEL_PROGRESS_MEDIA", "CHANNEL_ANSWER", "CHANNEL_BRIDGE",
              "DTMF", "DTMF", "CHANNEL_HOLD", "CHANNEL_UNHOLD", "CHANNEL_UNBRIDGE", "CHANNEL_EXECUTE_COMPLETE",
              "CHANNEL_DESTROY"}
            : new String[] {"CHANNEL_CREATE", "CHANNEL_PROGRESS_MEDIA", "CHANNEL_ANSWER", "CHANNEL_BRIDGE", "DTMF",
              "CHANNEL_HOLD", "CHANNEL_UNHOLD", "CHANNEL_UNBRIDGE", "CHANNEL_DESTROY"};
        double[] times = isA
            ? new double[] {s0, s0 + 0.01, s0 + 0.02, s0 + 0.03, s0 + 0.04, s0 + 0.05, s0 + 0.5, ans + 0.01, ans + 0.05,
              ans + 8, ans + 8.3, ans + 10, ans + 14, end - 0.01, end, end + 0.02}
            : new double[] {s0, s0 + 0.5, ans, ans + 0.05, ans + 16, ans + 10, ans + 14, end - 0.01, end + 0.01};
        for (int i = 0; i < names.length; i++) {
          long gregorian = T0 + (long) Math.floor(times[i]) + 62_167_219_200L;
          StringBuilder s = new StringBuilder();
          s.append("{\"name\":\"").append(names[i]).append("\",\"args\":{\"Event-Name\":\"").append(names[i])
              .append("\",\"Event-Category\":\"call_event\",\"Call-ID\":\"").append(leg)
              .append("\",\"Other-Leg-Call-ID\":\"").append(other)
              .append("\",\"Call-Direction\":\"").append(isA ? "inbound" : "outbound")
              .append("\",\"Caller-ID-Number\":\"+4930").append(String.format("%07d", 1_000_000 + c))
              .append("\",\"Callee-ID-Number\":\"+4940").append(String.format("%07d", 2_000_000 + c % 200))
              .append("\",\"Channel-Created-Time\":").append(created)
              .append(",\"Timestamp\":").append(gregorian)
              .append(",\"Msg-ID\":\"msg-").append(c).append('-').append(isA ? 'a' : 'b').append('-').append(i)
              .append("\",\"Media-Server\":\"kz1\",\"Custom-Channel-Vars\":{\"Account-ID\":\"acc").append(c % 7)
              .append("\"}");
          if (names[i].startsWith("CHANNEL_EXECUTE")) {
            s.append(",\"Application-Name\":\"").append(i < 3 ? "set" : i < 5 ? "answer" : "bridge").append('"');
          }
          if (names[i].equals("DTMF")) s.append(",\"DTMF-Digit\":\"").append(i % 10).append("\",\"DTMF-Duration\":\"2000\"");
          if (names[i].equals("CHANNEL_DESTROY")) {
            s.append(",\"Hangup-Cause\":\"NORMAL_CLEARING\",\"Billing-Seconds\":\"").append((int) (end - ans)).append('"');
          }
          s.append("}}\n");
          out.add(new Timed(times[i], s.toString()));
        }
      }
    }
    out.sort((x, y) -> Double.compare(x.t(), y.t()));
    return out;
  }

  /** A generator of calls {@code [first, first + count)}. */
  public interface Calls {
    List<Timed> make(int first, int count, double gap);
  }

  /**
   * Writes calls to one file until it holds {@code bytes}, a thousand calls at a time (so memory stays flat
   * whatever the size); returns the number of events written.
   */
  public static long stream(Calls calls, double gap, String header, Path file, long bytes) throws IOException {
    long written = 0, events = 0;
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      if (header != null) {
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        o.write(h);
        written += h.length;
      }
      for (int first = 0; written < bytes; first += 1000) {
        for (Timed t : calls.make(first, 1000, gap)) {
          byte[] b = t.text().getBytes(StandardCharsets.UTF_8);
          o.write(b);
          written += b.length;
          events++;
        }
      }
    }
    return events;
  }

  /** Writes events to files, cutting to the next file after each share of {@code split} (a log rotation). */
  public static List<Path> write(List<Timed> events, String header, Path dir, String name, int files) throws IOException {
    List<Path> out = new ArrayList<>();
    int per = (events.size() + files - 1) / files;
    for (int f = 0; f < files; f++) {
      Path p = dir.resolve(files == 1 ? name : name + "." + (files - 1 - f));
      try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(p), 1 << 16)) {
        if (header != null) o.write(header.getBytes(StandardCharsets.US_ASCII));
        for (int i = f * per; i < Math.min(events.size(), (f + 1) * per); i++) {
          o.write(events.get(i).text().getBytes(StandardCharsets.UTF_8));
        }
      }
      out.add(p);
    }
    return out;
  }
}
