package io.callarchive.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callarchive.Corpus;
import io.callarchive.model.Doc;
import io.callarchive.parse.ami.AmiFormat;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Conformance: a real AMI call stream of the shared corpus through the real format, then the correlator. */
class AmiCallsCorpusTest {

  private static MemorySummaries correlate(java.util.List<io.callarchive.model.IndexDoc> events) {
    MemorySummaries store = new MemorySummaries();
    Correlator c = new Correlator(CorrelatorSettings.defaults(), new BuiltinCauses(), store);
    events.forEach(c::accept);
    c.flush();
    return store;
  }

  @Test
  void corpusCallStreamIsOneAnsweredTwoLegCall() throws Exception {
    byte[] bytes = Files.readAllBytes(Corpus.dir("asterisk-ami").resolve("goami2__call-stream_crlf-reconstructed.txt"));
    Doc d = correlate(Feed.events(new AmiFormat(), bytes)).onlyCall();
    assertEquals("1598887681.60", d.get("call.id"));
    assertEquals(2, d.get("call.legs"));
    assertEquals(true, d.get("call.answered"));
    assertEquals(true, d.get("call.complete"));
    assertEquals("9170", d.get("caller.number"));
    assertEquals("Bud Heller", d.get("caller.name"));
    assertEquals("9898", d.get("callee.number"));
    assertEquals("internal", d.get("call.direction"));
    assertEquals(16, d.get("hangup.cause.q850"));
    assertEquals("answered", d.get("hangup.cause.category"));
    // the capture carries no Timestamp headers: every event has the fallback time
    assertEquals(Feed.FALLBACK.toString(), d.get("call.start"));
    assertEquals(0.0, d.get("call.duration_s"));
  }

}
