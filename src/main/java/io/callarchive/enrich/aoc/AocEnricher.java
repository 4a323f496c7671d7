package io.callarchive.enrich.aoc;

import io.callarchive.enrich.DerivedDocs;
import io.callarchive.enrich.RawFields;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.pipeline.DocIds;
import io.callarchive.pipeline.Enricher;
import java.util.function.Consumer;

/**
 * Decodes Asterisk AMI Advice-of-Charge events (event-sources §1.8): sets {@code charge.*} on the events document
 * and emits one {@code charges} document per message, with id {@code DocIds.of("charges", eventId)} so a
 * re-import replaces it. Other events are left untouched. Stateless and thread-safe.
 */
public final class AocEnricher implements Enricher {
  static final String DATASET = "asterisk.ami";
  static final String RAW_FIELD = "ami";

  public AocEnricher() {}

  @Override
  public String name() {
    return "aoc";
  }

  @Override
  public void enrich(IndexDoc event, Consumer<IndexDoc> derived) {
    if (event.type() != IndexType.EVENTS) return;
    Doc doc = event.doc();
    if (!DATASET.equals(doc.getString("event.dataset"))) return;
    AdviceOfCharge aoc = AdviceOfCharge.decode(doc.getString("event.action"), RawFields.of(doc, RAW_FIELD));
    if (aoc == null) return;
    aoc.writeTo(doc);
    Doc charge = DerivedDocs.common(event);
    aoc.writeTo(charge);
    derived.accept(
        new IndexDoc(
            IndexType.CHARGES,
            DocIds.of("charges", event.id()),
            event.timestamp(),
            charge,
            event.raw(),
            event.provenance()));
  }
}
