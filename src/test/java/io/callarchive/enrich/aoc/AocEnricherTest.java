package io.callarchive.enrich.aoc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.enrich.EventDocs;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.pipeline.DocIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AocEnricherTest {
  private final AocEnricher enricher = new AocEnricher();

  private List<IndexDoc> run(IndexDoc event) {
    List<IndexDoc> out = new ArrayList<>();
    enricher.enrich(event, out::add);
    return out;
  }

  @Test
  void aocEventGetsChargeFieldsAndOneChargesDocument() {
    IndexDoc event =
        EventDocs.ami(
            "AOC-E",
            "Channel: DAHDI/i1/555-1",
            "Charge/Type: Currency",
            "Charge/BillingID: Normal",
            "Charge/Currency/Name: EUR",
            "Charge/Currency/Cost: 199",
            "Charge/Currency/Multiplier: 1/100");
    List<IndexDoc> derived = run(event);

    assertEquals(1.99, event.doc().get("charge.amount"));
    assertEquals("E", event.doc().get("charge.type"));
    assertEquals(1, derived.size());
    IndexDoc c = derived.get(0);
    assertEquals(IndexType.CHARGES, c.type());
    assertEquals(DocIds.of("charges", event.id()), c.id());
    assertEquals(event.timestamp(), c.timestamp());
    assertEquals(1.99, c.doc().get("charge.amount"));
    assertEquals("EUR", c.doc().get("charge.currency"));
    assertEquals("Normal", c.doc().get("charge.billing_id"));
    assertEquals("1700000000.1", c.doc().get("call.id"));
    assertEquals("AOC-E", c.doc().get("event.action"));
    assertEquals(event.doc().get("@timestamp"), c.doc().get("@timestamp"));
    assertNull(c.doc().get("event.original"));
    assertNull(c.doc().get("ami"));
  }

  @Test
  void aocSRatesBecomeObjects() {
    IndexDoc event =
        EventDocs.ami(
            "AOC-S",
            "(null)(0)/Chargeable: BasicCommunication",
            "(null)(0)/Duration/Currency/Name: EUR",
            "(null)(0)/Duration/Currency/Cost: 5",
            "(null)(0)/Duration/Currency/Multiplier: 1/100",
            "(null)(0)/Duration/Time/Length: 1",
            "(null)(0)/Duration/Time/Scale: 4");
    IndexDoc c = run(event).get(0);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rates = (List<Map<String, Object>>) c.doc().get("charge.rates");
    assertEquals(1, rates.size());
    assertEquals("Duration", rates.get(0).get("type"));
    assertEquals(0.05, rates.get(0).get("amount"));
    assertEquals("Minute", rates.get(0).get("time_scale"));
    assertEquals(60.0, rates.get(0).get("time_s"));
  }

  @Test
  void otherEventsAndOtherSourcesAreLeftAlone() {
    IndexDoc hangup = EventDocs.ami("Hangup", "Cause: 16");
    assertTrue(run(hangup).isEmpty());
    assertNull(hangup.doc().get("charge"));
    IndexDoc fs = EventDocs.freeswitch("AOC-D", "Charge/Type: Free");
    assertTrue(run(fs).isEmpty());
  }
}
