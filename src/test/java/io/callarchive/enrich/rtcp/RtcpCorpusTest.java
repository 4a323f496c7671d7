package io.callarchive.enrich.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Corpus;
import io.callarchive.enrich.EventDocs;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import io.callarchive.parse.ami.AmiFormat;
import io.callarchive.pipeline.DocSink;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.Sinks;
import io.callarchive.pipeline.SourceContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Real RTCP reports and RTP statistics from the shared corpus, read in place. */
class RtcpCorpusTest {

  /** Every document the real pipeline makes of an AMI corpus file with only the RTCP enricher. */
  private static List<IndexDoc> amiThroughPipeline(String file) {
    List<IndexDoc> out = new ArrayList<>();
    DocSink sink =
        Sinks.into(out);
    Pipeline p =
        new Pipeline(List.of(new RtcpEnricher()), sink, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    AmiFormat ami = new AmiFormat();
    SourceContext ctx = new SourceContext("corpus", Map.of(), Instant.parse("2014-10-28T15:36:49Z"));
    for (Parsed piece : Readers.readAll(ami, Corpus.dir("asterisk-ami").resolve(file))) p.accept(piece, ami, ctx);
    return out;
  }

  private static List<Doc> of(List<IndexDoc> docs, IndexType type, String action) {
    return docs.stream()
        .filter(d -> d.type() == type && action.equals(d.doc().get("event.action")))
        .map(IndexDoc::doc)
        .toList();
  }

  @Test
  void asterisk11ReceiverReportWithFullLossIsDecoded() {
    List<IndexDoc> docs = amiThroughPipeline("panoramisk__agent_loggued_in.txt");
    List<Doc> quality = of(docs, IndexType.QUALITY, "RTCPReceived");
    assertEquals(1, quality.size());
    Doc q = quality.get(0);
    // From: 192.168.1.5:60377, PT: 201(Receiver Report), SenderSSRC: 2314535167, FractionLost: 255,
    // PacketsLost: 62857, IAJitter: 154953728 (RTP units; codec unknown)
    assertEquals("192.168.1.5", q.get("source.ip"));
    assertEquals(60377, q.get("source.port"));
    assertEquals("RR", q.get("rtcp.packet_type"));
    assertEquals(String.format("%08x", 2314535167L), q.get("rtcp.ssrc"));
    assertEquals(255 / 256.0 * 100, (Double) q.get("rtcp.fraction_lost_pct"), 1e-12);
    assertEquals(62857L, q.get("rtcp.cumulative_lost"));
    assertEquals(154953728 / 8.0, (Double) q.get("rtcp.jitter_ms"), 1e-9);
    assertEquals(true, q.get("rtcp.clock_rate_assumed"));
    assertEquals(1.0, q.get("rtcp.mos")); // everything lost: the floor
    assertEquals("report", q.get("quality.kind"));
    assertNull(q.get("event.original"));
  }

  @Test
  void asterisk11SentAndReceivedReportsOfOneCall() {
    List<IndexDoc> docs = amiThroughPipeline("panoramisk__originate_with_events.txt");
    Doc received = of(docs, IndexType.QUALITY, "RTCPReceived").get(0);
    assertEquals("SR", received.get("rtcp.packet_type"));
    assertEquals(100 / 256.0, (Double) received.get("rtcp.fraction_lost_pct"), 1e-12);
    assertEquals(1L, received.get("rtcp.cumulative_lost"));
    assertEquals("01000001", received.get("rtcp.ssrc")); // SenderSSRC: 16777217

    Doc sent = of(docs, IndexType.QUALITY, "RTCPSent").get(0);
    assertEquals("sent", sent.get("rtcp.direction"));
    assertEquals("192.168.0.2", sent.get("destination.ip"));
    assertEquals(58873, sent.get("destination.port"));
    assertEquals(8.4, (Double) sent.get("rtcp.jitter_ms"), 1e-9); // IAJitter: 0.0084 s
    assertEquals(0.0, sent.get("rtcp.fraction_lost_pct"));
    double mos = (Double) sent.get("rtcp.mos");
    assertTrue(mos > 4.3 && mos <= 4.5, "no loss and 8 ms of jitter is a good call: " + mos);
  }

  @Test
  void everyAmiCorpusReportAndQosSummaryGetsAQualityDocumentWithinTheMosRange() throws IOException {
    java.util.regex.Pattern reportEvent = java.util.regex.Pattern.compile("Event: RTCP(Sent|Received)\r?\n");
    java.util.regex.Pattern qos = java.util.regex.Pattern.compile("Variable: RTPAUDIOQOS\r?\n"); // not ...BRIDGED
    int expected = 0;
    int reports = 0;
    for (Path f : Corpus.files("asterisk-ami")) {
      String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      long inFile = reportEvent.matcher(text).results().count() + qos.matcher(text).results().count();
      if (inFile == 0) continue;
      expected += (int) inFile;
      for (IndexDoc d : amiThroughPipeline(f.getFileName().toString())) {
        if (d.type() != IndexType.QUALITY) continue;
        reports++;
        Object mos = d.doc().get("rtcp.mos");
        if (mos != null) assertTrue((Double) mos >= 1.0 && (Double) mos <= 4.5);
        assertEquals("report", d.doc().get("quality.kind"));
      }
    }
    assertTrue(expected >= 5, "the corpus has Asterisk 11 reports and summaries");
    assertEquals(expected, reports);
  }

  @Test
  void asterisk11QosSummaryUsesTheLocallyMeasuredJitter() {
    List<Doc> qos = of(amiThroughPipeline("panoramisk__agent_loggued_in.txt"), IndexType.QUALITY, "VarSet");
    assertEquals(2, qos.size());
    Doc q = qos.get(0);
    // lp=0 of rxcount=229; txjitter=0.019554 s is Asterisk's own measurement (rxjitter=2364 is the far end's)
    assertEquals(0.0, q.get("rtcp.fraction_lost_pct"));
    assertEquals(19.554, (Double) q.get("rtcp.jitter_ms"), 1e-9);
    assertEquals(String.format("%08x", 1743037615L), q.get("rtcp.ssrc"));
    assertNull(q.get("rtcp.rtt_ms"));
    assertTrue((Double) q.get("rtcp.mos") > 4.3);
  }

  /** The header blocks of a FreeSWITCH plain-format file, values percent-decoded as the ESL reader does. */
  private static List<Map<String, Object>> freeswitchBlocks(Path file) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    Map<String, Object> cur = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        if (!cur.isEmpty()) out.add(cur);
        cur = new LinkedHashMap<>();
        continue;
      }
      int c = line.indexOf(": ");
      if (c > 0) cur.put(line.substring(0, c), percentDecode(line.substring(c + 2)));
    }
    if (!cur.isEmpty()) out.add(cur);
    return out;
  }

  private static String percentDecode(String s) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
        b.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        b.writeBytes(String.valueOf(ch).getBytes(StandardCharsets.UTF_8));
      }
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  private static boolean isHex(char c) {
    return Character.digit(c, 16) >= 0;
  }

  @Test
  void freeswitchHangupCompleteStatisticsFromCgrates() throws IOException {
    List<Map<String, Object>> blocks =
        freeswitchBlocks(Corpus.dir("freeswitch-esl").resolve("cgrates__channel-hangup-complete_plain-headers.txt"));
    assertEquals(2, blocks.size());
    List<Doc> quality = new ArrayList<>();
    for (Map<String, Object> b : blocks) {
      IndexDoc e = EventDocs.event("freeswitch.esl", "freeswitch", (String) b.get("Event-Name"), b);
      new RtcpEnricher().enrich(e, d -> quality.add(d.doc()));
    }
    assertEquals(2, quality.size());

    Doc speex = quality.get(0); // SPEEX: no E-model profile, so G.711 is assumed and said so
    assertEquals("speex", speex.get("rtcp.codec"));
    assertEquals(true, speex.get("rtcp.mos_codec_assumed"));
    assertEquals(0.0, speex.get("rtcp.fraction_lost_pct")); // flaw_total 0
    assertEquals(Math.sqrt(6716.71), (Double) speex.get("rtcp.jitter_ms"), 1e-9);
    assertEquals(4.50, speex.get("rtcp.mos_reported"));
    assertEquals("10.0.3.15", speex.get("source.ip"));
    assertEquals(4006, speex.get("source.port"));
    assertEquals(29846, speex.get("destination.port"));

    Doc g722 = quality.get(1);
    assertEquals("G.722", g722.get("rtcp.mos_codec"));
    assertEquals(false, g722.get("rtcp.mos_codec_assumed"));
    assertEquals(100.0 / 989, (Double) g722.get("rtcp.fraction_lost_pct"), 1e-12); // 1 flaw, 988 media packets
    assertEquals(Math.sqrt(31.77), (Double) g722.get("rtcp.jitter_ms"), 1e-9);
    assertEquals(4.49, g722.get("rtcp.mos_reported"));
    assertEquals("freeswitch_mos", g722.get("rtcp.mos_reported_by"));
    assertFalse(g722.get("rtcp.mos").equals(g722.get("rtcp.mos_reported")));
    assertTrue((Double) g722.get("rtcp.mos") > (Double) speex.get("rtcp.mos"), "less jitter, same tiny loss");
  }
}
