package io.callarchive.enrich.aoc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.callarchive.Fixtures;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import io.callarchive.parse.ami.AmiFormat;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.Sinks;
import io.callarchive.pipeline.SourceContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Advice-of-Charge fixture (both wire shapes of event-sources §1.8) through the pipeline with the AOC enricher. */
class AocCaptureTest {

  static List<Doc> charges() {
    List<IndexDoc> out = new ArrayList<>();
    Pipeline p = new Pipeline(List.of(new AocEnricher()), Sinks.into(out), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    AmiFormat ami = new AmiFormat();
    SourceContext ctx = new SourceContext("fixtures", Map.of(), Instant.parse("2025-12-01T00:00:00Z"));
    for (Parsed piece : Readers.readAll(ami, Fixtures.file("asterisk-ami", "advice-of-charge_crlf.txt"))) {
      p.accept(piece, ami, ctx);
    }
    return out.stream().filter(d -> d.type() == IndexType.CHARGES).map(IndexDoc::doc).toList();
  }

  @Test
  void everyAocMessageOfTheFixtureIsOneChargeWithItsAmount() {
    List<Doc> c = charges();
    assertEquals(List.of("S", "D", "D", "E", "D", "E"), c.stream().map(d -> d.get("charge.type")).toList());
    // 13.3+ shape: Cost × Multiplier 1/100
    assertEquals(0.12, (Double) c.get(1).get("charge.amount"), 1e-12);
    assertEquals(0.24, (Double) c.get(2).get("charge.amount"), 1e-12);
    assertEquals("SubTotal", c.get(2).get("charge.total_type"));
    Doc end = c.get(3);
    assertEquals(0.36, (Double) end.get("charge.amount"), 1e-12);
    assertEquals("EUR", end.get("charge.currency"));
    assertEquals("0155512345", end.get("charge.association.number"));
    assertEquals("1764590400.50", end.get("call.id"));
    // legacy shape (≤ 13.2): Units/Item(N)/NumberOf 3 + 2 of the same type
    Doc units = c.get(4);
    assertEquals(5L, ((Number) units.get("charge.units")).longValue());
    assertNull(units.get("charge.amount"), "units are no currency amount");
    Doc free = c.get(5);
    assertEquals(0.0, (Double) free.get("charge.amount"), 1e-12, "Type Free");
    assertEquals("77", free.get("charge.association.id"));
  }
}
