package io.callarchive.correlate;

import static io.callarchive.correlate.CallRules.*;

import io.callarchive.correlate.LegState.Stamped;
import java.util.Map;

/**
 * Asterisk AMI (event-sources §1.5, §1.6, §1.9). Sessions: union of every (Uniqueid, Linkedid) pair, Dial and
 * queue {@code Dest*} snapshots, Local channel pairs, bridge swaps and both sides of a transfer. A leg answers at
 * the first snapshot in state 6 (Up) and ends at {@code Hangup}, whose numeric {@code Cause} is Q.850.
 */
final class AmiRules implements CallRules {
  private static final String[] TRANSFER_PARTIES = {
    "Transferer", "Transferee", "OrigTransferer", "SecondTransferer", "TransferTarget", "DestTransferer"
  };

  @Override
  public void observe(Observation o) {
    Map<String, Object> f = raw(o, "ami");
    String action = o.common("event.action");
    if (action == null) return;
    String uid = s(f, "Uniqueid");
    LegState l = o.leg(uid);
    o.link(uid, s(f, "Linkedid"));
    if (l != null) {
      o.parties(l);
      o.enrichment(l);
      String channel = s(f, "Channel");
      // §1.5: Local channel halves are plumbing, not parties
      if (channel != null && channel.startsWith("Local/")) l.plumbing = true;
      if ("6".equals(s(f, "ChannelState"))) l.answer = o.time; // §11.1: 6 = Up
      switch (action) {
        case "Newchannel" -> {
          l.start = o.time;
          l.created = true;
          String exten = s(f, "Exten");
          if (exten != null && !exten.equals("s")) l.dialed = Stamped.of(exten, o.time);
        }
        case "Hangup" -> {
          l.end = o.time;
          if (!hasEnrichedCause(o)) o.cause(l, integer(s(f, "Cause")), null);
        }
        default -> {}
      }
      String queue = s(f, "Queue");
      if (queue != null && action.startsWith("Queue") || queue != null && action.startsWith("Agent")) {
        l.queue = Stamped.of(queue, o.time);
      }
    }
    String dest = s(f, "DestUniqueid");
    if (dest != null && !action.startsWith("Agent")) {
      o.link(uid, dest);
      o.link(dest, s(f, "DestLinkedid"));
      LegState d = o.leg(dest);
      if (d != null && action.equals("DialEnd")) d.dialStatus = Stamped.of(s(f, "DialStatus"), o.time);
    } else if (dest != null) {
      // the agent leg of a queue call belongs to the caller's session (§1.9)
      o.link(uid, dest);
    }
    switch (action) {
      case "LocalBridge" -> {
        String one = s(f, "LocalOneUniqueid");
        String two = s(f, "LocalTwoUniqueid");
        o.link(one, two);
        o.link(one, s(f, "LocalOneLinkedid"));
        o.link(two, s(f, "LocalTwoLinkedid"));
        LegState a = o.leg(one);
        LegState b = o.leg(two);
        if (a != null) a.plumbing = true;
        if (b != null) b.plumbing = true;
      }
      case "BridgeEnter" -> o.link(uid, s(f, "SwapUniqueid"));
      case "BlindTransfer", "AttendedTransfer" -> transfer(o, f);
      default -> {}
    }
    QueueRules.ami(o, f, action, uid);
  }

  private static void transfer(Observation o, Map<String, Object> f) {
    // §1.5: merge the sessions of every party of a successful transfer (both linkedids of an attended one)
    String result = s(f, "Result");
    if (result != null && !result.equalsIgnoreCase("Success")) return;
    String first = null;
    for (String p : TRANSFER_PARTIES) {
      String u = s(f, p + "Uniqueid");
      String linked = s(f, p + "Linkedid");
      o.link(u, linked);
      if (first == null) first = u != null ? u : linked;
      else {
        o.link(first, u);
        o.link(first, linked);
      }
    }
    String transferer = s(f, "TransfererUniqueid");
    if (transferer == null) transferer = s(f, "OrigTransfererUniqueid");
    LegState t = o.leg(transferer);
    if (t != null) t.transferred = true;
  }
}
