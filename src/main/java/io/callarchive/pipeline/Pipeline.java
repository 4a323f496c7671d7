package io.callarchive.pipeline;

import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.model.Parsed;
import io.callarchive.model.Provenance;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.Text;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one path every input takes, batch or live: parsed piece → normalised document → enrichers → sink.
 * Malformed pieces become dead letters here, with their bytes, provenance and reason (house style rule 3).
 * Not thread-safe: use one pipeline per source thread; the counters may be read from any thread.
 */
public final class Pipeline {
  private final List<Enricher> enrichers;
  private final DocSink sink;
  private final Clock clock;
  private final java.util.function.Consumer<IndexDoc> afterEnrichment;

  public final LongAdder events = new LongAdder();
  public final LongAdder skipped = new LongAdder();
  public final LongAdder malformed = new LongAdder();
  public final LongAdder derived = new LongAdder();
  /** Events the correlator failed on: archived, and dead-lettered as well so the failure is seen. */
  public final LongAdder correlationFailures = new LongAdder();

  public Pipeline(List<Enricher> enrichers, DocSink sink, Clock clock) {
    this(enrichers, sink, clock, doc -> {});
  }

  /**
   * @param afterEnrichment sees every enriched events document before the sink does (the correlator); called
   *     from the pipeline's thread, must not modify the document
   */
  public Pipeline(
      List<Enricher> enrichers, DocSink sink, Clock clock, java.util.function.Consumer<IndexDoc> afterEnrichment) {
    this.enrichers = List.copyOf(enrichers);
    this.sink = sink;
    this.clock = clock;
    this.afterEnrichment = afterEnrichment;
  }

  public void accept(Parsed piece, EventFormat format, SourceContext ctx) {
    switch (piece) {
      case Parsed.Event e -> {
        events.increment();
        String stage = "normalise";
        IndexDoc doc = null;
        List<IndexDoc> made = new java.util.ArrayList<>(2);
        try {
          doc = normalise(e, format, ctx);
          for (Enricher en : enrichers) {
            stage = "enrich:" + en.getClass().getSimpleName();
            en.enrich(doc, made::add);
          }
          stage = "correlate";
          afterEnrichment.accept(doc);
        } catch (RuntimeException ex) {
          // A bug met by one odd event must not stop the import: the event is kept as a dead letter, with the
          // stage that failed (house style rule 3), and the rest of the input carries on.
          if (!stage.equals("correlate")) {
            malformed.increment();
            sink.accept(deadLetter(e.raw(), e.provenance(), stage, ex.getClass().getSimpleName() + ": " + ex.getMessage(),
                format.dataset()));
            return;
          }
          correlationFailures.increment();
          sink.accept(deadLetter(e.raw(), e.provenance(), stage, ex.getClass().getSimpleName() + ": " + ex.getMessage(),
              format.dataset()));
        }
        for (IndexDoc d : made) {
          derived.increment();
          sink.accept(d);
        }
        sink.accept(doc);
      }
      case Parsed.Skipped s -> skipped.increment();
      case Parsed.Malformed m -> {
        malformed.increment();
        sink.accept(deadLetter(m.raw(), m.provenance(), "parse", m.reason(), format.dataset()));
      }
    }
  }

  /**
   * Reads an event again after a restart, only to rebuild the correlator's open sessions: its documents (the event
   * and what the enrichers derive from it) are indexed already, so nothing goes to the sink and nothing is counted.
   */
  public void replay(Parsed piece, EventFormat format, SourceContext ctx, java.util.function.Consumer<IndexDoc> correlate) {
    if (!(piece instanceof Parsed.Event e)) return;
    try {
      IndexDoc doc = normalise(e, format, ctx);
      for (Enricher en : enrichers) en.enrich(doc, d -> {});
      correlate.accept(doc);
    } catch (RuntimeException ex) {
      // the first reading dead-lettered this event already
    }
  }

  /** Builds the events-index document: the common fields, the raw key/values, and the format's own fields. */
  public IndexDoc normalise(Parsed.Event e, EventFormat format, SourceContext ctx) {
    Instant ts = e.time() != null ? e.time() : ctx.fallbackTime();
    Doc doc = new Doc();
    doc.put("@timestamp", iso.format(ts));
    doc.put("event.dataset", format.dataset());
    doc.put("event.action", e.action());
    doc.put("event.kind", "event");
    doc.put("event.outcome", "unknown");
    doc.put("event.ingested", ingested());
    doc.put("event.timestamp_origin", e.time() != null ? "source" : "fallback");
    doc.put("event.timestamp_precision", e.timePrecision());
    format.normalise(e, doc);
    String observer = ctx.observerName();
    if (observer == null) observer = observerFrom(e.fields());
    doc.put("observer.name", observer);
    if (!ctx.labels().isEmpty()) doc.put("labels", new java.util.LinkedHashMap<String, Object>(ctx.labels()));
    doc.put(format.rawField(), e.fields());
    Text.Decoded text = Text.decode(e.raw());
    doc.put("event.original", text.text());
    if (text.lossy()) doc.put("event.original_base64", Base64.getEncoder().encodeToString(e.raw()));
    doc.put("log.file.path", e.provenance().origin());
    doc.put("log.offset", e.provenance().offset());
    String identity = format.identity(e);
    String id =
        identity != null
            ? DocIds.of(format.dataset(), observer, identity)
            : e.time() != null
            ? DocIds.of(format.dataset(), observer, e.raw())
            : DocIds.of(format.dataset(), observer, e.raw(), e.provenance().offset());
    // A byte-identical copy later in the same source is another event (see SourceContext.occurrence).
    if (ctx.occurrence() > 0 && (identity != null || e.time() != null)) id = DocIds.of(id, "occurrence", ctx.occurrence());
    return new IndexDoc(IndexType.EVENTS, id, ts, doc, e.raw(), e.provenance());
  }

  // two formatters, each keeping the date part of its own clock
  private final io.callarchive.model.IsoInstants iso = new io.callarchive.model.IsoInstants();
  private final io.callarchive.model.IsoInstants isoIngested = new io.callarchive.model.IsoInstants();
  private Instant lastIngested;
  private String lastIngestedText;

  /** The clock's time as ISO text, formatted once per distinct instant: formatting showed in the profile. */
  private String ingested() {
    Instant now = clock.instant();
    if (!now.equals(lastIngested)) {
      lastIngested = now;
      lastIngestedText = isoIngested.format(now);
    }
    return lastIngestedText;
  }

  /** A dead letter: the input as text (invalid UTF-8 escaped and also kept in base64), where, and why. */
  public IndexDoc deadLetter(byte[] raw, Provenance p, String stage, String reason, String dataset) {
    return io.callarchive.index.DeadLetters.of(
        raw, p, stage, reason, dataset, null, clock.instant(), "deadletter", stage, p.origin(), p.offset(), raw);
  }

  private static String observerFrom(Map<String, Object> fields) {
    for (String k : new String[] {"SystemName", "FreeSWITCH-Switchname", "asterisk_id", "Media-Server"}) {
      Object v = fields.get(k);
      if (v instanceof String s && !s.isBlank()) return s.strip();
    }
    return null;
  }

  public DocSink sink() {
    return sink;
  }
}
