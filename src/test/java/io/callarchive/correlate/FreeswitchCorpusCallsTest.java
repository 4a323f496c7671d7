package io.callarchive.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.callarchive.Corpus;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.parse.freeswitch.FreeswitchFormat;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** FreeSWITCH captures of the corpus through the real format, then the correlator. */
class FreeswitchCorpusCallsTest {

  private static MemorySummaries correlate(String file) throws Exception {
    byte[] bytes = Files.readAllBytes(Corpus.dir("freeswitch-esl").resolve(file));
    MemorySummaries store = new MemorySummaries();
    Correlator c = new Correlator(CorrelatorSettings.defaults(), new TableCauses(), store);
    for (IndexDoc e : Feed.events(new FreeswitchFormat(), bytes)) c.accept(e);
    c.flush();
    return store;
  }

  @Test
  void callcenterDocumentationExamplesMakeOneAnsweredStay() throws Exception {
    Doc q = correlate("freeswitch-docs__mod_callcenter_callcenter-info-doc-examples.txt").onlyStay();
    assertEquals("support@default", q.get("queue.name"));
    assertEquals("answered", q.get("queue.outcome"));
    assertEquals("AgentNameHere", q.get("agent.name"));
    assertEquals(1, q.get("queue.ring_no_answer"), "the bridge-agent-fail example");
  }

  @Test
  void hangupCompleteCaptureGivesEndedCallsWithTheirCause() throws Exception {
    MemorySummaries store = correlate("cgrates__channel-hangup-complete_plain-headers.txt");
    assertFalse(store.calls.isEmpty());
    for (IndexDoc call : store.calls.values()) {
      Doc d = call.doc();
      assertEquals(true, d.get("call.complete"), d.getString("call.id"));
      assertEquals("NORMAL_CLEARING", d.get("hangup.cause.name"));
      assertEquals(16, d.get("hangup.cause.q850"));
    }
  }
}
