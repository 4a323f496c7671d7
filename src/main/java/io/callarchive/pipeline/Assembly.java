package io.callarchive.pipeline;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.correlate.Correlator;
import io.callarchive.correlate.CorrelatorSettings;
import io.callarchive.correlate.SummaryWriter;
import io.callarchive.correlate.TableCauses;
import io.callarchive.enrich.Enrichers;
import io.callarchive.index.BulkIndexer;
import io.callarchive.index.SummaryStore;
import io.callarchive.model.IndexType;
import io.callarchive.model.Parsed;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.Formats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one assembly of the pipeline, source → parse → enrich → correlate → index, used by the batch import, the
 * demo, the benchmark and the stream service: the formats, the enrichers, the correlator and the writers are built
 * here once, and nowhere else.
 *
 * <p>Life cycle: {@link #accept} each piece a source framed; {@link #tick} now and then (a live source: calls that
 * ended are written when their grace has passed even if no event follows); {@link #flush} to have everything
 * accepted so far written (sessions still open are written as they stand); {@link #close} at the end. What may be
 * released of a source is {@link #releasable}: a position is released only when Elasticsearch has acknowledged
 * every document made from the input before it, summaries of the sessions it fed included.
 *
 * <p>Not thread-safe: one thread feeds it (a live service hands frames from its readers to that thread).
 */
public final class Assembly implements AutoCloseable {
  /**
   * How the pipeline is built (typed, validated, with safe defaults).
   *
   * @param bulkOperations operations per bulk request
   * @param retryBudget how long Elasticsearch may refuse or fail writes before the import gives up
   * @param correlation how long call state is kept; null: no correlation (events and derived documents only)
   */
  public record Settings(int bulkOperations, Duration retryBudget, CorrelatorSettings correlation) {
    public Settings {
      if (bulkOperations < 1) throw new IllegalArgumentException("bulk requests need at least one operation");
      if (retryBudget == null || retryBudget.isNegative()) throw new IllegalArgumentException("the retry budget must be positive");
    }

    public static Settings defaults() {
      return new Settings(1000, Duration.ofMinutes(10), CorrelatorSettings.defaults());
    }

    public Settings withBulkOperations(int n) {
      return new Settings(n, retryBudget, correlation);
    }

    public Settings withRetryBudget(Duration d) {
      return new Settings(bulkOperations, d, correlation);
    }

    public Settings withCorrelation(CorrelatorSettings c) {
      return new Settings(bulkOperations, retryBudget, c);
    }
  }

  private final Formats formats;
  private final BulkIndexer indexer;
  private final SummaryStore store;
  private final SummaryWriter summaries;
  private final Correlator correlator;
  private final Pipeline pipeline;
  private final Clock clock;

  private Assembly(ElasticsearchClient client, Settings settings, Clock clock) {
    this.clock = clock;
    this.formats = Formats.standard();
    this.indexer = new BulkIndexer(client, settings.bulkOperations(), settings.retryBudget());
    this.store = new SummaryStore(client, settings.retryBudget());
    if (settings.correlation() != null) {
      TableCauses causes = new TableCauses();
      this.summaries = new SummaryWriter(indexer, store, causes);
      this.correlator = new Correlator(settings.correlation(), causes, summaries);
    } else {
      this.summaries = null;
      this.correlator = null;
    }
    this.pipeline = pipeline(indexer);
  }

  public static Assembly create(ElasticsearchClient client, Settings settings, Clock clock) {
    return new Assembly(client, settings, clock);
  }

  /**
   * A pipeline of this assembly (its enrichers and correlator) whose documents go to {@code sink} instead of the
   * indexer: the batch step collects a piece's documents and hands them to the indexer with its chunk.
   */
  public Pipeline pipeline(DocSink sink) {
    Correlator c = correlator;
    return new Pipeline(Enrichers.standard(), sink, clock, c == null ? doc -> {} : c::accept);
  }

  public Formats formats() {
    return formats;
  }

  public BulkIndexer indexer() {
    return indexer;
  }

  /** The pipeline that writes straight to the indexer (and its counters). */
  public Pipeline pipeline() {
    return pipeline;
  }

  /** Null without correlation. */
  public Correlator correlator() {
    return correlator;
  }

  /** One framed piece of a source: parsed, enriched, correlated, and its documents handed to the indexer. */
  public void accept(Parsed piece, EventFormat format, SourceContext ctx) {
    pipeline.accept(piece, format, ctx);
  }

  /** Reads a piece again after a restart, to rebuild the open calls; its own documents are indexed already. */
  public void replay(Parsed piece, EventFormat format, SourceContext ctx) {
    if (correlator == null) return;
    pipeline.replay(piece, format, ctx, doc -> correlator.accept(doc, true));
  }

  /** Time passes: sessions whose grace ended are written, summaries on their way make progress. */
  public void tick(Instant now) {
    if (correlator != null) correlator.tick(now);
  }

  /**
   * The position of {@code origin} up to which input may be released, given that the documents of every piece
   * before {@code acknowledged} are acknowledged: no open session and no summary on its way holds anything before
   * it.
   */
  public long releasable(String origin, long acknowledged) {
    if (correlator == null) return acknowledged;
    // summaries waiting for a full batch, or whose writes are acknowledged but not yet counted, would hold the
    // position back: hand them over and take the acknowledgements in first
    correlator.tick(null);
    return Math.min(acknowledged, correlator.held(origin));
  }

  /** Writes every open session as it stands and returns when everything accepted so far is in the index. */
  public void flush() {
    if (correlator != null) correlator.flush();
    indexer.flush();
  }

  /** Write counters, for summaries and {@code --json}. */
  public Map<String, Long> counters() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("bulk_retries", indexer.retries.sum());
    m.put("lookup_retries", store.retries.sum());
    m.put("lookups", store.lookups.sum());
    m.put("conflicts", indexer.conflicts.sum());
    m.put("dead_letters_lost", indexer.lost.sum());
    if (summaries != null) {
      m.put("summaries_whole", summaries.wholeWrites.sum());
      m.put("summaries_merged", summaries.mergedWrites.sum());
      m.put("summaries_unchanged", summaries.unchanged.sum());
      m.put("summaries_absorbed", summaries.absorbed.sum());
    }
    return m;
  }

  /** Summaries of calls and queue stays written, new or merged. */
  public Map<IndexType, Long> summariesWritten() {
    if (summaries == null) return Map.of();
    return Map.of(IndexType.CALLS, summaries.written(IndexType.CALLS), IndexType.QUEUE, summaries.written(IndexType.QUEUE));
  }

  /** Writes what is open, waits for the index, and releases the indexer. */
  @Override
  public void close() {
    try {
      flush();
    } finally {
      indexer.close();
    }
  }
}
