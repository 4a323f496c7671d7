package io.callarchive.pipeline;

import io.callarchive.model.IndexDoc;

/**
 * Where the pipeline's output goes: the bulk indexer in production, a list in unit tests. Implementations
 * state their own thread-safety; the pipeline calls them from one thread.
 */
public interface DocSink extends AutoCloseable {
  void accept(IndexDoc doc);

  /** Blocks until everything accepted so far is durable or dead-lettered. */
  void flush();

  @Override
  void close();
}
