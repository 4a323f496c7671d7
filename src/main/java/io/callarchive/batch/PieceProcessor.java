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
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * The one pipeline (normalise, enrich; malformed pieces become dead letters with their bytes and provenance)
 * turning a piece into the documents to index, each serialised at once; the step's reader runs it on each piece
 * it reads ({@link #reading}). A piece that is not an event (banner, action response) yields nothing. Not
 * thread-safe: one step thread.
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

  /**
   * The step's reader: each piece goes through the pipeline as soon as it is read. Spring Batch reads a whole
   * chunk (2,000 pieces) before processing any; a piece parsed that long before it was normalised had left the
   * CPU's cache, which made parse to JSON a fifth dearer (AMI: 8.5 against 7.0 ms per 1,000 events, BENCHMARKS.md,
   * issue 9). A piece that yields nothing is an empty item; positions, priming and commits stay the reader's.
   */
  ItemStreamReader<List<BulkIndexer.Prepared>> reading(PieceReader reader) {
    return new ItemStreamReader<>() {
      @Override
      public List<BulkIndexer.Prepared> read() throws Exception {
        Parsed piece = reader.read();
        if (piece == null) return null;
        List<BulkIndexer.Prepared> docs = process(piece);
        return docs == null ? List.of() : docs;
      }

      @Override
      public void open(ExecutionContext ctx) {
        reader.open(ctx);
      }

      @Override
      public void update(ExecutionContext ctx) {
        reader.update(ctx);
      }

      @Override
      public void close() {
        reader.close();
      }
    };
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
