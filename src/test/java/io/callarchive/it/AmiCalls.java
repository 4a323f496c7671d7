package io.callarchive.it;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * AMI captures of simple two-leg calls, written by the tests (AMI §1.3 channel snapshots, Asterisk 13+ event
 * names): leg A is the caller's channel, leg B the dialled one, sharing A's Linkedid. Each call can be rendered
 * whole or as one leg, so that a test can split the legs of the same calls across files.
 */
final class AmiCalls {
  /** How a call ends. */
  enum End { ANSWERED, BUSY, NO_ANSWER }

  /** One call; {@code queue} non-null puts the caller through that queue before the agent leg answers. */
  record Call(int n, Instant start, String caller, String callee, End end, String queue, Integer fractionLost) {
    String uniqueA() {
      return "1764000000." + (2 * n);
    }

    String uniqueB() {
      return "1764000000." + (2 * n + 1);
    }

    String channelA() {
      return String.format("PJSIP/%s-%08x", caller, 2 * n);
    }

    String channelB() {
      return String.format("PJSIP/%s-%08x", queue != null ? "agent" : "trunk", 2 * n + 1);
    }

    double duration() {
      return end == End.ANSWERED ? 65.5 : 20.5;
    }
  }

  private AmiCalls() {}

  /** Every event of the calls, both legs, in time order per call. */
  static String whole(List<Call> calls) {
    StringBuilder b = new StringBuilder();
    for (Call c : calls) for (String[] e : events(c)) b.append(e[1]);
    return b.toString();
  }

  /** The events of leg A (the caller's channel, its dial and queue events) or of leg B only. */
  static String leg(List<Call> calls, boolean legA) {
    StringBuilder b = new StringBuilder();
    for (Call c : calls) for (String[] e : events(c)) if (e[0].equals(legA ? "A" : "B")) b.append(e[1]);
    return b.toString();
  }

  /** The number of events {@link #whole} writes for a call. */
  static int eventCount(Call c) {
    return events(c).size();
  }

  /** Pairs of (leg, AMI text). */
  static List<String[]> events(Call c) {
    List<String[]> out = new ArrayList<>();
    String a = c.uniqueA();
    String bId = c.uniqueB();
    boolean answered = c.end() == End.ANSWERED;
    double end = c.duration() - 0.5;
    out.add(new String[] {"A", ami("Newchannel", c, 0, chan(c, true, "0", "s"))});
    if (c.queue() != null) {
      out.add(new String[] {"A", ami("QueueCallerJoin", c, 1, chan(c, true, "6", "s", "Queue", c.queue(), "Position", "1", "Count", "1"))});
    }
    out.add(new String[] {"B", ami("Newchannel", c, 1, chan(c, false, "0", "s"))});
    out.add(new String[] {"A", ami("DialBegin", c, 1, chan(c, true, "4", c.callee(), "DestChannel", c.channelB(),
        "DestUniqueid", bId, "DestLinkedid", a, "DestCallerIDNum", c.callee()))});
    out.add(new String[] {"B", ami("Newstate", c, 2, chan(c, false, "5", "s"))});
    if (answered) {
      out.add(new String[] {"B", ami("Newstate", c, 5, chan(c, false, "6", "s"))});
      out.add(new String[] {"A", ami("Newstate", c, 5, chan(c, true, "6", c.callee()))});
      if (c.queue() != null) {
        out.add(new String[] {"A", ami("QueueCallerLeave", c, 5, chan(c, true, "6", "s", "Queue", c.queue(), "Position", "1", "Count", "0"))});
      }
      if (c.fractionLost() != null) {
        for (int i = 0; i < 3; i++) {
          out.add(new String[] {"A", ami("RTCPReceived", c, 10 + 5 * i, "Channel", c.channelA(), "Uniqueid", a, "Linkedid", a,
              "From", "192.0.2.10:10001", "RTT", "0.0400", "SSRC", "0x1A2B3C4D", "PT", "201(RR)", "ReportCount", "1",
              "Report0SourceSSRC", "0x0011aabb", "Report0FractionLost", String.valueOf(c.fractionLost()),
              "Report0CumulativeLost", String.valueOf(10 * (i + 1)), "Report0HighestSequence", String.valueOf(1000 * (i + 1)),
              "Report0SequenceNumberCycles", "0", "Report0IAJitter", "160", "Report0LSR", "0", "Report0DLSR", "0.0000")});
        }
      }
    }
    String status = switch (c.end()) {
      case ANSWERED -> "ANSWER";
      case BUSY -> "BUSY";
      case NO_ANSWER -> "NOANSWER";
    };
    out.add(new String[] {"A", ami("DialEnd", c, answered ? 5 : end, chan(c, true, answered ? "6" : "4", c.callee(),
        "DestUniqueid", bId, "DestLinkedid", a, "DialStatus", status))});
    String bCause = c.end() == End.BUSY ? "17" : "16";
    out.add(new String[] {"B", ami("Hangup", c, end, chan(c, false, answered ? "6" : "5", "s", "Cause", bCause, "Cause-txt", "x"))});
    out.add(new String[] {"A", ami("Hangup", c, end + 0.5, chan(c, true, answered ? "6" : "4", "h", "Cause", "16", "Cause-txt", "x"))});
    return out;
  }

  private static String[] chan(Call c, boolean legA, String state, String exten, String... extra) {
    List<String> kv = new ArrayList<>();
    if (legA) {
      kv.addAll(List.of("Channel", c.channelA(), "ChannelState", state, "CallerIDNum", c.caller(), "CallerIDName", "Caller " + c.n()));
    } else {
      kv.addAll(List.of("Channel", c.channelB(), "ChannelState", state, "CallerIDNum", c.callee(), "CallerIDName", "Callee " + c.n()));
    }
    kv.addAll(List.of("ConnectedLineNum", "<unknown>", "ConnectedLineName", "<unknown>", "Context", "default", "Exten", exten,
        "Priority", "1", "Uniqueid", legA ? c.uniqueA() : c.uniqueB(), "Linkedid", c.uniqueA()));
    kv.addAll(List.of(extra));
    return kv.toArray(String[]::new);
  }

  static String ami(String event, Call c, double seconds, String... kv) {
    Instant t = c.start().plusMillis(Math.round(seconds * 1000));
    StringBuilder b = new StringBuilder("Event: ").append(event).append("\r\n");
    b.append("Privilege: call,all\r\n");
    b.append("Timestamp: ").append(t.getEpochSecond()).append('.')
        .append(String.format("%06d", t.getNano() / 1000)).append("\r\n");
    for (int i = 0; i < kv.length; i += 2) b.append(kv[i]).append(": ").append(kv[i + 1]).append("\r\n");
    return b.append("\r\n").toString();
  }
}
