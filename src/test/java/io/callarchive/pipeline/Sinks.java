package io.callarchive.pipeline;

import io.callarchive.model.IndexDoc;
import java.util.List;

/** Test sinks for the pipeline: keep every document in a list, or drop them. */
public final class Sinks {
  private Sinks() {}

  public static DocSink into(List<IndexDoc> out) {
    return new DocSink() {
      @Override
      public void accept(IndexDoc doc) {
        out.add(doc);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }

  public static DocSink discard() {
    return new DocSink() {
      @Override
      public void accept(IndexDoc doc) {}

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }
}
