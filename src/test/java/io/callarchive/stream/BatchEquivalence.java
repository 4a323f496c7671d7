package io.callarchive.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.callarchive.enrich.Enrichers;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.Parsed;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.Readers;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.Sinks;
import io.callarchive.pipeline.SourceContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Frames a connector produced against a batch import of the same events: each frame, read alone by the format's
 * reader and put through the pipeline with the standard enrichers, gives the documents (events and derived ones:
 * quality, security, charges) that reading the capture file gives, with the same index types and ids. Only where
 * the input came from ({@code log.file.path}, {@code log.offset}) differs.
 */
public final class BatchEquivalence {
  private BatchEquivalence() {}

  public static void assertSameDocuments(EventFormat format, byte[] capture, List<byte[]> frames, String observer) {
    Map<String, Map<String, Object>> batch = documents(format, List.of(capture), observer);
    Map<String, Map<String, Object>> live = documents(format, frames, observer);
    assertFalse(batch.isEmpty(), "the capture gives documents");
    assertEquals(batch.keySet(), live.keySet(), "the same documents (type and id)");
    batch.forEach((id, doc) -> assertEquals(doc, live.get(id), "document " + id));
  }

  private static Map<String, Map<String, Object>> documents(EventFormat format, List<byte[]> inputs, String observer) {
    List<IndexDoc> out = new ArrayList<>();
    Clock clock = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);
    Pipeline p = new Pipeline(Enrichers.standard(), Sinks.into(out), clock);
    SourceContext ctx = new SourceContext(observer, Map.of(), Instant.parse("2026-12-01T00:00:00Z"));
    int n = 0;
    for (byte[] in : inputs) {
      for (Parsed piece : Readers.readAll(format, in, "input-" + n++)) p.accept(piece, format, ctx);
    }
    Map<String, Map<String, Object>> byId = new TreeMap<>();
    for (IndexDoc d : out) {
      Map<String, Object> m = new LinkedHashMap<>(d.doc().asMap());
      Object log = m.get("log");
      if (log instanceof Map<?, ?> lm) {
        Map<Object, Object> rest = new LinkedHashMap<>(lm);
        rest.remove("file");
        rest.remove("offset");
        if (rest.isEmpty()) m.remove("log");
        else m.put("log", rest);
      }
      byId.put(d.type() + "/" + d.id(), m);
    }
    return byId;
  }
}
