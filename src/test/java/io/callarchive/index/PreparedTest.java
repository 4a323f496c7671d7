package io.callarchive.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreparedTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aPreparedDocumentCarriesTheMappersBytes() throws Exception {
    Doc d = new Doc().put("event.original", "Event: Hangup\r\nCause: 16\r\n\"quoted\" \\ é \u0001")
        .put("event.sequence", 42L).put("network.rtcp.loss", 0.25).put("tags", List.of("a", "b"))
        .put("call.answered", true);
    IndexDoc doc = new IndexDoc(IndexType.EVENTS, "id-1", Instant.EPOCH, d, new byte[0], null);
    BulkIndexer.Prepared p = BulkIndexer.prepare(doc);
    assertArrayEquals(JSON.writeValueAsBytes(d.asMap()), p.json());
    assertEquals(doc, p.doc());
  }

  @Test
  void aValueTheMapperCannotWriteBecomesAJsonStringTheNodeRefuses() throws Exception {
    Doc d = new Doc().put("event.action", "x").put("odd", new Object());
    byte[] json = BulkIndexer.prepare(new IndexDoc(IndexType.EVENTS, "id-2", Instant.EPOCH, d, null, null)).json();
    // one JSON string holding the document's text: valid JSON for the request, not an object for the index
    assertEquals(String.valueOf(d.asMap()), JSON.readValue(json, String.class));
    assertEquals('"', new String(json, StandardCharsets.UTF_8).charAt(0));
  }
}
