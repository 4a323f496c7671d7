package io.callarchive.enrich.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Fixtures;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.model.Parsed;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.Readers;
import io.callarchive.parse.ami.AmiFormat;
import io.callarchive.parse.freeswitch.FreeswitchFormat;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.Sinks;
import io.callarchive.pipeline.SourceContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * RTCP reports and end-of-call statistics of the project's fixtures through the real pipeline with the RTCP
 * enricher. Expected values are the fixture's own numbers converted with the units of event-sources §1.7, §3.8, §7.
 */
class RtcpCaptureTest {

  private static List<IndexDoc> throughPipeline(EventFormat format, String folder, String file) {
    List<IndexDoc> out = new ArrayList<>();
    Pipeline p = new Pipeline(List.of(new RtcpEnricher()), Sinks.into(out), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    SourceContext ctx = new SourceContext("fixtures", Map.of(), Instant.parse("2025-12-01T00:00:00Z"));
    for (Parsed piece : Readers.readAll(format, Fixtures.file(folder, file))) p.accept(piece, format, ctx);
    return out;
  }

  private static List<Doc> quality(List<IndexDoc> docs, String action) {
    return docs.stream()
        .filter(d -> d.type() == IndexType.QUALITY && action.equals(d.doc().get("event.action")))
        .map(IndexDoc::doc)
        .toList();
  }

  private static final List<IndexDoc> AMI_CALL = throughPipeline(new AmiFormat(), "asterisk-ami", "call-answered-rtcp_crlf.txt");

  @Test
  void amiReceiverReportWithLossJitterAndRoundTripIsDecoded() {
    List<Doc> received = quality(AMI_CALL, "RTCPReceived");
    assertEquals(1, received.size());
    Doc q = received.get(0);
    // From: 198.51.100.20:10013, PT: 201(RR), SSRC: 0x6f7a8b9c, Report0FractionLost: 13, CumulativeLost: 7,
    // IAJitter: 160 (RTP units, no codec on the channel: 8 kHz assumed), RTT: 0.0300 s
    assertEquals("198.51.100.20", q.get("source.ip"));
    assertEquals(10013, q.get("source.port"));
    assertEquals("RR", q.get("rtcp.packet_type"));
    assertEquals("received", q.get("rtcp.direction"));
    assertEquals("6f7a8b9c", q.get("rtcp.ssrc"));
    assertEquals("2b3c4d5e", q.get("rtcp.report_ssrc"));
    assertEquals(13 / 256.0 * 100, (Double) q.get("rtcp.fraction_lost_pct"), 1e-12);
    assertEquals(7L, q.get("rtcp.cumulative_lost"));
    assertEquals(160 / 8.0, (Double) q.get("rtcp.jitter_ms"), 1e-9);
    assertEquals(30.0, (Double) q.get("rtcp.rtt_ms"), 1e-9);
    assertEquals(true, q.get("rtcp.clock_rate_assumed"));
    double mos = (Double) q.get("rtcp.mos");
    assertTrue(mos > 1.0 && mos < 4.4, "5 % loss costs quality: " + mos);
    assertEquals("report", q.get("quality.kind"));
    assertNull(q.get("event.original"));
  }

  @Test
  void amiSenderReportOfTheSameCallIsAGoodOne() {
    Doc sent = quality(AMI_CALL, "RTCPSent").get(0);
    assertEquals("sent", sent.get("rtcp.direction"));
    assertEquals("SR", sent.get("rtcp.packet_type"));
    assertEquals("198.51.100.20", sent.get("destination.ip"));
    assertEquals(10012, sent.get("destination.port"));
    assertEquals("2b3c4d5e", sent.get("rtcp.ssrc"));
    assertEquals(40 / 8.0, (Double) sent.get("rtcp.jitter_ms"), 1e-9);
    assertEquals(0.0, sent.get("rtcp.fraction_lost_pct"));
    double mos = (Double) sent.get("rtcp.mos");
    assertTrue(mos > 4.3 && mos <= 4.5, "no loss and 5 ms of jitter is a good call: " + mos);
    assertTrue(mos > (Double) quality(AMI_CALL, "RTCPReceived").get(0).get("rtcp.mos"));
  }

  @Test
  void amiQosSummaryUsesTheLocallyMeasuredJitterAndLossOverExpectedPackets() {
    List<Doc> qos = quality(AMI_CALL, "VarSet");
    assertEquals(1, qos.size());
    Doc q = qos.get(0);
    // RTPAUDIOQOS: lp=2 of rxcount=3000 received; txjitter=0.010000 s; rtt=0.030000 s; themssrc=724323678
    assertEquals(2 * 100.0 / 3002, (Double) q.get("rtcp.fraction_lost_pct"), 1e-12);
    assertEquals(10.0, (Double) q.get("rtcp.jitter_ms"), 1e-9);
    assertEquals(30.0, (Double) q.get("rtcp.rtt_ms"), 1e-9);
    assertEquals(String.format("%08x", 724323678L), q.get("rtcp.ssrc"));
    assertTrue((Double) q.get("rtcp.mos") > 4.3);
  }

  @Test
  void everyAmiFixtureReportAndQosSummaryGetsOneQualityDocumentWithinTheMosRange() {
    int reports = 0;
    for (var f : Fixtures.files("asterisk-ami")) {
      for (IndexDoc d : throughPipeline(new AmiFormat(), "asterisk-ami", f.getFileName().toString())) {
        if (d.type() != IndexType.QUALITY) continue;
        reports++;
        double mos = (Double) d.doc().get("rtcp.mos");
        assertTrue(mos >= 1.0 && mos <= 4.5);
        assertEquals("report", d.doc().get("quality.kind"));
      }
    }
    assertEquals(3, reports, "RTCPSent, RTCPReceived and VarSet RTPAUDIOQOS of call-answered-rtcp_crlf.txt");
  }

  private static final List<IndexDoc> FS_CALL =
      throughPipeline(new FreeswitchFormat(), "freeswitch-esl", "answered-call_plain-envelopes.txt");

  @Test
  void freeswitchRecvRtcpMessageIsDecodedWithItsOwnClockRate() {
    List<Doc> rtcp = quality(FS_CALL, "RECV_RTCP_MESSAGE");
    assertEquals(1, rtcp.size());
    Doc q = rtcp.get(0);
    // SSRC 4d3c2b1a (no 0x), Source0-Fraction 26, Source0-Lost 15, Source0-Jitter 240 at RTP-Rate 8000, Rtt0-Avg 0.045 s
    assertEquals("4d3c2b1a", q.get("rtcp.ssrc"));
    assertEquals("SR", q.get("rtcp.packet_type"), "NTP words: a sender report");
    assertEquals(26 / 256.0 * 100, (Double) q.get("rtcp.fraction_lost_pct"), 1e-12);
    assertEquals(15L, q.get("rtcp.cumulative_lost"));
    assertEquals(240 * 1000.0 / 8000, (Double) q.get("rtcp.jitter_ms"), 1e-9);
    assertEquals(45.0, (Double) q.get("rtcp.rtt_ms"), 1e-9);
    assertEquals(false, q.get("rtcp.clock_rate_assumed"));
  }

  @Test
  void freeswitchHangupCompleteStatisticsOfTheCallersLeg() {
    List<Doc> stats = quality(FS_CALL, "CHANNEL_HANGUP_COMPLETE");
    assertEquals(1, stats.size(), "only the A-leg's event carries rtp_audio_in_* variables");
    Doc q = stats.get(0);
    assertEquals("pcma", q.get("rtcp.codec"));
    assertEquals("G.711", q.get("rtcp.mos_codec"));
    assertEquals(false, q.get("rtcp.mos_codec_assumed"));
    // flaw_total 6 over 2994 media packets + 6 flaws; jitter = sqrt(max variance 25.00 ms²)
    assertEquals(6 * 100.0 / 3000, (Double) q.get("rtcp.fraction_lost_pct"), 1e-12);
    assertEquals(5.0, (Double) q.get("rtcp.jitter_ms"), 1e-9);
    assertEquals(4.48, q.get("rtcp.mos_reported"));
    assertEquals("freeswitch_mos", q.get("rtcp.mos_reported_by"));
    assertEquals("192.0.2.51", q.get("source.ip"), "remote_media_ip");
    assertEquals(16400, q.get("source.port"));
    assertEquals("192.0.2.30", q.get("destination.ip"), "local_media_ip");
    assertEquals(24000, q.get("destination.port"));
    double mos = (Double) q.get("rtcp.mos");
    assertTrue(mos > 4.0 && mos <= 4.5, "0.2 % loss and 5 ms jitter on G.711: " + mos);
  }
}
