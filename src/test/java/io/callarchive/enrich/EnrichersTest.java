package io.callarchive.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Corpus;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import io.callarchive.parse.ami.AmiFormat;
import io.callarchive.pipeline.DocSink;
import io.callarchive.pipeline.Enricher;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.SourceContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnrichersTest {

  @Test
  void standardEnrichersHaveDistinctStableNames() {
    List<Enricher> list = Enrichers.standard();
    List<String> names = list.stream().map(Enricher::name).toList();
    assertEquals(names.size(), new HashSet<>(names).size());
    assertTrue(names.containsAll(List.of("cause", "sdp", "security")), names.toString());
  }

  @Test
  void theWholeAmiCorpusGoesThroughThePipelineWithOneSecurityDocumentPerSecurityEvent() {
    List<IndexDoc> out = new ArrayList<>();
    DocSink sink =
        new DocSink() {
          @Override
          public void accept(IndexDoc doc) {
            out.add(doc);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    Pipeline pipeline = new Pipeline(Enrichers.standard(), sink, clock);
    AmiFormat ami = new AmiFormat();
    SourceContext ctx = new SourceContext(null, Map.of(), Instant.parse("2024-01-01T00:00:00Z"));
    for (Path file : Corpus.files("asterisk-ami")) {
      for (Parsed p : Readers.readAll(ami, file)) pipeline.accept(p, ami, ctx);
    }
    long securityEvents =
        out.stream()
            .filter(d -> d.type() == IndexType.EVENTS && d.doc().get("security.event") != null)
            .count();
    long securityDocs = out.stream().filter(d -> d.type() == IndexType.SECURITY).count();
    assertTrue(securityEvents > 0);
    assertEquals(securityEvents, securityDocs);
    assertTrue(out.stream().anyMatch(d -> d.doc().get("hangup.cause.name") != null));
  }
}
