package io.callarchive.enrich.sdp;

import static io.callarchive.enrich.TestDocs.percentDecode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.Corpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Conformance: the SDP of the shared corpus (Kazoo's WebRTC offer, FreeSWITCH's URL-encoded variables). */
class SdpParserCorpusTest {

  private static List<String> labels(Sdp.Media m) {
    return m.codecs().stream().map(Codec::label).toList();
  }

  @Test
  void kazooWebrtcRemoteSdpFromTheCorpusIsFullyRead() throws Exception {
    JsonNode tree =
        new ObjectMapper().readTree(Corpus.dir("kazoo-amqp").resolve("kazoo__blackhole-README__CHANNEL_DESTROY.json").toFile());
    Sdp sdp = SdpParser.parse(tree.path("args").path("Remote-SDP").asText());
    assertFalse(sdp.partial(), sdp.problems().toString());
    assertEquals("192.168.25.203", sdp.originAddress());
    Sdp.Media m = sdp.primary();
    assertEquals("audio", m.type());
    assertEquals(49382, m.port());
    assertEquals("UDP/TLS/RTP/SAVPF", m.protocol());
    assertEquals("192.168.25.203", m.connection());
    assertEquals(
        List.of("opus/48000/2", "ISAC/16000", "ISAC/32000", "G722/8000", "PCMU/8000", "PCMA/8000", "CN/32000",
            "CN/16000", "CN/8000", "telephone-event/8000"),
        labels(m));
    assertEquals(List.of("opus/48000/2", "ISAC/16000", "ISAC/32000", "G722/8000", "PCMU/8000", "PCMA/8000"),
        m.voiceCodecs().stream().map(Codec::label).toList());
    assertEquals(8, m.iceCandidates());
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
  void everyUrlEncodedFreeswitchSdpInTheCorpusGivesAnAudioStream() throws Exception {
    int seen = 0;
    for (Path file : Corpus.files("freeswitch-esl")) {
      Matcher mt = FS_SDP.matcher(Files.readString(file, StandardCharsets.ISO_8859_1));
      while (mt.find()) {
        Sdp sdp = SdpParser.parse(percentDecode(mt.group(2)));
        Sdp.Media m = sdp.primary();
        assertNotNull(m, file + " " + mt.group(1));
        assertEquals("audio", m.type());
        assertNotNull(IpLiteral.normalise(m.connection()), file + ": " + m.connection());
        assertTrue(m.port() != null && m.port() > 0, file + ": " + m);
        assertFalse(m.voiceCodecs().isEmpty(), file + ": " + m);
        seen++;
      }
    }
    assertTrue(seen >= 20, "saw " + seen);
  }

}
