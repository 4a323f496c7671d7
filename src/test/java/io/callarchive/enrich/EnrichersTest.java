package io.callarchive.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Fixtures;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.ami.AmiFormat;
import io.callarchive.parse.ari.AriFormat;
import io.callarchive.parse.kazoo.KazooFormat;
import io.callarchive.pipeline.DocSink;
import io.callarchive.pipeline.Enricher;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.Sinks;
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

  /** Every document the pipeline with the standard enrichers makes of a fixture folder read with a format. */
  private static List<IndexDoc> runFixtures(EventFormat format, String folder) {
    List<IndexDoc> out = new ArrayList<>();
    DocSink sink =
        Sinks.into(out);
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    Pipeline pipeline = new Pipeline(Enrichers.standard(), sink, clock);
    SourceContext ctx = new SourceContext(null, Map.of(), Instant.parse("2024-01-01T00:00:00Z"));
    for (Path file : Fixtures.files(folder)) {
      for (Parsed p : Readers.readAll(format, file)) pipeline.accept(p, format, ctx);
    }
    return out;
  }

  @Test
  void everyAmiFixtureGoesThroughThePipelineWithOneSecurityDocumentPerSecurityEvent() {
    List<IndexDoc> out = runFixtures(new AmiFormat(), "asterisk-ami");
    long securityEvents =
        out.stream()
            .filter(d -> d.type() == IndexType.EVENTS && d.doc().get("security.event") != null)
            .count();
    long securityDocs = out.stream().filter(d -> d.type() == IndexType.SECURITY).count();
    // security-events_crlf.txt: 9 events, each one of the 15 of event-sources §1.10; no other fixture has one
    assertEquals(9, securityEvents);
    assertEquals(securityEvents, securityDocs);
    // 15 Hangup events in the AMI fixtures, each with a Cause (CONTENTS.md)
    assertEquals(15, out.stream().filter(d -> d.type() == IndexType.EVENTS && "Hangup".equals(d.doc().get("event.action"))
        && d.doc().get("hangup.cause.name") != null).count());
  }

  @Test
  void kazooDestroyParsedByTheKazooFormatGetsItsSdpAndCause() {
    List<IndexDoc> out = runFixtures(new KazooFormat(), "kazoo-amqp");
    IndexDoc destroy =
        out.stream()
            .filter(d -> "CHANNEL_DESTROY".equals(d.doc().get("event.action")) && d.doc().get("sdp.media_ip") != null)
            .findFirst()
            .orElseThrow();
    // answered-call_amqp.jsonl: the B-leg's CHANNEL_DESTROY, Remote-SDP "c=IN IP4 192.0.2.91"
    assertEquals("4e2a8c6f-1b9d-4c3e-8a7f-5d1b3c9e7a2f", destroy.doc().get("channel.id"));
    assertEquals("192.0.2.91", destroy.doc().get("sdp.media_ip"));
    assertEquals("NORMAL_CLEARING", destroy.doc().get("hangup.cause.name"));
    assertEquals("answered", destroy.doc().get("hangup.cause.category"));
  }

  @Test
  void ariChannelDestroyedParsedByTheAriFormatGetsItsCause() {
    List<IndexDoc> out = runFixtures(new AriFormat(), "asterisk-ari");
    List<IndexDoc> destroyed =
        out.stream().filter(d -> "ChannelDestroyed".equals(d.doc().get("event.action"))).toList();
    assertEquals(6, destroyed.size(), "2 in answered-call.jsonl, 4 in busy-noanswer-playback_pretty.json");
    assertEquals(1, destroyed.stream().filter(d -> "NO_USER_RESPONSE".equals(d.doc().get("hangup.cause.name"))).count());
    assertEquals(2, destroyed.stream().filter(d -> "busy".equals(d.doc().get("hangup.cause.category"))).count());
    assertTrue(destroyed.stream().allMatch(d -> d.doc().get("hangup.cause.category") != null));
  }
}
