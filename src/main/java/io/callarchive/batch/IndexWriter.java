package io.callarchive.batch;

import io.callarchive.index.BulkIndexer;
import java.util.List;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * The step's writer: hands a chunk's documents to the bulk indexer and records them with the {@link Checkpoint},
 * which waits for the previous chunk (or, at the end of the input, for this one) to be indexed, found already
 * present or dead-lettered, so that the offset saved with a commit is always durable in Elasticsearch. Partial bulk failures are absorbed by the indexer (retried, or dead-lettered when they would
 * fail again) rather than thrown, since a skip in a writer makes Spring Batch re-process the chunk item by item
 * (house style rule 5). It throws only when Elasticsearch stays unusable past the indexer's retry budget: the
 * step then fails without committing, and the next run resumes at this chunk.
 */
final class IndexWriter implements ItemWriter<List<BulkIndexer.Prepared>> {
  private final BulkIndexer indexer;
  private final PieceReader reader;
  private final Checkpoint checkpoint;

  IndexWriter(BulkIndexer indexer, PieceReader reader, Checkpoint checkpoint) {
    this.indexer = indexer;
    this.reader = reader;
    this.checkpoint = checkpoint;
  }

  @Override
  public void write(Chunk<? extends List<BulkIndexer.Prepared>> chunk) {
    BulkIndexer.Group group = indexer.group();
    for (List<BulkIndexer.Prepared> docs : chunk) {
      for (BulkIndexer.Prepared d : docs) indexer.accept(d, group);
    }
    reader.chunkWritten();
    boolean last = reader.exhausted();
    if (last) reader.endOfFile();
    checkpoint.written(group, reader.mark(), last);
  }
}
