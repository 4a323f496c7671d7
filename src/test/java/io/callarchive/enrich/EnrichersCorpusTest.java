package io.callarchive.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Corpus;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.ami.AmiFormat;
import io.callarchive.parse.ari.AriFormat;
import io.callarchive.parse.kazoo.KazooFormat;
import io.callarchive.pipeline.DocSink;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.Sinks;
import io.callarchive.pipeline.SourceContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Conformance: the standard enrichers over the whole shared corpus. */
class EnrichersCorpusTest {

  /** Every document the pipeline with the standard enrichers makes of a corpus folder read with a format. */
  private static List<IndexDoc> runCorpus(EventFormat format, String folder) {
    List<IndexDoc> out = new ArrayList<>();
    DocSink sink =
        Sinks.into(out);
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    Pipeline pipeline = new Pipeline(Enrichers.standard(), sink, clock);
    SourceContext ctx = new SourceContext(null, Map.of(), Instant.parse("2024-01-01T00:00:00Z"));
    for (Path file : Corpus.files(folder)) {
      for (Parsed p : Readers.readAll(format, file)) pipeline.accept(p, format, ctx);
    }
    return out;
  }

  @Test
  void theWholeAmiCorpusGoesThroughThePipelineWithOneSecurityDocumentPerSecurityEvent() {
    List<IndexDoc> out = runCorpus(new AmiFormat(), "asterisk-ami");
    long securityEvents =
        out.stream()
            .filter(d -> d.type() == IndexType.EVENTS && d.doc().get("security.event") != null)
            .count();
    long securityDocs = out.stream().filter(d -> d.type() == IndexType.SECURITY).count();
    assertTrue(securityEvents > 0);
    assertEquals(securityEvents, securityDocs);
    assertTrue(out.stream().anyMatch(d -> d.doc().get("hangup.cause.name") != null));
  }

  @Test
  void kazooDestroyParsedByTheKazooFormatGetsItsSdpAndCause() {
    List<IndexDoc> out = runCorpus(new KazooFormat(), "kazoo-amqp");
    IndexDoc destroy =
        out.stream()
            .filter(d -> "CHANNEL_DESTROY".equals(d.doc().get("event.action")) && d.doc().get("sdp.media_ip") != null)
            .findFirst()
            .orElseThrow();
    assertEquals("192.168.25.203", destroy.doc().get("sdp.media_ip"));
    assertEquals("NORMAL_CLEARING", destroy.doc().get("hangup.cause.name"));
    assertEquals("answered", destroy.doc().get("hangup.cause.category"));
  }

  @Test
  void ariChannelDestroyedParsedByTheAriFormatGetsItsCause() {
    List<IndexDoc> out = runCorpus(new AriFormat(), "asterisk-ari");
    List<IndexDoc> destroyed =
        out.stream().filter(d -> "ChannelDestroyed".equals(d.doc().get("event.action"))).toList();
    assertTrue(destroyed.size() >= 3);
    assertTrue(destroyed.stream().anyMatch(d -> "NO_USER_RESPONSE".equals(d.doc().get("hangup.cause.name"))));
    assertTrue(destroyed.stream().allMatch(d -> d.doc().get("hangup.cause.category") != null));
  }
}
