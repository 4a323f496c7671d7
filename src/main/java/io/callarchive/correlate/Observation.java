package io.callarchive.correlate;

import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one normalised event says about calls: leg fragments (merged into the call's legs), links between
 * identifiers that denote the same call session (event-sources §6: leg ↔ peer leg, leg ↔ session key), and
 * queue-stay fragments. Built by a {@link CallRules}; not thread-safe.
 */
final class Observation {
  final IndexDoc event;
  final Doc doc;
  final Instant time;
  final Map<String, LegState> legs = new LinkedHashMap<>();
  final List<String[]> links = new ArrayList<>();
  final List<QueueStay> stays = new ArrayList<>();

  Observation(IndexDoc event) {
    this.event = event;
    this.doc = event.doc();
    this.time = event.timestamp();
  }

  /** The fragment of leg {@code id} for this event (created on first use, first seen now); null id gives null. */
  LegState leg(String id) {
    if (id == null || id.isBlank() || id.equals("none") || id.equals("<null>")) return null;
    return legs.computeIfAbsent(
        id,
        k -> {
          LegState l = new LegState(k);
          l.firstSeen = time;
          return l;
        });
  }

  /** Records that two identifiers belong to the same session; blank ones are ignored. */
  void link(String a, String b) {
    if (a == null || b == null || a.isBlank() || b.isBlank() || a.equals(b)) return;
    if (a.equals("none") || b.equals("none") || a.equals("<null>") || b.equals("<null>")) return;
    links.add(new String[] {a, b});
  }

  /** The common fields the formats set (schema.md), read from the normalised document. */
  String common(String path) {
    String s = doc.getString(path);
    return s == null || s.isBlank() ? null : s;
  }

  /** Puts the common party fields of this event on a leg fragment, stamped with the event time. */
  void parties(LegState l) {
    if (l == null) return;
    l.callerNumber = LegState.Stamped.of(party(common("caller.number")), time);
    l.callerName = LegState.Stamped.of(party(common("caller.name")), time);
    l.calleeNumber = LegState.Stamped.of(party(common("callee.number")), time);
    l.calleeName = LegState.Stamped.of(party(common("callee.name")), time);
    l.callId = LegState.Stamped.of(common("call.id"), time);
    l.name = LegState.Stamped.of(common("channel.name"), time);
  }

  /** Placeholders that platforms send for "no number" (Asterisk {@code <unknown>}, FreeSWITCH {@code 0000000000}). */
  static String party(String v) {
    if (v == null) return null;
    String s = v.strip();
    if (s.isEmpty() || s.equalsIgnoreCase("<unknown>") || s.equalsIgnoreCase("unknown") || s.equals("0000000000")) {
      return null;
    }
    return s;
  }

  /** Decoded fields the enrichers add (sdp.*, rtcp.*, charge.*, hangup.cause.*) go on the event's own leg. */
  void enrichment(LegState l) {
    if (l == null) return;
    Object codecs = doc.get("sdp.codecs");
    if (codecs instanceof List<?> cs) cs.forEach(c -> l.codecs.add(String.valueOf(c)));
    else if (codecs != null) l.codecs.add(codecs.toString());
    if (Boolean.TRUE.equals(doc.get("sdp.srtp"))) l.srtp = true;
    Double mos = LegState.number(doc.get("rtcp.mos"));
    if (mos != null) l.addMos(mos);
    Double loss = LegState.number(doc.get("rtcp.fraction_lost_pct"));
    if (loss != null) l.lossMax = loss;
    Double jitter = LegState.number(doc.get("rtcp.jitter_ms"));
    if (jitter != null) l.jitterMax = jitter;
    Double rtt = LegState.number(doc.get("rtcp.rtt_ms"));
    if (rtt != null) l.rttMax = rtt;
    Double amount = LegState.number(doc.get("charge.amount"));
    if (amount != null) {
      l.chargeAmount = amount;
      l.chargeCurrency = common("charge.currency");
      String type = common("charge.type");
      l.chargeFinal = type != null && type.toUpperCase(java.util.Locale.ROOT).contains("E");
      l.chargeAt = time;
    }
    Double q850 = LegState.number(doc.get("hangup.cause.q850"));
    String name = common("hangup.cause.name");
    if (q850 != null || name != null) cause(l, q850 == null ? null : q850.intValue(), name);
    Double sip = LegState.number(doc.get("hangup.sip_code"));
    if (sip != null) l.sipCode = LegState.Stamped.of(Integer.toString(sip.intValue()), time);
  }

  /** Records a cause on a leg, keeping what is already known when the new value is absent. */
  void cause(LegState l, Integer q850, String name) {
    if (l == null) return;
    if (q850 != null) l.causeQ850 = LegState.Stamped.of(Integer.toString(q850), time);
    if (name != null && !name.isBlank()) l.causeName = LegState.Stamped.of(name.strip(), time);
  }
}
