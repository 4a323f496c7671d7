package io.callarchive.index;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import co.elastic.clients.elasticsearch.core.get.GetResult;
import co.elastic.clients.elasticsearch.core.mget.MultiGetResponseItem;
import io.callarchive.model.Doc;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads stored summaries by id for the merge (the writes go through {@link BulkIndexer}). A multi-get is real-time:
 * it sees a document the moment it was written, without a refresh, so no refresh is ever needed on the import's
 * path. Failures are sorted like the bulk indexer's: 429, unavailable shards and I/O errors are retried with
 * jittered backoff within the retry budget, a missing index is "not found". Thread-safe.
 */
public final class SummaryStore {
  private static final Logger log = LoggerFactory.getLogger(SummaryStore.class);

  /** Where a document may be stored. */
  public record Ref(String index, String id) {}

  /** A stored document with the version a replacement must name. */
  public record Stored(String index, String id, long seqNo, long primaryTerm, Doc doc) {}

  private final ElasticsearchClient client;
  private final Duration retryBudget;
  public final LongAdder lookups = new LongAdder();
  public final LongAdder retries = new LongAdder();

  public SummaryStore(ElasticsearchClient client, Duration retryBudget) {
    this.client = client;
    this.retryBudget = retryBudget;
  }

  /** Most documents one multi-get asks for. */
  private static final int MGET_MAX = 5000;

  /** The documents found at the given places (duplicates asked once); absent ones are left out. */
  public List<Stored> get(List<Ref> refs) {
    List<Ref> unique = new ArrayList<>(new java.util.LinkedHashSet<>(refs));
    List<Stored> out = new ArrayList<>();
    for (int i = 0; i < unique.size(); i += MGET_MAX) out.addAll(getSlice(unique.subList(i, Math.min(unique.size(), i + MGET_MAX))));
    return out;
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private List<Stored> getSlice(List<Ref> refs) {
    Instant since = null;
    for (int attempt = 1; ; attempt++) {
      String failure;
      try {
        lookups.increment();
        MgetResponse<Map> r = client.mget(m -> {
          for (Ref ref : refs) m.docs(d -> d.index(ref.index()).id(ref.id()));
          return m;
        }, Map.class);
        List<Stored> out = new ArrayList<>();
        boolean retry = false;
        for (MultiGetResponseItem<Map> item : r.docs()) {
          if (item.isFailure()) {
            String type = item.failure().error().type();
            if (type.equals("index_not_found_exception")) continue;
            if (!BulkIndexer.retryable(0, item.failure().error())) {
              throw new IllegalStateException("reading stored summaries failed: " + type + ": "
                  + item.failure().error().reason());
            }
            retry = true;
            break;
          }
          GetResult<Map> g = item.result();
          if (!g.found() || g.source() == null) continue;
          out.add(new Stored(g.index(), g.id(), g.seqNo(), g.primaryTerm(), new Doc(new LinkedHashMap<String, Object>(g.source()))));
        }
        if (!retry) return out;
        failure = "a shard was not available";
      } catch (ElasticsearchException e) {
        if (!BulkIndexer.retryable(e.status(), e.error())) throw e;
        failure = e.status() + " " + e.error().type();
      } catch (IOException e) {
        failure = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      if (since == null) since = Instant.now();
      if (Duration.between(since, Instant.now()).compareTo(retryBudget) > 0) {
        throw new BulkIndexer.IndexingUnavailableException(
            "Elasticsearch has failed look-ups of stored summaries for more than " + retryBudget.toMinutes()
                + " minutes (last error: " + failure + "). Nothing is marked complete: run the import again when"
                + " the cluster is back.");
      }
      retries.increment();
      if (attempt == 1 || attempt % 20 == 0) log.warn("Looking up stored summaries failed ({}); retrying with backoff", failure);
      long capMs = Math.min(30_000, 250L << Math.min(attempt, 7));
      sleep(capMs / 2 + ThreadLocalRandom.current().nextLong(capMs / 2 + 1));
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while looking up stored summaries", e);
    }
  }
}
