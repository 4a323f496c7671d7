package io.callarchive.batch;

import io.callarchive.index.BulkIndexer;

/**
 * What of one file is known durable in Elasticsearch, for the offset a chunk commit saves. The writer keeps one
 * chunk in flight while the next is read and processed (the node indexes while the importer parses, instead of
 * each waiting for the other); so the commit of chunk N records the end of chunk N−1, the last one fully
 * written. A crash loses nothing: the restart re-reads at most one chunk, whose documents are already present
 * (deterministic ids). At the end of the input everything is awaited before the step can complete. Used by the
 * step's thread only.
 */
final class Checkpoint {
  /**
   * A position in the file and the counts read up to it (this run's share), with the occurrence window there
   * ({@link io.callarchive.source.Occurrences}: where it begins, -1 when empty, and its numbers above 0).
   */
  record Mark(long position, long events, long skipped, long malformed, long occurrencesFrom, String occurrences) {}

  private final BulkIndexer indexer;
  private Mark durable;
  private BulkIndexer.Group inFlight;
  private Mark inFlightMark;

  Checkpoint(BulkIndexer indexer) {
    this.indexer = indexer;
  }

  /** Where the step starts (or resumes): durable by definition. */
  void start(Mark at) {
    durable = at;
    inFlight = null;
    inFlightMark = null;
  }

  /**
   * A chunk's documents were all handed to the indexer. Waits for the chunk before it; with {@code last}, waits
   * for this one too.
   */
  void written(BulkIndexer.Group group, Mark end, boolean last) {
    drain();
    if (last) {
      indexer.await(group);
      durable = end;
    } else {
      inFlight = group;
      inFlightMark = end;
    }
  }

  /** Waits for the chunk in flight, if any. */
  void drain() {
    if (inFlight != null) {
      indexer.await(inFlight);
      durable = inFlightMark;
      inFlight = null;
      inFlightMark = null;
    }
  }

  Mark durable() {
    return durable;
  }
}
