package io.callarchive.correlate;

import static io.callarchive.correlate.CallRules.*;

import io.callarchive.correlate.LegState.Stamped;
import java.util.Map;

/**
 * FreeSWITCH ESL (event-sources §3.6, §3.7, §3.9). Sessions: union of Unique-ID with Other-Leg-Unique-ID,
 * Channel-Call-UUID, the two legs of a bridge, originating_leg_uuid, renamed ids (CHANNEL_UUID) and the parties of
 * sofia transfer events. Times come from the lifecycle events and, when present, from the leg's own
 * {@code Caller-Channel-*-Time} stamps (µs), so a leg whose CHANNEL_CREATE sits in another file still starts right.
 */
final class FreeswitchRules implements CallRules {
  private static final String[] LINKS = {
    "Other-Leg-Unique-ID", "Channel-Call-UUID", "Bridge-A-Unique-ID", "Bridge-B-Unique-ID",
    "variable_originating_leg_uuid", "Old-Unique-ID"
  };

  @Override
  public void observe(Observation o) {
    Map<String, Object> f = raw(o, "freeswitch");
    String name = s(f, "Event-Name");
    if (name == null) name = o.common("event.action");
    String subclass = s(f, "Event-Subclass");
    if ("CUSTOM".equals(name) && "callcenter::info".equals(subclass)) {
      QueueRules.freeswitch(o, f);
      return;
    }
    String uid = s(f, "Unique-ID");
    for (String k : LINKS) o.link(uid, s(f, k));
    LegState l = o.leg(uid);
    if (l == null) return;
    o.parties(l);
    l.callerNumber = l.callerNumber.earliest(Stamped.of(Observation.party(s(f, "Caller-Caller-ID-Number")), o.time));
    l.callerName = l.callerName.earliest(Stamped.of(Observation.party(s(f, "Caller-Caller-ID-Name")), o.time));
    l.calleeNumber = l.calleeNumber.earliest(Stamped.of(Observation.party(s(f, "Caller-Callee-ID-Number")), o.time));
    l.calleeName = l.calleeName.earliest(Stamped.of(Observation.party(s(f, "Caller-Callee-ID-Name")), o.time));
    l.name = l.name.earliest(Stamped.of(s(f, "Channel-Name"), o.time));
    if ("inbound".equals(s(f, "Call-Direction"))) {
      // the destination the caller dialled is only meaningful on the leg that came into the switch
      l.dialed = Stamped.of(Observation.party(s(f, "Caller-Destination-Number")), o.time);
    }
    o.enrichment(l);
    String channel = s(f, "Channel-Name");
    if (channel != null && channel.startsWith("loopback/")) l.plumbing = true; // §6: loopback legs are plumbing
    l.start = LegState.min(l.start, epoch(s(f, "Caller-Channel-Created-Time"), true));
    l.answer = LegState.min(l.answer, epoch(s(f, "Caller-Channel-Answered-Time"), true));
    switch (name) {
      case "CHANNEL_CREATE" -> {
        l.start = LegState.min(l.start, o.time);
        l.created = true;
      }
      case "CHANNEL_ANSWER" -> l.answer = LegState.min(l.answer, o.time);
      case "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE", "CHANNEL_DESTROY" -> {
        java.time.Instant hung = epoch(s(f, "Caller-Channel-Hangup-Time"), true);
        l.end = LegState.min(hung, o.time);
        if (!hasEnrichedCause(o)) {
          o.cause(l, integer(s(f, "variable_hangup_cause_q850")), s(f, "Hangup-Cause"));
          String sip = s(f, "variable_sip_term_status");
          if (sip != null) l.sipCode = Stamped.of(sip, o.time);
        }
      }
      case "CUSTOM" -> {
        if (subclass != null && (subclass.startsWith("sofia::transfer") || subclass.equals("sofia::replaced"))) {
          l.transferred = true;
          o.link(uid, s(f, "att_xfer_replaced_by"));
        }
      }
      default -> {}
    }
    if (s(f, "variable_transfer_history") != null) l.transferred = true;
  }
}
