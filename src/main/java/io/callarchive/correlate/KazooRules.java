package io.callarchive.correlate;

import static io.callarchive.correlate.CallRules.*;

import io.callarchive.parse.json.JsonValues;
import io.callarchive.parse.kazoo.KazooFormat;
import java.util.Locale;

/**
 * Kazoo call events (event-sources §4.5). Sessions: union over Call-ID, Other-Leg-Call-ID, Bridge-ID,
 * Call-Interaction-ID, Replaced-By, Target-Call-ID and loopback pairs. The format already puts the cause name
 * and SIP code in the common fields, which {@link Observation#enrichment} reads. Headers are read under their
 * AMQP names and, as the format reads them, under the crossbar webhook's snake case ({@code call_id},
 * {@code hook_event: channel_create}), so webhook deliveries make calls too.
 */
final class KazooRules implements CallRules {
  private static final KazooFormat.Headers HEADERS =
      KazooFormat.Headers.of(
          "Event-Name", "Call-ID", "Custom-Channel-Vars", "Other-Leg-Call-ID", "Replaced-By", "Target-Call-ID",
          "Channel-Loopback-Other-Leg-ID", "Channel-Is-Loopback", "Channel-Created-Time");

  @Override
  public void observe(Observation o) {
    KazooFormat.Headers.Found f = HEADERS.find(raw(o, "kazoo"));
    String name = text(f.get("Event-Name"));
    if (name == null) name = o.common("event.action");
    String leg = text(f.get("Call-ID"));
    KazooFormat.Headers.Found ccv = KazooFormat.Headers.CHANNEL_VARS.find(JsonValues.map(f.get("Custom-Channel-Vars")));
    o.link(leg, text(f.get("Other-Leg-Call-ID")));
    o.link(leg, text(ccv.get("Bridge-ID")));
    String interaction = text(ccv.get("Call-Interaction-ID"));
    if (interaction != null) o.link(leg, "interaction:" + interaction);
    o.link(leg, text(f.get("Replaced-By")));
    o.link(leg, text(f.get("Target-Call-ID")));
    o.link(leg, text(f.get("Channel-Loopback-Other-Leg-ID")));
    LegState l = o.leg(leg);
    if (l == null) return;
    o.parties(l);
    o.enrichment(l);
    if (Boolean.TRUE.equals(f.get("Channel-Is-Loopback")) || "true".equals(text(f.get("Channel-Is-Loopback")))) {
      l.plumbing = true;
    }
    // Channel-Created-Time (Unix µs, §4.3/§4.4) is on every call event, so a leg whose CHANNEL_CREATE sits in
    // another file still starts right
    l.start = LegState.min(l.start, epoch(text(f.get("Channel-Created-Time")), true));
    if (name == null) return;
    switch (name.toUpperCase(Locale.ROOT)) { // the webhook's hook_event is the event name in lower case
      case "CHANNEL_CREATE" -> {
        l.start = LegState.min(l.start, o.time);
        l.created = true;
      }
      case "CHANNEL_ANSWER" -> l.answer = o.time;
      case "CHANNEL_DESTROY", "CHANNEL_HANGUP" -> l.end = o.time;
      case "CHANNEL_TRANSFEROR", "CHANNEL_TRANSFEREE", "CHANNEL_REPLACED" -> l.transferred = true;
      default -> {}
    }
  }
}
