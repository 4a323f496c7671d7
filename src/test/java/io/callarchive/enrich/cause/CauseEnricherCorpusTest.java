package io.callarchive.enrich.cause;

import static io.callarchive.enrich.TestDocs.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callarchive.Corpus;
import io.callarchive.enrich.TestDocs;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import io.callarchive.parse.ami.AmiFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Conformance: the causes of every AMI Hangup and ARI ChannelDestroyed of the shared corpus are unified. */
class CauseEnricherCorpusTest {
  private final CauseEnricher enricher = new CauseEnricher();

  private Doc enrich(IndexDoc e) {
    assertTrue(TestDocs.run(enricher, e).isEmpty(), "a cause never derives documents");
    return e.doc();
  }

  @Test
  void everyAmiHangupInTheCorpusGetsAKnownCause() {
    AmiFormat ami = new AmiFormat();
    int seen = 0;
    for (Path file : Corpus.files("asterisk-ami")) {
      for (Parsed.Event e : Readers.events(Readers.readAll(ami, file))) {
        if (!e.action().equalsIgnoreCase("Hangup") || !e.fields().containsKey("Cause")) continue;
        Doc d = enrich(event("asterisk.ami", e.action(), "ami", e.fields()));
        assertTrue(d.get("hangup.cause.category") != null, file + ": " + e.fields());
        assertTrue(d.get("hangup.cause.q850") instanceof Integer, file + ": " + e.fields());
        seen++;
      }
    }
    assertTrue(seen >= 5, "the corpus has Hangup events with causes, saw " + seen);
  }

  @Test
  void ariCorpusChannelDestroyedCausesAreUnified() throws Exception {
    ObjectMapper json = new ObjectMapper();
    int seen = 0;
    for (Path file : Corpus.files("asterisk-ari")) {
      if (!file.toString().endsWith(".jsonl")) continue;
      for (String line : Files.readAllLines(file)) {
        if (line.isBlank()) continue;
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = json.readValue(line, Map.class);
        if (!"ChannelDestroyed".equals(tree.get("type"))) continue;
        Doc d = enrich(event("asterisk.ari", "ChannelDestroyed", "ari", tree));
        if (!(tree.get("cause") instanceof Number n)) {
          // the corpus holds a deliberately wrong "cause":"wrong type": kept as raw text, not guessed
          assertEquals(tree.get("cause"), d.get("hangup.cause.raw"));
          assertEquals("other", d.get("hangup.cause.category"));
          seen++;
          continue;
        }
        Cause c = CauseTable.byCode(n.intValue());
        assertEquals(c.name(), d.get("hangup.cause.name"));
        assertEquals(tree.get("cause_txt"), d.get("hangup.cause.raw"));
        assertEquals(c.asteriskText(), tree.get("cause_txt"), "Asterisk's text for " + c.code());
        seen++;
      }
    }
    assertTrue(seen >= 3, "saw " + seen);
  }
}
