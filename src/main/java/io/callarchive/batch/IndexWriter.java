package io.callarchive.batch;

import io.callarchive.index.BulkIndexer;
import io.callarchive.model.IndexDoc;
import java.util.List;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * The step's writer: hands a chunk's documents to the bulk indexer and waits until every one is indexed, found
 * already present or dead-lettered, so that a committed chunk (and the offset saved with it) is durable in
 * Elasticsearch. Partial bulk failures are absorbed by the indexer (retried, or dead-lettered when they would
 * fail again) rather than thrown, since a skip in a writer makes Spring Batch re-process the chunk item by item
 * (house style rule 5). It throws only when Elasticsearch stays unusable past the indexer's retry budget: the
 * step then fails without committing, and the next run resumes at this chunk.
 */
final class IndexWriter implements ItemWriter<List<IndexDoc>> {
  private final BulkIndexer indexer;

  IndexWriter(BulkIndexer indexer) {
    this.indexer = indexer;
  }

  @Override
  public void write(Chunk<? extends List<IndexDoc>> chunk) {
    for (List<IndexDoc> docs : chunk) {
      for (IndexDoc d : docs) indexer.accept(d);
    }
    indexer.flush();
  }
}
