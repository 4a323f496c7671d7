package io.callarchive.enrich.sdp;

import static io.callarchive.enrich.TestDocs.event;
import static io.callarchive.enrich.TestDocs.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.enrich.TestDocs;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SdpEnricherTest {
  private final SdpEnricher enricher = new SdpEnricher();

  private static final String OFFER =
      "v=0\r\no=- 1 1 IN IP4 203.0.113.10\r\ns=-\r\nc=IN IP4 203.0.113.10\r\nt=0 0\r\n"
          + "m=audio 40000 RTP/AVP 0 8 96 101\r\na=rtpmap:96 opus/48000/2\r\na=rtpmap:101 telephone-event/8000\r\n"
          + "a=ptime:20\r\n";
  private static final String ANSWER =
      "v=0\r\no=FreeSWITCH 1 1 IN IP4 198.51.100.5\r\ns=FreeSWITCH\r\nc=IN IP4 198.51.100.5\r\nt=0 0\r\n"
          + "m=audio 20000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
          + "a=ptime:20\r\na=rtcp-mux\r\n";

  private Doc enrich(IndexDoc e) {
    assertTrue(TestDocs.run(enricher, e).isEmpty(), "SDP decoding derives no documents");
    return e.doc();
  }

  @Test
  void freeswitchInboundLegGetsBothSidesAndTheNegotiatedCodec() {
    Doc d =
        enrich(
            event("freeswitch.esl", "CHANNEL_HANGUP_COMPLETE", "freeswitch",
                map("Call-Direction", "inbound", "variable_switch_r_sdp", OFFER, "variable_rtp_local_sdp_str", ANSWER)));
    assertEquals("203.0.113.10", d.get("sdp.remote.media_ip"));
    assertEquals(40000, d.get("sdp.remote.media_port"));
    assertEquals(List.of("PCMU/8000", "PCMA/8000", "opus/48000/2"), d.get("sdp.remote.codecs"));
    assertEquals("198.51.100.5", d.get("sdp.local.media_ip"));
    assertEquals(true, d.get("sdp.local.rtcp_mux"));
    assertEquals("203.0.113.10", d.get("sdp.media_ip"), "the top level describes the remote party");
    assertEquals("remote", d.get("sdp.side"));
    assertEquals(List.of("PCMA/8000"), d.get("sdp.codecs"));
    assertEquals(true, d.get("sdp.negotiated"));
    assertEquals(true, d.get("sdp.telephone_event"));
    assertEquals(false, d.get("sdp.srtp"));
    assertEquals("RTP/AVP", d.get("sdp.protocol"));
    assertEquals(20, d.get("sdp.ptime"));
    assertEquals("sendrecv", d.get("sdp.direction"));
    assertEquals(0, d.get("sdp.ice_candidates"));
    assertEquals(false, d.get("sdp.partial"));
  }

  @Test
  void outboundLegTakesTheRemoteSdpAsTheAnswer() {
    Doc d =
        enrich(
            event("freeswitch.esl", "CHANNEL_ANSWER", "freeswitch",
                map("Call-Direction", "outbound", "variable_switch_r_sdp", ANSWER, "variable_rtp_local_sdp_str", OFFER)));
    assertEquals(List.of("PCMA/8000"), d.get("sdp.codecs"));
    assertEquals("198.51.100.5", d.get("sdp.media_ip"));
  }

  @Test
  void aSingleSdpIsReportedButNotCalledNegotiated() {
    Doc d = enrich(event("freeswitch.esl", "CHANNEL_DATA", "freeswitch", map("variable_switch_m_sdp", OFFER)));
    assertEquals("peer", d.get("sdp.side"));
    assertEquals(false, d.get("sdp.negotiated"));
    assertEquals(List.of("PCMU/8000", "PCMA/8000", "opus/48000/2"), d.get("sdp.codecs"));
    assertEquals(40000, d.get("sdp.peer.media_port"));
    assertNull(d.get("sdp.remote"));
  }

  @Test
  void kazooDestroyOfTheFixturesIsDecodedThroughItsWrapper() throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = new ObjectMapper().convertValue(SdpParserTest.webrtcDestroyFrame(), Map.class);
    Doc d = enrich(event("kazoo.amqp", "CHANNEL_DESTROY", "kazoo", tree));
    assertEquals("192.0.2.94", d.get("sdp.media_ip"));
    assertEquals(50110, d.get("sdp.media_port"));
    assertEquals("UDP/TLS/RTP/SAVPF", d.get("sdp.protocol"));
    assertEquals(true, d.get("sdp.srtp"));
    assertEquals("dtls", d.get("sdp.srtp_method"));
    assertEquals(true, d.get("sdp.rtcp_mux"));
    assertEquals(4, d.get("sdp.ice_candidates"));
    assertEquals(60, d.get("sdp.maxptime"));
    assertEquals("opus/48000/2", ((List<?>) d.get("sdp.codecs")).get(0));
    assertEquals(List.of("audio"), d.get("sdp.media_types"));
  }

  @Test
  void hostNamesGoToMediaHostNotToTheIpField() {
    String sdp = "v=0\r\nc=IN IP4 media.example.com\r\nm=audio 4000 RTP/AVP 0\r\n";
    Doc d = enrich(event("kazoo.amqp", "CHANNEL_DESTROY", "kazoo", map("Remote-SDP", sdp)));
    assertNull(d.get("sdp.media_ip"));
    assertEquals("media.example.com", d.get("sdp.media_host"));
  }

  @Test
  void malformedSdpNeverThrowsAndIsMarkedPartial() {
    Doc d = enrich(event("kazoo.amqp", "CHANNEL_DESTROY", "kazoo", map("Remote-SDP", "v=0\r\nm=audio x\r\n%%%")));
    assertEquals(true, d.get("sdp.partial"));
    assertEquals(true, d.get("sdp.remote.partial"));
  }

  @Test
  void platformsWithoutSdpAreLeftAlone() {
    Doc ami = enrich(event("asterisk.ami", "Hangup", "ami", map("Cause", "16")));
    assertNull(ami.get("sdp"));
    Doc fs = enrich(event("freeswitch.esl", "CHANNEL_CREATE", "freeswitch", map("variable_switch_r_sdp", "_undef_")));
    assertNull(fs.get("sdp"));
  }
}
