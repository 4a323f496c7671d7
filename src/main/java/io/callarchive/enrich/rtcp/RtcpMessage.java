package io.callarchive.enrich.rtcp;

import io.callarchive.enrich.rtcp.RtcpUnits.Endpoint;
import io.callarchive.model.Doc;
import java.util.List;

/**
 * One decoded RTCP report (or end-of-call RTP summary) of a channel, in normalised units. Immutable.
 *
 * @param direction {@code sent} or {@code received}, seen from the PBX
 * @param packetType {@code SR}, {@code RR}, or {@code rtp_stats} for an end-of-call summary
 * @param ssrc sender SSRC: own for sent reports, the peer's for received ones; lowercase hex, 8 digits
 * @param rttMs round-trip time of the whole report when the platform gives one per report (Asterisk)
 * @param mosReported the platform's own score, on its own scale: see {@code mosReportedBy}
 * @param mosReportedBy {@code asterisk_mes} (Media Experience Score 0..100) or {@code freeswitch_mos} (1..4.5)
 * @param clockRate the RTP clock rate used to convert jitter, or null when jitter came in time units already
 * @param clockRateAssumed true when no rate was known and 8000 Hz was used
 * @param codec the codec named on the event (normalised name), or null
 * @param profile the E-model constants used; G.711 when the codec is unknown or has no profile
 * @param profileAssumed true when {@code profile} is G.711 by default rather than from the codec
 * @param source where the media/report came from, when known
 * @param destination where it went, when known
 * @param blocks the report blocks, possibly none (an SR without reception reports)
 */
public record RtcpMessage(
    String direction,
    String packetType,
    String ssrc,
    Integer reportCount,
    Double rttMs,
    Double mosReported,
    String mosReportedBy,
    Integer clockRate,
    Boolean clockRateAssumed,
    String codec,
    CodecProfile profile,
    boolean profileAssumed,
    Endpoint source,
    Endpoint destination,
    List<Block> blocks) {

  /**
   * One report block (RFC 3550 §6.4.1), converted.
   *
   * @param index the block's number on the wire (0-based), also the quality document's discriminator
   * @param fractionLostPct loss since the previous report, percent
   * @param cumulativeLost signed cumulative loss
   * @param rttMs round-trip time for this block when the platform gives one per block (FreeSWITCH)
   */
  public record Block(
      int index, String reportSsrc, Double fractionLostPct, Long cumulativeLost, Double jitterMs, Double rttMs) {}

  /** The round-trip time that applies to a block: its own, else the report's. */
  public Double rttMs(Block b) {
    return b.rttMs() != null ? b.rttMs() : rttMs;
  }

  /** Our E-model estimate for a block; null when its interval loss is unknown (MOS is never guessed from less). */
  public EModel.Estimate estimate(Block b) {
    if (b.fractionLostPct() == null) return null;
    Double rtt = rttMs(b);
    return EModel.estimate(
        profile,
        b.fractionLostPct(),
        b.jitterMs() == null ? 0 : b.jitterMs(),
        rtt == null ? 0 : rtt / 2);
  }

  /** The fields of the whole report (schema.md, quality). */
  public void writeHeader(Doc d) {
    d.put("rtcp.direction", direction);
    d.put("rtcp.packet_type", packetType);
    d.put("rtcp.ssrc", ssrc);
    d.put("rtcp.report_count", reportCount);
    d.put("rtcp.rtt_ms", rttMs);
    d.put("rtcp.mos_reported", mosReported);
    d.put("rtcp.mos_reported_by", mosReported == null ? null : mosReportedBy);
    d.put("rtcp.clock_rate", clockRate);
    d.put("rtcp.clock_rate_assumed", clockRate == null ? null : clockRateAssumed);
    d.put("rtcp.codec", codec);
    if (source != null) {
      d.put("source.ip", source.ip());
      d.put("source.port", source.port());
    }
    if (destination != null) {
      d.put("destination.ip", destination.ip());
      d.put("destination.port", destination.port());
    }
  }

  /** The fields of one block, and our MOS for it. */
  public void writeBlock(Doc d, Block b) {
    d.put("rtcp.report_index", b.index());
    d.put("rtcp.report_ssrc", b.reportSsrc());
    d.put("rtcp.fraction_lost_pct", b.fractionLostPct());
    d.put("rtcp.cumulative_lost", b.cumulativeLost());
    d.put("rtcp.jitter_ms", b.jitterMs());
    d.put("rtcp.rtt_ms", rttMs(b));
    EModel.Estimate e = estimate(b);
    if (e != null) {
      d.put("rtcp.r_factor", e.r());
      d.put("rtcp.mos", e.mos());
      d.put("rtcp.mos_codec", (profile == null ? CodecProfile.G711 : profile).label);
      d.put("rtcp.mos_codec_assumed", profileAssumed);
    }
  }
}
