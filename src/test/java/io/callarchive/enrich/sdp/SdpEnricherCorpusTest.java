package io.callarchive.enrich.sdp;

import static io.callarchive.enrich.TestDocs.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.Corpus;
import io.callarchive.enrich.TestDocs;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Conformance: the SDP enricher on Kazoo's published CHANNEL_DESTROY of the shared corpus. */
class SdpEnricherCorpusTest {
  private final SdpEnricher enricher = new SdpEnricher();

  private Doc enrich(IndexDoc e) {
    assertTrue(TestDocs.run(enricher, e).isEmpty(), "SDP never derives documents");
    return e.doc();
  }

  @Test
  void kazooDestroyFromTheCorpusIsDecodedThroughItsWrapper() throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> tree =
        new ObjectMapper()
            .readValue(Corpus.dir("kazoo-amqp").resolve("kazoo__blackhole-README__CHANNEL_DESTROY.json").toFile(), Map.class);
    Doc d = enrich(event("kazoo.amqp", "CHANNEL_DESTROY", "kazoo", tree));
    assertEquals("192.168.25.203", d.get("sdp.media_ip"));
    assertEquals(49382, d.get("sdp.media_port"));
    assertEquals("UDP/TLS/RTP/SAVPF", d.get("sdp.protocol"));
    assertEquals(true, d.get("sdp.srtp"));
    assertEquals("dtls", d.get("sdp.srtp_method"));
    assertEquals(true, d.get("sdp.rtcp_mux"));
    assertEquals(8, d.get("sdp.ice_candidates"));
    assertEquals(60, d.get("sdp.maxptime"));
    assertEquals("opus/48000/2", ((List<?>) d.get("sdp.codecs")).get(0));
    assertEquals(List.of("audio"), d.get("sdp.media_types"));
  }

}
