package io.callarchive.enrich.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.enrich.EventDocs;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.pipeline.DocIds;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtcpEnricherTest {
  private final RtcpEnricher enricher = new RtcpEnricher();

  private List<IndexDoc> run(IndexDoc event) {
    List<IndexDoc> out = new ArrayList<>();
    enricher.enrich(event, out::add);
    return out;
  }

  private static IndexDoc amiReceivedRr(String... extra) {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "Channel: PJSIP/1001-00000001",
                "Uniqueid: 1700000000.2",
                "Linkedid: 1700000000.1",
                "From: 192.0.2.10:10001",
                "RTT: 0.0400",
                "SSRC: 0x1A2B3C4D",
                "PT: 201(RR)",
                "ReportCount: 1",
                "Report0SourceSSRC: 0x0011aabb",
                "Report0FractionLost: 64",
                "Report0CumulativeLost: 16777215",
                "Report0HighestSequence: 1000",
                "Report0SequenceNumberCycles: 0",
                "Report0IAJitter: 160",
                "Report0LSR: 0",
                "Report0DLSR: 0.0000"));
    lines.addAll(List.of(extra));
    return EventDocs.ami("RTCPReceived", lines.toArray(String[]::new));
  }

  @Test
  void asteriskReceiverReportIsConverted() {
    IndexDoc event = amiReceivedRr();
    List<IndexDoc> derived = run(event);
    Doc d = event.doc();
    assertEquals("received", d.get("rtcp.direction"));
    assertEquals("RR", d.get("rtcp.packet_type"));
    assertEquals("1a2b3c4d", d.get("rtcp.ssrc"));
    assertEquals("0011aabb", d.get("rtcp.report_ssrc"));
    assertEquals(25.0, d.get("rtcp.fraction_lost_pct"));
    assertEquals(-1L, d.get("rtcp.cumulative_lost"));
    assertEquals(20.0, d.get("rtcp.jitter_ms"));
    assertEquals(40.0, (Double) d.get("rtcp.rtt_ms"), 1e-9);
    assertEquals(8000, d.get("rtcp.clock_rate"));
    assertEquals(true, d.get("rtcp.clock_rate_assumed"));
    assertEquals(true, d.get("rtcp.mos_codec_assumed"));
    assertEquals("192.0.2.10", d.get("source.ip"));
    assertEquals(10001, d.get("source.port"));
    assertNull(d.get("destination.ip"));
    double expected = EModel.estimate(CodecProfile.G711, 25.0, 20.0, 20.0).mos();
    assertEquals(expected, (Double) d.get("rtcp.mos"), 1e-12);

    assertEquals(1, derived.size());
    IndexDoc q = derived.get(0);
    assertEquals(IndexType.QUALITY, q.type());
    assertEquals(DocIds.of("quality", event.id(), 0), q.id());
    assertEquals(event.timestamp(), q.timestamp());
    assertEquals("report", q.doc().get("quality.kind"));
    assertEquals("PJSIP/1001-00000001", q.doc().get("channel.name"));
    assertEquals("1700000000.1", q.doc().get("call.id"));
    assertEquals(25.0, q.doc().get("rtcp.fraction_lost_pct"));
    assertEquals(d.get("rtcp.mos"), q.doc().get("rtcp.mos"));
    assertEquals("192.0.2.10", q.doc().get("source.ip"));
    assertNull(q.doc().get("event.original"));
    assertNull(q.doc().get("ami"));
  }

  @Test
  void codecFromChannelVariableSetsTheClockRateAndProfile() {
    IndexDoc event =
        amiReceivedRr("ChanVariable: CHANNEL(audioreadformat)=opus", "ChanVariable: CHANNEL(peerip)=192.0.2.10");
    run(event);
    Doc d = event.doc();
    assertEquals(48000, d.get("rtcp.clock_rate"));
    assertEquals(false, d.get("rtcp.clock_rate_assumed"));
    assertEquals(160 * 1000.0 / 48000, (Double) d.get("rtcp.jitter_ms"), 1e-12);
    assertEquals("opus", d.get("rtcp.codec"));
    assertEquals("opus", d.get("rtcp.mos_codec"));
    assertEquals(false, d.get("rtcp.mos_codec_assumed"));
  }

  @Test
  void g729ReportScoresLowerThanTheSameReportOnG711() {
    IndexDoc g711 = amiReceivedRr("ChanVariable: CHANNEL(audioreadformat)=ulaw");
    IndexDoc g729 = amiReceivedRr("ChanVariable: CHANNEL(audioreadformat)=g729");
    run(g711);
    run(g729);
    assertTrue((Double) g729.doc().get("rtcp.mos") < (Double) g711.doc().get("rtcp.mos"));
  }

  @Test
  void asteriskMesIsKeptBesideOurMosNeverInstead() {
    IndexDoc event = amiReceivedRr("MES: 87.5");
    IndexDoc q = run(event).get(0);
    assertEquals(87.5, q.doc().get("rtcp.mos_reported"));
    assertEquals("asterisk_mes", q.doc().get("rtcp.mos_reported_by"));
    double mos = (Double) q.doc().get("rtcp.mos");
    assertTrue(mos >= 1 && mos <= 4.5);
  }

  @Test
  void senderReportWithoutBlocksHasNoQualityDocument() {
    IndexDoc event =
        EventDocs.ami(
            "RTCPSent",
            "To: 192.0.2.10:10001",
            "SSRC: 0x00000001",
            "PT: 200(SR)",
            "ReportCount: 0",
            "SentNTP: 1700000000.000100",
            "SentRTP: 160",
            "SentPackets: 10",
            "SentOctets: 1600");
    assertTrue(run(event).isEmpty());
    assertEquals("sent", event.doc().get("rtcp.direction"));
    assertEquals("SR", event.doc().get("rtcp.packet_type"));
    assertEquals(0, event.doc().get("rtcp.report_count"));
    assertEquals("192.0.2.10", event.doc().get("destination.ip"));
    assertNull(event.doc().get("rtcp.mos"));
  }

  @Test
  void senderReportWithTwoBlocksGivesTwoQualityDocuments() {
    IndexDoc event =
        EventDocs.ami(
            "RTCPSent",
            "To: 192.0.2.10:10001",
            "SSRC: 0x00000001",
            "PT: 200(SR)",
            "ReportCount: 2",
            "SentPackets: 10",
            "Report0SourceSSRC: 0x000000aa",
            "Report0FractionLost: 0",
            "Report0CumulativeLost: 0",
            "Report0IAJitter: 8",
            "Report1SourceSSRC: 0x000000bb",
            "Report1FractionLost: 128",
            "Report1CumulativeLost: 8388608",
            "Report1IAJitter: 800");
    List<IndexDoc> q = run(event);
    assertEquals(2, q.size());
    assertEquals("000000aa", q.get(0).doc().get("rtcp.report_ssrc"));
    assertEquals("000000bb", q.get(1).doc().get("rtcp.report_ssrc"));
    assertEquals(0, q.get(0).doc().get("rtcp.report_index"));
    assertEquals(1, q.get(1).doc().get("rtcp.report_index"));
    assertEquals(-8388608L, q.get(1).doc().get("rtcp.cumulative_lost"));
    assertEquals(100.0, q.get(1).doc().get("rtcp.jitter_ms"));
    assertEquals(DocIds.of("quality", event.id(), 1), q.get(1).id());
    assertTrue(!q.get(0).id().equals(q.get(1).id()));
    assertTrue((Double) q.get(1).doc().get("rtcp.mos") < (Double) q.get(0).doc().get("rtcp.mos"));
    assertEquals("000000aa", event.doc().get("rtcp.report_ssrc")); // the events document shows the first block
    assertEquals("192.0.2.10", q.get(1).doc().get("destination.ip"));
  }

  @Test
  void legacyAsteriskSentReportHasJitterInSeconds() {
    // Asterisk 1.8/11 shape (res_rtp_asterisk.c): one block as plain keys, IAJitter in seconds
    IndexDoc event =
        EventDocs.ami(
            "RTCPSent",
            "To: 192.168.0.2:58873",
            "OurSSRC: 842807399",
            "SentNTP: 1414510614.1545428992",
            "SentPackets: 201",
            "ReportBlock:",
            "FractionLost: 0",
            "CumulativeLoss: 0",
            "IAJitter: 0.0084",
            "TheirLastSR: 915837296",
            "DLSR: 0.3830 (sec)");
    List<IndexDoc> q = run(event);
    assertEquals(1, q.size());
    Doc d = q.get(0).doc();
    assertEquals(8.4, (Double) d.get("rtcp.jitter_ms"), 1e-9);
    assertNull(d.get("rtcp.clock_rate"));
    assertEquals(String.format("%08x", 842807399L), d.get("rtcp.ssrc"));
    assertEquals(0.0, d.get("rtcp.fraction_lost_pct"));
  }

  @Test
  void freeswitchRtcpMessageUsesItsRtpRate() {
    IndexDoc event =
        EventDocs.freeswitch(
            "RECV_RTCP_MESSAGE",
            "Event-Name: RECV_RTCP_MESSAGE",
            "Unique-ID: 5a3a1d91-90d3-4db4-af5c-cc3ae15d93a4",
            "SSRC: 1A2B3C4D",
            "NTP-Most-Significant-Word: 3909000000",
            "NTP-Least-Significant-Word: 0",
            "RTP-Timestamp: 1600",
            "Sender-Packet-Count: 100",
            "Octect-Packet-Count: 16000",
            "RTP-Rate: 16000",
            "Source0-SSRC: 0011AABB",
            "Source0-Fraction: 26",
            "Source0-Lost: 4294967295",
            "Source0-Loss-Avg: 7.1",
            "Source0-Jitter: 320",
            "Source0-LSR: 0",
            "Source0-DLSR: 0",
            "Rtt0-Avg: 0.060000");
    List<IndexDoc> q = run(event);
    assertEquals(1, q.size());
    Doc d = q.get(0).doc();
    assertEquals("received", d.get("rtcp.direction"));
    assertEquals("SR", d.get("rtcp.packet_type"));
    assertEquals("1a2b3c4d", d.get("rtcp.ssrc"));
    assertEquals("0011aabb", d.get("rtcp.report_ssrc"));
    assertEquals(26 / 256.0 * 100, (Double) d.get("rtcp.fraction_lost_pct"), 1e-12);
    assertEquals(-1L, d.get("rtcp.cumulative_lost"));
    assertEquals(20.0, d.get("rtcp.jitter_ms"));
    assertEquals(16000, d.get("rtcp.clock_rate"));
    assertEquals(false, d.get("rtcp.clock_rate_assumed"));
    assertEquals(60.0, (Double) d.get("rtcp.rtt_ms"), 1e-9);
    assertNull(d.get("rtcp.mos_reported"));
    assertNotNull(d.get("rtcp.mos"));
  }

  @Test
  void freeswitchZeroRttMeansUnknown() {
    IndexDoc event =
        EventDocs.freeswitch(
            "RECV_RTCP_MESSAGE", "SSRC: 00000001", "Source0-SSRC: 00000002", "Source0-Fraction: 0",
            "Source0-Lost: 0", "Source0-Jitter: 0", "Rtt0-Avg: 0.000000");
    IndexDoc q = run(event).get(0);
    assertNull(q.doc().get("rtcp.rtt_ms"));
    assertEquals(true, q.doc().get("rtcp.clock_rate_assumed"));
    assertEquals("RR", q.doc().get("rtcp.packet_type"));
  }

  @Test
  void freeswitchEndOfCallStatisticsBecomeOneReport() {
    IndexDoc event =
        EventDocs.freeswitch(
            "CHANNEL_HANGUP_COMPLETE",
            "variable_rtp_use_codec_name: G729",
            "variable_remote_media_ip: 198.51.100.7",
            "variable_remote_media_port: 4006",
            "variable_local_media_ip: 203.0.113.1",
            "variable_local_media_port: 29846",
            "variable_rtp_audio_in_media_packet_count: 990",
            "variable_rtp_audio_in_flaw_total: 10",
            "variable_rtp_audio_in_jitter_max_variance: 100.00",
            "variable_rtp_audio_in_mos: 4.31");
    List<IndexDoc> q = run(event);
    assertEquals(1, q.size());
    Doc d = q.get(0).doc();
    assertEquals("rtp_stats", d.get("rtcp.packet_type"));
    assertEquals(1.0, (Double) d.get("rtcp.fraction_lost_pct"), 1e-12);
    assertEquals(10.0, (Double) d.get("rtcp.jitter_ms"), 1e-12);
    assertEquals(4.31, d.get("rtcp.mos_reported"));
    assertEquals("freeswitch_mos", d.get("rtcp.mos_reported_by"));
    assertEquals("G.729A", d.get("rtcp.mos_codec"));
    assertEquals(EModel.estimate(CodecProfile.G729A, 1.0, 10.0, 0).mos(), (Double) d.get("rtcp.mos"), 1e-12);
    assertEquals("198.51.100.7", d.get("source.ip"));
    assertEquals(4006, d.get("source.port"));
    assertEquals("203.0.113.1", d.get("destination.ip"));
    assertNull(d.get("rtcp.clock_rate"));
  }

  @Test
  void asteriskRtpAudioQosSummaryBecomesOneReport() {
    IndexDoc event =
        EventDocs.ami(
            "VarSet",
            "Channel: PJSIP/1001-00000001",
            "Variable: RTPAUDIOQOS",
            "Value: ssrc=1171868064;themssrc=16777217;lp=10;rxjitter=0.002000;rxcount=990;txjitter=0.015000;"
                + "txcount=1000;rlp=3;rtt=0.080000;rxmes=88.0;txmes=90.0",
            "ChanVariable: CHANNEL(audioreadformat)=alaw");
    List<IndexDoc> q = run(event);
    assertEquals(1, q.size());
    Doc d = q.get(0).doc();
    assertEquals("rtp_stats", d.get("rtcp.packet_type"));
    assertEquals("01000001", d.get("rtcp.ssrc"));
    assertEquals(1.0, (Double) d.get("rtcp.fraction_lost_pct"), 1e-12);
    assertEquals(10L, d.get("rtcp.cumulative_lost"));
    assertEquals(15.0, (Double) d.get("rtcp.jitter_ms"), 1e-9);
    assertEquals(80.0, (Double) d.get("rtcp.rtt_ms"), 1e-9);
    assertEquals(88.0, d.get("rtcp.mos_reported"));
    assertEquals("asterisk_mes", d.get("rtcp.mos_reported_by"));
    assertEquals(EModel.estimate(CodecProfile.G711, 1.0, 15.0, 40.0).mos(), (Double) d.get("rtcp.mos"), 1e-12);
  }

  @Test
  void asteriskQosWithNothingReceivedHasNoMosAndBridgedCopyIsIgnored() {
    IndexDoc none =
        EventDocs.ami(
            "VarSet",
            "Variable: RTPAUDIOQOS",
            "Value: ssrc=1;themssrc=0;lp=0;rxjitter=0.000000;rxcount=0;txjitter=0.000000;txcount=227;rlp=0;rtt=0.000000");
    IndexDoc q = run(none).get(0);
    assertNull(q.doc().get("rtcp.mos"));
    assertNull(q.doc().get("rtcp.fraction_lost_pct"));
    assertNull(q.doc().get("rtcp.rtt_ms"));
    IndexDoc bridged =
        EventDocs.ami("VarSet", "Variable: RTPAUDIOQOSBRIDGED", "Value: ssrc=1;lp=0;rxcount=10;txjitter=0.01");
    assertTrue(run(bridged).isEmpty());
    assertTrue(run(EventDocs.ami("VarSet", "Variable: FOO", "Value: lp=1")).isEmpty());
  }

  @Test
  void ariChannelVarsetOfRtpAudioQosIsReadWithTheCodecFromChannelvars() {
    java.util.Map<String, Object> raw = new java.util.LinkedHashMap<>();
    raw.put("type", "ChannelVarset");
    raw.put("variable", "RTPAUDIOQOS");
    raw.put("value", "ssrc=1;themssrc=2;lp=0;rxjitter=0.0;rxcount=500;txjitter=0.004;txcount=500;rlp=0;rtt=0.0");
    raw.put(
        "channel",
        java.util.Map.of("id", "1700000000.2", "channelvars", java.util.Map.of("CHANNEL(audioreadformat)", "g729")));
    IndexDoc event = EventDocs.event("asterisk.ari", "ari", "ChannelVarset", raw);
    IndexDoc q = run(event).get(0);
    assertEquals("G.729A", q.doc().get("rtcp.mos_codec"));
    assertEquals(4.0, (Double) q.doc().get("rtcp.jitter_ms"), 1e-9);
    assertEquals(0.0, q.doc().get("rtcp.fraction_lost_pct"));
    assertTrue(run(EventDocs.event("asterisk.ari", "ari", "ChannelVarset", java.util.Map.of("variable", "X"))).isEmpty());
  }

  @Test
  void eventsWithoutReportsAreLeftAlone() {
    IndexDoc hangup = EventDocs.ami("Hangup", "Cause: 16");
    assertTrue(run(hangup).isEmpty());
    assertNull(hangup.doc().get("rtcp"));
    IndexDoc fsHangup = EventDocs.freeswitch("CHANNEL_HANGUP_COMPLETE", "Hangup-Cause: NORMAL_CLEARING");
    assertTrue(run(fsHangup).isEmpty());
    assertNull(fsHangup.doc().get("rtcp"));
  }

  @Test
  void garbageValuesDoNotThrow() {
    IndexDoc event =
        EventDocs.ami(
            "RTCPReceived", "SSRC: nope", "PT: ?", "ReportCount: x", "Report0FractionLost: 999",
            "Report0IAJitter: -4", "Report0CumulativeLost: lots", "Report99999999999SourceSSRC: 1", "RTT: abc");
    List<IndexDoc> q = run(event);
    assertEquals(1, q.size());
    assertNull(q.get(0).doc().get("rtcp.fraction_lost_pct"));
    assertNull(q.get(0).doc().get("rtcp.mos"));
    assertNull(q.get(0).doc().get("rtcp.ssrc"));
  }
}
