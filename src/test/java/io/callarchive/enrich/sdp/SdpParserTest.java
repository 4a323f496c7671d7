package io.callarchive.enrich.sdp;

import static io.callarchive.enrich.TestDocs.percentDecode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SdpParserTest {

  private static List<String> labels(Sdp.Media m) {
    return m.codecs().stream().map(Codec::label).toList();
  }

  /** The Remote-SDP of the WebRTC agent leg's CHANNEL_DESTROY in the Kazoo websocket fixture. */
  static JsonNode webrtcDestroyFrame() throws Exception {
    byte[] bytes = Files.readAllBytes(Fixtures.file("kazoo-amqp", "busy-noanswer-transfer_websocket-pretty.json"));
    try (var it = new ObjectMapper().readerFor(JsonNode.class).<JsonNode>readValues(bytes)) {
      while (it.hasNext()) {
        JsonNode frame = it.next();
        JsonNode data = frame.path("data");
        if (data.path("Event-Name").asText().equals("CHANNEL_DESTROY")
            && data.path("Call-ID").asText().equals("6c8e0a2b-4d6f-4a8c-b0e2-4f6a8c0e2a4c")) {
          return frame;
        }
      }
    }
    throw new AssertionError("no CHANNEL_DESTROY of the agent leg");
  }

  @Test
  void kazooWebrtcRemoteSdpOfTheFixturesIsFullyRead() throws Exception {
    Sdp sdp = SdpParser.parse(webrtcDestroyFrame().path("data").path("Remote-SDP").asText());
    assertFalse(sdp.partial(), sdp.problems().toString());
    assertEquals("192.0.2.94", sdp.originAddress());
    Sdp.Media m = sdp.primary();
    assertEquals("audio", m.type());
    assertEquals(50110, m.port());
    assertEquals("UDP/TLS/RTP/SAVPF", m.protocol());
    assertEquals("192.0.2.94", m.connection());
    assertEquals(
        List.of("opus/48000/2", "G722/8000", "PCMU/8000", "PCMA/8000", "CN/8000", "telephone-event/48000",
            "telephone-event/8000"),
        labels(m));
    assertEquals(List.of("opus/48000/2", "G722/8000", "PCMU/8000", "PCMA/8000"),
        m.voiceCodecs().stream().map(Codec::label).toList());
    assertEquals(4, m.iceCandidates());
    assertTrue(m.rtcpMux());
    assertEquals(60, m.maxptime());
    assertNull(m.ptime());
    assertTrue(m.srtp());
    assertEquals("dtls", m.srtpMethod());
    assertEquals("sha-256", m.fingerprintHash());
    assertTrue(m.telephoneEvent());
    assertEquals("sendrecv", m.direction());
  }

  private static final Pattern FS_SDP =
      Pattern.compile("^variable_(switch_r_sdp|rtp_local_sdp_str|switch_m_sdp|sip_local_sdp_str): (v%3D0\\S*)$",
          Pattern.MULTILINE);

  @Test
  void everyUrlEncodedFreeswitchSdpOfTheFixturesGivesItsAudioStream() throws Exception {
    List<String> seen = new java.util.ArrayList<>();
    for (Path file : Fixtures.files("freeswitch-esl")) {
      Matcher mt = FS_SDP.matcher(Files.readString(file, StandardCharsets.ISO_8859_1));
      while (mt.find()) {
        Sdp sdp = SdpParser.parse(percentDecode(mt.group(2)));
        assertFalse(sdp.partial(), sdp.problems().toString());
        Sdp.Media m = sdp.primary();
        assertEquals("audio", m.type());
        assertEquals(List.of("PCMA/8000", "telephone-event/8000"), labels(m));
        assertEquals(20, m.ptime());
        seen.add(mt.group(1) + " " + m.connection() + ":" + m.port());
      }
    }
    // the A-leg's CHANNEL_HANGUP_COMPLETE of answered-call_plain-envelopes.txt: the caller's offer, our answer
    assertEquals(List.of("switch_r_sdp 192.0.2.51:16400", "rtp_local_sdp_str 192.0.2.30:24000"), seen);
  }

  @Test
  void xliteOfferUsesStaticPcmaWithoutRtpmap() {
    String sdp = percentDecode(
        "v%3D0%0D%0Ao%3D-%2013065030757513622%201%20IN%20IP4%20172.16.50.1%0D%0As%3DX-Lite%20release%204.7.1%20stamp"
            + "%2074247%0D%0Ac%3DIN%20IP4%20172.16.50.1%0D%0At%3D0%200%0D%0Am%3Daudio%2061270%20RTP/AVP%208%20101%0D%0A"
            + "a%3Drtpmap%3A101%20telephone-event/8000%0D%0Aa%3Dfmtp%3A101%200-15%0D%0A");
    Sdp.Media m = SdpParser.parse(sdp).primary();
    assertEquals(List.of("PCMA/8000", "telephone-event/8000"), labels(m));
    assertEquals("172.16.50.1", m.connection());
    assertEquals(61270, m.port());
    assertFalse(m.srtp());
    assertNull(m.srtpMethod());
  }

  @Test
  void ipv6ConnectionAndMultipleMediaLinesPickTheFirstLiveAudioStream() {
    String text = String.join("\r\n",
        "v=0", "o=- 1 2 IN IP6 2001:db8::10", "s=-", "c=IN IP6 2001:db8::10", "t=0 0",
        "m=audio 0 RTP/AVP 0", "m=audio 5004 RTP/AVP 96 0", "c=IN IP6 2001:DB8::20", "a=rtpmap:96 opus/48000/2",
        "a=ptime:20", "a=sendonly", "m=video 5006 RTP/AVP 97", "a=rtpmap:97 H264/90000", "m=image 5008 udptl t38", "");
    Sdp sdp = SdpParser.parse(text);
    assertFalse(sdp.partial(), sdp.problems().toString());
    assertEquals(4, sdp.media().size());
    Sdp.Media m = sdp.primary();
    assertEquals(5004, m.port());
    assertEquals("2001:DB8::20", m.connection());
    assertEquals("2001:db8::20", IpLiteral.normalise(m.connection()));
    assertEquals(List.of("opus/48000/2", "PCMU/8000"), labels(m));
    assertEquals(20, m.ptime());
    assertEquals("sendonly", m.direction());
    assertEquals("2001:db8::10", sdp.media().get(0).connection(), "session-level c= applies to the first stream");
    assertEquals(List.of(), sdp.media().get(3).codecs(), "T.38 formats are not RTP codecs");
  }

  @Test
  void garbageLinesMakeItPartialButKeepWhatCanBeRead() {
    String text = "v=0\nc=IN IP4 192.0.2.7\nthis is not sdp\nm=audio 7078 RTP/AVP 0 8\n\u0000\u0001=\nA\na=ptime:30\n";
    Sdp sdp = SdpParser.parse(text);
    assertTrue(sdp.partial());
    assertEquals(List.of("PCMU/8000", "PCMA/8000"), labels(sdp.primary()));
    assertEquals(30, sdp.primary().ptime());
    assertEquals("192.0.2.7", sdp.primary().connection());
  }

  @Test
  void truncatedSdpKeepsItsFirstPartsAndIsPartial() {
    String full = "v=0\r\no=- 1 1 IN IP4 198.51.100.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\n"
        + "m=audio 16384 RTP/SAVP 96 101\r\na=rtpmap:96 opus/48000/2\r\na=rtpmap:101 telephone-event/48000\r\n";
    for (int cut = 0; cut <= full.length(); cut++) {
      Sdp sdp = SdpParser.parse(full.substring(0, cut)); // must never throw, at any cut
      if (sdp == null) continue;
      if (cut < full.indexOf("m=audio")) assertTrue(sdp.partial(), "cut at " + cut);
    }
    Sdp cutBeforeRtpmap = SdpParser.parse(full.substring(0, full.indexOf("a=rtpmap:96")));
    assertTrue(cutBeforeRtpmap.partial(), "dynamic payload types without rtpmap");
    assertEquals(16384, cutBeforeRtpmap.primary().port());
    assertTrue(cutBeforeRtpmap.primary().srtp());
    Sdp cutInMline = SdpParser.parse(full.substring(0, full.indexOf("RTP/SAVP")));
    assertTrue(cutInMline.partial());
    assertEquals("audio", cutInMline.primary().type());
  }

  @Test
  void sdesCryptoSuitesAreKeptButNeverTheirKeys() {
    String text = "v=0\r\nc=IN IP4 192.0.2.9\r\nm=audio 4000 RTP/SAVP 0\r\n"
        + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4\r\n"
        + "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj\r\n";
    Sdp.Media m = SdpParser.parse(text).primary();
    assertEquals(List.of("AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"), m.cryptoSuites());
    assertEquals("sdes", m.srtpMethod());
    assertFalse(m.toString().contains("WVNfX19zZW1jdGwg"), "the SRTP key must not be kept");
  }

  @Test
  void sessionLevelDirectionAndFingerprintApplyUnlessAMediaSectionOverrides() {
    String text = "v=0\nc=IN IP4 192.0.2.1\na=inactive\na=fingerprint:SHA-1 4A:AD:B9\n"
        + "m=audio 1 UDP/TLS/RTP/SAVP 0\nm=audio 2 RTP/AVP 0\na=recvonly\n";
    Sdp sdp = SdpParser.parse(text);
    assertEquals("inactive", sdp.media().get(0).direction());
    assertEquals("dtls", sdp.media().get(0).srtpMethod());
    assertEquals("recvonly", sdp.media().get(1).direction());
    assertFalse(sdp.media().get(1).srtp());
  }

  @Test
  void oddButLegalValuesAreRead() {
    String text = "v=0\nc=IN IP4 224.2.1.1/127/3\nm=audio 49170/2 RTP/AVP 0\na=ptime:20.0\n";
    Sdp.Media m = SdpParser.parse(text).primary();
    assertEquals("224.2.1.1", m.connection());
    assertEquals(49170, m.port());
    assertEquals(20, m.ptime());
    assertEquals("sendrecv", m.direction(), "the default direction");
  }

  @Test
  void badValuesAreReportedAsPartial() {
    assertTrue(SdpParser.parse("v=0\nm=audio notaport RTP/AVP 0\n").partial());
    assertNull(SdpParser.parse("v=0\nm=audio notaport RTP/AVP 0\n").primary().port());
    assertTrue(SdpParser.parse("v=0\nm=audio 70000 RTP/AVP 0\n").partial());
    assertTrue(SdpParser.parse("v=0\nc=IN\nm=audio 1 RTP/AVP 0\n").partial());
    assertTrue(SdpParser.parse("v=0\nm=audio 1 RTP/AVP 96\na=rtpmap:96\n").partial());
    assertTrue(SdpParser.parse("hello world").partial());
    assertEquals(List.of(), SdpParser.parse("hello world").media());
    assertNull(SdpParser.parse(null));
    assertNull(SdpParser.parse("  \r\n"));
  }

  @Test
  void hugeInputIsBounded() {
    StringBuilder b = new StringBuilder("v=0\nc=IN IP4 192.0.2.1\nm=audio 1 RTP/AVP 0\n");
    while (b.length() < SdpParser.MAX_CHARS * 2) b.append("a=candidate:1 1 udp 1 192.0.2.1 1 typ host\n");
    Sdp sdp = SdpParser.parse(b.toString());
    assertTrue(sdp.partial());
    assertTrue(sdp.primary().iceCandidates() < SdpParser.MAX_LINES);
  }

  @Test
  void ipLiteralsAreToldFromHostNames() {
    assertEquals("192.0.2.1", IpLiteral.normalise("192.0.2.1"));
    assertEquals("2001:db8::1", IpLiteral.normalise("[2001:db8::1]"));
    assertEquals("fe80::1", IpLiteral.normalise("fe80::1%eth0"));
    assertNull(IpLiteral.normalise("media.example.com"));
    assertNull(IpLiteral.normalise("256.1.1.1"));
    assertNull(IpLiteral.normalise("1.2.3"));
    assertNull(IpLiteral.normalise("2001:db8::g"));
    assertNull(IpLiteral.normalise(""));
  }
}
