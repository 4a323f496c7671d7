package io.callarchive.enrich.sdp;

import io.callarchive.enrich.RawFields;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.pipeline.Enricher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Decodes the SDPs an event carries (event-sources §3.11, §8): FreeSWITCH {@code variable_switch_r_sdp} (remote),
 * {@code variable_rtp_local_sdp_str} / {@code variable_sip_local_sdp_str} / {@code variable_switch_l_sdp}
 * (local), {@code variable_switch_m_sdp} (the other leg's, "peer"); Kazoo {@code Remote-SDP} and {@code
 * Local-SDP}. Asterisk AMI/ARI carry no SDP and ccs is not known to.
 *
 * <p>Each SDP goes under {@code sdp.remote.*}, {@code sdp.local.*} or {@code sdp.peer.*}; the top-level {@code
 * sdp.*} repeats the remote one (else local, else peer; {@code sdp.side} says which), since the remote party's
 * media address is what analytics ask for, except {@code sdp.codecs}: with both a remote and a local SDP it holds
 * the negotiated codecs, those of the answer's audio stream that the offer also lists (§8), and {@code
 * sdp.negotiated} is true. Stateless and thread-safe; never throws.
 */
public final class SdpEnricher implements Enricher {

  @Override
  public String name() {
    return "sdp";
  }

  @Override
  public void enrich(IndexDoc event, Consumer<IndexDoc> derived) {
    Doc doc = event.doc();
    RawFields raw = RawFields.of(doc);
    if (raw == null) return;
    Sdp remote;
    Sdp local;
    Sdp peer = null;
    switch (raw.source()) {
      case "freeswitch" -> {
        remote = SdpParser.parse(raw.text("variable_switch_r_sdp"));
        local =
            SdpParser.parse(
                raw.firstText("variable_rtp_local_sdp_str", "variable_sip_local_sdp_str", "variable_switch_l_sdp"));
        peer = SdpParser.parse(raw.text("variable_switch_m_sdp"));
      }
      case "kazoo" -> {
        remote = SdpParser.parse(raw.text("Remote-SDP"));
        local = SdpParser.parse(raw.text("Local-SDP"));
      }
      default -> {
        return;
      }
    }
    apply(doc, remote, local, peer, raw.text("Call-Direction"));
  }

  /**
   * Writes the {@code sdp.*} fields for the SDPs of one event; any may be null.
   *
   * @param callDirection {@code inbound} when the remote SDP was the offer, {@code outbound} when the local one
   *     was; otherwise the local SDP is taken as the answer, as a switch answering an offer usually narrows it
   */
  public static void apply(Doc doc, Sdp remote, Sdp local, Sdp peer, String callDirection) {
    if (remote != null) write(doc, "sdp.remote.", remote);
    if (local != null) write(doc, "sdp.local.", local);
    if (peer != null) write(doc, "sdp.peer.", peer);
    Sdp main = remote != null ? remote : local != null ? local : peer;
    if (main == null) return;
    write(doc, "sdp.", main);
    doc.put("sdp.side", main == remote ? "remote" : main == local ? "local" : "peer");
    List<String> negotiated = null;
    if (remote != null && local != null) {
      boolean outbound = "outbound".equalsIgnoreCase(callDirection);
      negotiated = negotiated(outbound ? local : remote, outbound ? remote : local);
    }
    if (negotiated != null && !negotiated.isEmpty()) {
      doc.put("sdp.codecs", new ArrayList<>(negotiated));
      doc.put("sdp.negotiated", true);
    } else {
      doc.put("sdp.negotiated", false);
    }
  }

  /**
   * The voice codecs of the answer's audio stream that the offer also lists, in the answer's order (RFC 3264
   * §6.1: the answer's formats are a subset of the offer's); null when either has no audio.
   */
  public static List<String> negotiated(Sdp offer, Sdp answer) {
    Sdp.Media o = offer.primary();
    Sdp.Media a = answer.primary();
    if (o == null || a == null || a.port() == null || a.port() == 0) return null;
    List<String> out = new ArrayList<>();
    for (Codec c : a.voiceCodecs()) {
      if (o.voiceCodecs().stream().anyMatch(c::sameCodec) && !out.contains(c.label())) out.add(c.label());
    }
    return out;
  }

  /** The fields of one SDP under a prefix ({@code sdp.}, {@code sdp.remote.}, ...). */
  public static void write(Doc doc, String prefix, Sdp sdp) {
    doc.put(prefix + "partial", sdp.partial());
    LinkedHashSet<String> types = new LinkedHashSet<>();
    for (Sdp.Media m : sdp.media()) {
      if (!m.type().isEmpty()) types.add(m.type().toLowerCase(Locale.ROOT));
    }
    if (!types.isEmpty()) doc.put(prefix + "media_types", new ArrayList<>(types));
    Sdp.Media m = sdp.primary();
    if (m == null) return;
    String ip = IpLiteral.normalise(m.connection());
    if (ip != null) {
      doc.put(prefix + "media_ip", ip);
    } else {
      doc.put(prefix + "media_host", m.connection());
    }
    doc.put(prefix + "media_port", m.port());
    doc.put(prefix + "protocol", m.protocol());
    List<String> codecs = new ArrayList<>(m.voiceCodecs().stream().map(Codec::label).distinct().toList());
    if (!codecs.isEmpty()) doc.put(prefix + "codecs", codecs);
    doc.put(prefix + "ptime", m.ptime());
    doc.put(prefix + "maxptime", m.maxptime());
    doc.put(prefix + "direction", m.direction());
    doc.put(prefix + "rtcp_mux", m.rtcpMux());
    doc.put(prefix + "ice_candidates", m.iceCandidates());
    doc.put(prefix + "srtp", m.srtp());
    doc.put(prefix + "srtp_method", m.srtpMethod());
    if (!m.cryptoSuites().isEmpty()) doc.put(prefix + "crypto_suites", new ArrayList<>(m.cryptoSuites()));
    doc.put(prefix + "telephone_event", m.telephoneEvent());
  }
}
