package io.callarchive.correlate;

import static io.callarchive.correlate.CallRules.*;

import io.callarchive.correlate.LegState.Stamped;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * ccs events (event-sources §5.3, §5.4): a call is a leg, a connection a dialog, a seance the session. The
 * format puts the seance in {@code call.id}, the call in {@code channel.id}, the connection in {@code dialog.id}
 * and a failure's Q.850/SIP codes in the hangup fields. The state vocabulary is not documented (§5.1), so answer
 * is recognised from the usual talk-state names.
 */
final class CcsRules implements CallRules {
  private static final Set<String> TALK_STATES =
      Set.of("answered", "connected", "talk", "talking", "active", "speaking", "conversation");

  @Override
  public void observe(Observation o) {
    Map<String, Object> f = raw(o, "ccs");
    String type = o.common("event.action");
    if (type == null) return;
    type = type.toLowerCase(Locale.ROOT);
    String leg = o.common("channel.id");
    String seance = o.common("call.id");
    String connection = o.common("dialog.id");
    if (seance != null) o.link(leg, "seance:" + seance);
    if (connection != null) o.link(leg, "connection:" + connection);
    if (seance != null && connection != null) o.link("connection:" + connection, "seance:" + seance);
    if (type.equals("connection_failure")) {
      // §5.1/§5.3: the failed attempt names its call and carries the failure (q850, sip_code) that the cause
      // enricher put in hangup.*; that is why the call failed, so it goes on that call's leg
      o.enrichment(o.leg(leg));
    }
    if (type.equals("seance_set_next_number") && seance != null) {
      // §5.1/§5.4: a number added to the subscribers serving a seance is a step of its transfer chain. That fact
      // belongs to the session and the event names no call, so it is kept on a marker leg under the seance key:
      // plumbing (neither counted nor originating) and ended at once (it never holds the call open).
      LegState marker = o.leg("seance:" + seance);
      marker.plumbing = true;
      marker.transferred = true;
      marker.start = o.time;
      marker.created = true;
      marker.end = o.time;
    }
    if (!type.startsWith("call_")) return; // other connection_* and seance_* events only link
    LegState l = o.leg(leg);
    if (l == null) return;
    o.parties(l);
    o.enrichment(l);
    Object data = f.get("data") instanceof Map<?, ?> ? f.get("data") : f;
    String dir = text(at(data, "direction"));
    if ("in".equalsIgnoreCase(dir)) l.direction = Stamped.of("inbound", o.time);
    else if ("out".equalsIgnoreCase(dir)) l.direction = Stamped.of("outbound", o.time);
    String state = o.common("channel.state");
    switch (type) {
      case "call_create" -> {
        l.start = o.time;
        l.created = true;
      }
      case "call_delete" -> l.end = o.time;
      case "call_set_state" -> {
        if (state != null && TALK_STATES.contains(state.toLowerCase(Locale.ROOT))) l.answer = o.time;
      }
      default -> {}
    }
  }
}
