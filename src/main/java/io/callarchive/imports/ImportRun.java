package io.callarchive.imports;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.enrich.Enrichers;
import io.callarchive.index.BulkIndexer;
import io.callarchive.index.Templates;
import io.callarchive.model.IndexType;
import io.callarchive.parse.Formats;
import io.callarchive.pipeline.Pipeline;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One import against one cluster: make sure the templates are installed, stream every file through the
 * pipeline into the bulk indexer, wait until every document is written, and sum it all up.
 */
public final class ImportRun {
  private ImportRun() {}

  public static ImportSummary run(ElasticsearchClient client, List<Path> paths, ImportOptions options, Path templatesDir)
      throws IOException {
    new Templates(templatesDir).install(client);
    Clock clock = Clock.systemUTC();
    Instant start = clock.instant();
    try (BulkIndexer indexer = new BulkIndexer(client)) {
      Pipeline pipeline = new Pipeline(Enrichers.standard(), indexer, clock);
      Importer importer = new Importer(Formats.standard(), pipeline, clock);
      List<Importer.FileResult> files = importer.importAll(paths, options);
      indexer.flush();
      Map<IndexType, Long> byType = new EnumMap<>(IndexType.class);
      for (IndexType t : IndexType.values()) byType.put(t, indexer.indexed(t));
      return new ImportSummary(
          files, pipeline.events.sum(), pipeline.skipped.sum(), pipeline.malformed.sum(),
          indexer.indexed.sum(), indexer.alreadyPresent.sum(), indexer.deadLettered.sum(), byType,
          Duration.between(start, clock.instant()));
    }
  }
}
