package io.callarchive.batch;

import io.callarchive.index.BulkIndexer;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.Parsed;
import io.callarchive.parse.EventFormat;
import io.callarchive.pipeline.DocSink;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.SourceContext;
import java.util.ArrayList;
import java.util.List;
import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * The step's processor: the one pipeline (normalise, enrich; malformed pieces become dead letters with their
 * bytes and provenance) turns a piece into the documents to index. A piece that is not an event (banner, action
 * response) yields nothing and is filtered. Not thread-safe: one step thread.
 */
final class PieceProcessor implements ItemProcessor<Parsed, List<BulkIndexer.Prepared>> {
  private final Pipeline pipeline;
  private final EventFormat format;
  private final SourceContext ctx;
  private final Collecting sink;
  private final FileCounts counts;
  private final int maxEventBytes;

  /** @param pipeline a pipeline whose sink is {@code sink}, shared by the steps of a run for its counters */
  PieceProcessor(Pipeline pipeline, Collecting sink, EventFormat format, SourceContext ctx, FileCounts counts) {
    this(pipeline, sink, format, ctx, counts, SizeBound.DEFAULT_MAX_EVENT_BYTES);
  }

  /** @param maxEventBytes events larger than this are dead-lettered with their first bytes ({@link SizeBound}) */
  PieceProcessor(
      Pipeline pipeline, Collecting sink, EventFormat format, SourceContext ctx, FileCounts counts, int maxEventBytes) {
    this.maxEventBytes = maxEventBytes;
    this.pipeline = pipeline;
    this.sink = sink;
    this.format = format;
    this.ctx = ctx;
    this.counts = counts;
  }

  @Override
  public List<BulkIndexer.Prepared> process(Parsed piece) {
    // Numbered before the size check, like the reader numbers the pieces it reads again on a restart.
    int occurrence = piece instanceof Parsed.Event e ? counts.occurrences.next(e.raw(), e.provenance().offset()) : 0;
    piece = SizeBound.apply(piece, maxEventBytes);
    switch (piece) {
      case Parsed.Event e -> counts.events++;
      case Parsed.Skipped s -> counts.skipped++;
      case Parsed.Malformed m -> counts.malformed++;
    }
    pipeline.accept(piece, format, ctx.withOccurrence(occurrence));
    List<IndexDoc> docs = sink.drain();
    if (docs.isEmpty()) return null;
    List<BulkIndexer.Prepared> out = new ArrayList<>(docs.size());
    for (IndexDoc d : docs) {
      // serialised now, while the document is in the cache, not when the chunk is written (BulkIndexer.prepare)
      out.add(BulkIndexer.prepare(d));
      if (d.type() != io.callarchive.model.IndexType.EVENTS && d.type() != io.callarchive.model.IndexType.DEADLETTER) continue;
      String at = io.callarchive.pipeline.DocIds.indexName(d.type(), d.timestamp()) + "/" + d.id();
      if (counts.firstDoc == null) counts.firstDoc = at;
      counts.lastDoc = at;
    }
    return out;
  }

  /** Collects what the pipeline emits for one piece. */
  static final class Collecting implements DocSink {
    private List<IndexDoc> docs = new ArrayList<>(2);

    @Override
    public void accept(IndexDoc doc) {
      docs.add(doc);
    }

    List<IndexDoc> drain() {
      List<IndexDoc> d = docs;
      docs = new ArrayList<>(2);
      return d;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
