package io.callarchive.correlate;

import static io.callarchive.correlate.CallRules.*;

import io.callarchive.correlate.LegState.Stamped;
import java.util.Map;

/**
 * Asterisk ARI (event-sources §2.6). ARI has no linkedid unless configured, so sessions are the union of a Dial's
 * caller and peer, channels that met in a two-party (mixing, non-conference) bridge, replaced channels and the
 * parties of transfers. The format's {@code call.id} (linkedid when configured, else the Dial caller) joins too.
 */
final class AriRules implements CallRules {
  @Override
  public void observe(Observation o) {
    Map<String, Object> f = raw(o, "ari");
    String type = o.common("event.action");
    if (type == null) return;
    String leg = o.common("channel.id");
    o.link(leg, o.common("channel.peer_id"));
    o.link(leg, o.common("call.id"));
    o.link(leg, text(at(f, "replace_channel", "id")));
    Object bridge = f.get("bridge");
    String bridgeId = text(at(bridge, "id"));
    String bridgeType = text(at(bridge, "bridge_type"));
    String tech = text(at(bridge, "technology"));
    // holding bridges and conferences (softmix) gather unrelated calls; only a mixing two-party bridge is a dialog
    if (type.equals("ChannelEnteredBridge") && bridgeId != null && "mixing".equals(bridgeType)
        && !"softmix".equals(tech)) {
      o.link(leg, "bridge:" + bridgeId);
    }
    LegState l = o.leg(leg);
    if (l == null) return;
    o.parties(l);
    o.enrichment(l);
    String name = o.common("channel.name");
    if (name != null && name.startsWith("Local/")) l.plumbing = true;
    Object ch = type.equals("Dial") ? f.get("peer") : f.get("channel");
    if ("Up".equals(text(at(ch, "state")))) l.answer = o.time;
    // every channel snapshot carries its creationtime (§2.3), so a leg whose ChannelCreated sits in another file
    // still starts right
    io.callarchive.parse.json.JsonTimes.Stamp created =
        io.callarchive.parse.json.JsonTimes.parse(text(at(ch, "creationtime")));
    if (created != null) l.start = LegState.min(l.start, created.time());
    switch (type) {
      case "ChannelCreated" -> {
        l.start = LegState.min(l.start, o.time);
        l.created = true;
        l.dialed = Stamped.of(Observation.party(text(at(ch, "dialplan", "exten"))), o.time);
      }
      case "ChannelDestroyed" -> {
        l.end = o.time;
        if (!hasEnrichedCause(o)) o.cause(l, integer(text(f.get("cause"))), null);
      }
      case "Dial" -> {
        String status = text(f.get("dialstatus"));
        if (status != null && !status.isEmpty()) l.dialStatus = Stamped.of(status, o.time);
        o.link(leg, text(at(f, "forwarded", "id")));
      }
      case "BridgeBlindTransfer", "BridgeAttendedTransfer" -> {
        l.transferred = true;
        for (String k : new String[] {"transferer_second_leg", "transferee", "transfer_target", "replace_channel"}) {
          o.link(leg, text(at(f, k, "id")));
        }
      }
      default -> {}
    }
  }
}
