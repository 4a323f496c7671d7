package io.callarchive.index;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkListener;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.util.BinaryData;
import co.elastic.clients.util.ContentType;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.pipeline.DocIds;
import io.callarchive.pipeline.DocSink;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes documents with the client's {@link BulkIngester}, as {@code create} operations on deterministic ids so
 * that a document already present is counted, not written twice. Failures are sorted on the structured error
 * (house style rule 4): rejections (429) and unavailable shards are retried with jittered exponential backoff;
 * a request that fails as a whole (node down, connection reset) is retried item by item the same way; mapping
 * and parse errors send the document to the dead-letter index at once, since they would fail again.
 *
 * <p>{@link #accept} may block when the ingester has its maximum of requests in flight (back-pressure).
 * {@link #flush} returns when every accepted document is indexed, found present or dead-lettered, and throws
 * when Elasticsearch stayed unreachable longer than the retry budget. Thread-safe.
 */
public final class BulkIndexer implements DocSink {
  private static final Logger log = LoggerFactory.getLogger(BulkIndexer.class);

  private final BulkIngester<Op> ingester;
  private final ElasticsearchClient client;
  private final ScheduledExecutorService retryScheduler;
  private final Duration retryBudget;
  private final AtomicLong outstanding = new AtomicLong();
  private final AtomicReference<Instant> failingSince = new AtomicReference<>();
  private final AtomicReference<String> lastFailure = new AtomicReference<>();
  private final java.util.concurrent.ConcurrentHashMap<Op, Integer> attempts =
      new java.util.concurrent.ConcurrentHashMap<>();

  public final LongAdder indexed = new LongAdder();
  public final LongAdder alreadyPresent = new LongAdder();
  public final LongAdder deadLettered = new LongAdder();
  public final LongAdder retries = new LongAdder();
  /** Dead letters that could not be written either: input we failed to archive at all. */
  public final LongAdder lost = new LongAdder();
  /** Writes under a version check that found the document changed by another writer (then merged again). */
  public final LongAdder conflicts = new LongAdder();
  public final LongAdder deleted = new LongAdder();
  private final LongAdder[] indexedByType = new LongAdder[IndexType.values().length];
  private final LongAdder[] presentByType = new LongAdder[IndexType.values().length];
  private volatile java.util.function.Consumer<IndexDoc> onWritten = doc -> {};

  public BulkIndexer(ElasticsearchClient client, int maxOperations, Duration retryBudget) {
    for (int i = 0; i < indexedByType.length; i++) {
      indexedByType[i] = new LongAdder();
      presentByType[i] = new LongAdder();
    }
    this.retryBudget = retryBudget;
    this.client = client;
    this.retryScheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bulk-retry");
              t.setDaemon(true);
              return t;
            });
    this.ingester =
        BulkIngester.of(
            b ->
                b.client(client)
                    .maxOperations(maxOperations)
                    .maxSize(8L << 20)
                    .maxConcurrentRequests(2)
                    .flushInterval(1, TimeUnit.SECONDS)
                    .listener(new Listener()));
  }

  public BulkIndexer(ElasticsearchClient client) {
    this(client, 2000, Duration.ofMinutes(10));
  }

  @Override
  public void accept(IndexDoc doc) {
    accept(doc, null);
  }

  /**
   * A set of documents whose completion can be awaited on its own ({@link #await(Group)}), so that a caller can
   * have one group in flight while it prepares the next. Thread-safe.
   */
  public static final class Group {
    private final AtomicLong pending = new AtomicLong();

    public boolean done() {
      return pending.get() == 0;
    }
  }

  public Group group() {
    return new Group();
  }

  /**
   * Told every document Elasticsearch acknowledged: written (created or replaced), or found already present
   * by a plain create (a replay: what is stored is that same document). Not told merges that found their target
   * taken (their owner writes the merged document next, and that one is told), deletes, or documents refused.
   * Runs on an indexer thread before the document's group counts it done, so a caller that sees a group done
   * has been told all of it; it must be quick and must not call the indexer (hand the document to a queue).
   */
  public void onWritten(java.util.function.Consumer<IndexDoc> listener) {
    this.onWritten = listener == null ? doc -> {} : listener;
  }

  /** What became of one write; told to the write's {@link Callback} once, from an indexer thread. */
  public enum Outcome {
    /** Indexed, replaced or deleted. */
    WRITTEN,
    /** A create found the id taken: the document (or one with its id) is already there. */
    EXISTS,
    /** A write under {@code if_seq_no} found the document changed (or created) by another writer. */
    CONFLICT,
    /** A delete found nothing to delete. */
    MISSING,
    /** Refused for good (mapping, parse): a dead letter with the reason was written instead. */
    DEAD_LETTERED
  }

  /** Told the outcome of a write. Runs on an indexer thread: it must be quick and must not call the indexer. */
  @FunctionalInterface
  public interface Callback {
    void done(Outcome outcome);
  }

  private enum Kind { CREATE, REPLACE, DELETE }

  /** Accepts a document as part of a group (null: no group), written with {@code op_type=create}. */
  public void accept(IndexDoc doc, Group group) {
    enqueue(new Op(Kind.CREATE, doc, DocIds.indexName(doc.type(), doc.timestamp()), doc.id(), -1, -1, group, null));
  }

  /** Creates a document unless its id is taken; the callback tells which. */
  public void create(IndexDoc doc, Group group, Callback callback) {
    enqueue(new Op(Kind.CREATE, doc, DocIds.indexName(doc.type(), doc.timestamp()), doc.id(), -1, -1, group, callback));
  }

  /**
   * Replaces the stored version {@code (seqNo, primaryTerm)} of a document, or creates it when {@code seqNo} is
   * negative; {@link Outcome#CONFLICT} when another writer changed it first.
   */
  public void replace(IndexDoc doc, long seqNo, long primaryTerm, Group group, Callback callback) {
    String index = DocIds.indexName(doc.type(), doc.timestamp());
    enqueue(seqNo < 0
        ? new Op(Kind.CREATE, doc, index, doc.id(), -1, -1, group, callback)
        : new Op(Kind.REPLACE, doc, index, doc.id(), seqNo, primaryTerm, group, callback));
  }

  /** Overwrites a document whatever is stored (a document that is a pure function of another, already merged). */
  public void overwrite(IndexDoc doc, Group group, Callback callback) {
    enqueue(new Op(Kind.REPLACE, doc, DocIds.indexName(doc.type(), doc.timestamp()), doc.id(), -1, -1, group, callback));
  }

  /** Deletes a stored document, under its version when {@code seqNo} is not negative. */
  public void delete(IndexType type, String index, String id, long seqNo, long primaryTerm, Group group, Callback callback) {
    enqueue(new Op(Kind.DELETE, new IndexDoc(type, id, null, null, null, null), index, id, seqNo, primaryTerm, group, callback));
  }

  /** A write on its way, with the group it counts towards and whom to tell. */
  private record Op(
      Kind kind, IndexDoc doc, String index, String id, long seqNo, long primaryTerm, Group group, Callback callback) {}

  private void enqueue(Op op) {
    outstanding.incrementAndGet();
    if (op.group() != null) op.group().pending.incrementAndGet();
    submit(op);
  }

  private void submit(Op op) {
    ingester.add(operation(op), op);
  }

  /** The bulk operation of a write; the document goes as JSON bytes (see body). */
  private static BulkOperation operation(Op op) {
    return switch (op.kind()) {
      case CREATE -> BulkOperation.of(o -> o.create(c -> c.index(op.index()).id(op.id()).document(body(op.doc()))));
      case REPLACE -> BulkOperation.of(o -> o.index(c -> {
        c.index(op.index()).id(op.id()).document(body(op.doc()));
        if (op.seqNo() >= 0) c.ifSeqNo(op.seqNo()).ifPrimaryTerm(op.primaryTerm());
        return c;
      }));
      case DELETE -> BulkOperation.of(o -> o.delete(d -> {
        d.index(op.index()).id(op.id());
        if (op.seqNo() >= 0) d.ifSeqNo(op.seqNo()).ifPrimaryTerm(op.primaryTerm());
        return d;
      }));
    };
  }

  /**
   * Blocks until every document of the group is indexed, found present or dead-lettered; documents accepted
   * later may stay in flight. Throws like {@link #flush()} when Elasticsearch stays unusable past the budget.
   */
  public void await(Group group) {
    ingester.flush();
    while (!group.done()) {
      pause(group.pending.get());
      if (!group.done()) ingester.flush();
    }
  }

  @Override
  public void flush() {
    ingester.flush();
    while (outstanding.get() > 0) {
      pause(outstanding.get());
      ingester.flush();
    }
  }

  private void pause(long waitingFor) {
    {
      Instant since = failingSince.get();
      if (since != null && Duration.between(since, Instant.now()).compareTo(retryBudget) > 0) {
        throw new IndexingUnavailableException(
            "Elasticsearch has refused or failed bulk requests for more than " + retryBudget.toMinutes()
                + " minutes (last error: " + lastFailure.get() + "); " + waitingFor
                + " documents were not written. Nothing is marked complete: run the import again when the"
                + " cluster is back.");
      }
      try {
        // Short: the batch writer waits here once per chunk, and a long sleep idles the node between chunks.
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for bulk requests", e);
      }
    }
  }

  @Override
  public void close() {
    try {
      flush();
    } finally {
      ingester.close();
      retryScheduler.shutdownNow();
    }
  }

  public long indexed(IndexType type) {
    return indexedByType[type.ordinal()].sum();
  }

  public long alreadyPresent(IndexType type) {
    return presentByType[type.ordinal()].sum();
  }

  private void done(Op op, Outcome outcome) {
    attempts.remove(op);
    if (op.kind() != Kind.DELETE
        && (outcome == Outcome.WRITTEN || (outcome == Outcome.EXISTS && op.callback() == null))) {
      try {
        onWritten.accept(op.doc());
      } catch (RuntimeException e) {
        log.error("A written-document listener failed for {} {}", op.index(), op.id(), e);
      }
    }
    if (op.callback() != null) {
      try {
        op.callback().done(outcome);
      } catch (RuntimeException e) {
        log.error("A write callback failed for {} {}", op.index(), op.id(), e);
      }
    }
    if (op.group() != null) op.group().pending.decrementAndGet();
    outstanding.decrementAndGet();
  }

  private void retryLater(Op doc, String why) {
    retries.increment();
    boolean firstOfEpisode = failingSince.compareAndSet(null, Instant.now());
    lastFailure.set(why);
    int n = attempts.merge(doc, 1, Integer::sum);
    long capMs = Math.min(30_000, 250L << Math.min(n, 7));
    long delay = capMs / 2 + ThreadLocalRandom.current().nextLong(capMs / 2 + 1);
    // Once per outage and then every thousandth retry: a node going away fails every document in flight.
    if (firstOfEpisode || retries.sum() % 1000 == 0) {
      log.warn("Bulk write failed ({}); retrying with backoff ({} retries so far)", why, retries.sum());
    }
    retryScheduler.schedule(() -> submit(doc), delay, TimeUnit.MILLISECONDS);
  }

  private void deadLetter(Op op, ErrorCause error) {
    IndexDoc doc = op.doc();
    if (doc.type() == IndexType.DEADLETTER) {
      // A dead letter that cannot be written is the one thing we cannot archive: say so loudly, and count it.
      lost.increment();
      log.error("Could not write dead letter {} from {}: {}", doc.id(), doc.provenance(), error.reason());
      done(op, Outcome.DEAD_LETTERED);
      return;
    }
    byte[] raw = doc.raw();
    if (raw == null && doc.doc() != null) {
      // a derived document (a summary) has no input bytes of its own: keep the document itself
      raw = json(doc.doc());
    }
    String what = op.kind() == Kind.DELETE ? "delete from " : "index into ";
    IndexDoc letter = DeadLetters.of(
        raw, doc.provenance(), "index:" + error.type(), "could not " + what + doc.type().typeName() + ": " + error.reason(),
        doc.doc() == null ? null : doc.doc().getString("event.dataset"),
        doc.doc() == null ? null : doc.doc().getString("event.action"), Instant.now(),
        "deadletter", "index", doc.type(), op.id());
    deadLettered.increment();
    // The letter counts towards the document's group, so the group is done only once the letter is written.
    Op letterOp = new Op(Kind.CREATE, letter, DocIds.indexName(IndexType.DEADLETTER, letter.timestamp()), letter.id(),
        -1, -1, op.group(), null);
    outstanding.incrementAndGet();
    if (op.group() != null) op.group().pending.incrementAndGet();
    done(op, Outcome.DEAD_LETTERED);
    submit(letterOp);
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /**
   * The document as JSON bytes, serialised once by Jackson directly: handed a map, the ingester would serialise
   * it twice through the JSON-P layer (once to size the request, once to send it), which was a third of the
   * importer's CPU in the profile.
   */
  private static BinaryData body(IndexDoc doc) {
    return BinaryData.of(json(doc.doc()), ContentType.APPLICATION_JSON);
  }

  private static byte[] json(Doc d) {
    try {
      return JSON.writeValueAsBytes(d.asMap());
    } catch (java.io.IOException e) {
      return String.valueOf(d.asMap()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** Failures worth retrying: the cluster is busy or a shard is not ready; anything else would fail again. */
  static boolean retryable(int status, ErrorCause error) {
    if (status == 429 || status == 503 || status == 502 || status == 504) return true;
    if (error == null) return false;
    return switch (error.type()) {
      case "es_rejected_execution_exception", "cluster_block_exception", "unavailable_shards_exception",
          "no_shard_available_action_exception", "circuit_breaking_exception" -> true;
      default -> false;
    };
  }

  private final class Listener implements BulkListener<Op> {
    @Override
    public void beforeBulk(long executionId, BulkRequest request, List<Op> contexts) {}

    @Override
    public void afterBulk(long executionId, BulkRequest request, List<Op> contexts, BulkResponse response) {
      handle(contexts, response);
    }

    @Override
    public void afterBulk(long executionId, BulkRequest request, List<Op> contexts, Throwable failure) {
      if (tooLarge(failure)) {
        // Sent again as it is, the request would be refused for ever: split it (see splitTooLarge).
        retryScheduler.execute(() -> splitTooLarge(contexts));
        return;
      }
      String why = failure.getClass().getSimpleName() + ": " + failure.getMessage();
      for (Op doc : contexts) retryLater(doc, why);
    }
  }

  /** True when the cluster (or a proxy before it) refused the request for its size: HTTP 413. */
  static boolean tooLarge(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof co.elastic.clients.transport.TransportException te && te.statusCode() == 413) return true;
      if (t instanceof co.elastic.clients.elasticsearch._types.ElasticsearchException ee && ee.status() == 413) {
        return true;
      }
    }
    return false;
  }

  /**
   * A request refused as too large (413: {@code http.max_content_length}, or a proxy's body limit) is sent again
   * in halves, each on its own, until the halves pass; a single document still refused goes to the dead-letter
   * index (its dead letter carries the input's bytes, which the import bounds). Runs on the retry thread; other
   * failures of a half take the usual paths.
   */
  private void splitTooLarge(List<Op> ops) {
    if (ops.size() == 1) {
      log.warn("The cluster refused a document of {} as too large (413); dead-lettering it", ops.get(0).doc().provenance());
      deadLetter(ops.get(0), ErrorCause.of(e -> e.type("request_entity_too_large")
          .reason("the cluster refused the document as too large (HTTP 413)")));
      return;
    }
    int half = ops.size() / 2;
    for (List<Op> part : List.of(ops.subList(0, half), ops.subList(half, ops.size()))) {
      List<BulkOperation> body = new java.util.ArrayList<>(part.size());
      for (Op op : part) body.add(operation(op));
      try {
        handle(part, client.bulk(b -> b.operations(body)));
      } catch (Exception e) {
        if (tooLarge(e)) {
          splitTooLarge(part);
        } else {
          String why = e.getClass().getSimpleName() + ": " + e.getMessage();
          for (Op op : part) retryLater(op, why);
        }
      }
    }
  }


  private void handle(List<Op> contexts, BulkResponse response) {
    {
      boolean anyRetry = false;
      List<BulkResponseItem> items = response.items();
      for (int i = 0; i < items.size(); i++) {
        BulkResponseItem item = items.get(i);
        Op op = contexts.get(i);
        int status = item.status();
        int type = op.doc().type().ordinal();
        // A write with a callback is a merge (a summary and what follows from it): its owner counts it, so that
        // "indexed" and "already present" keep meaning input documents.
        boolean counted = op.callback() == null;
        if (item.error() == null && status < 300) {
          if (op.kind() == Kind.DELETE) {
            deleted.increment();
          } else if (counted) {
            indexed.increment();
            indexedByType[type].increment();
          }
          done(op, Outcome.WRITTEN);
        } else if (status == 409 && op.kind() == Kind.CREATE && op.seqNo() < 0) {
          if (counted) {
            alreadyPresent.increment();
            presentByType[type].increment();
          }
          done(op, Outcome.EXISTS);
        } else if (status == 409) {
          conflicts.increment();
          done(op, Outcome.CONFLICT);
        } else if (status == 404 && op.kind() == Kind.DELETE) {
          done(op, Outcome.MISSING);
        } else if (retryable(status, item.error())) {
          anyRetry = true;
          retryLater(op, status + " " + (item.error() != null ? item.error().type() : ""));
        } else {
          deadLetter(op, item.error() != null ? item.error() : ErrorCause.of(e -> e.type("http_" + status).reason("status " + status)));
        }
      }
      if (!anyRetry) failingSince.set(null);
    }
  }

  /** Elasticsearch stayed unusable for longer than the retry budget. */
  public static final class IndexingUnavailableException extends RuntimeException {
    public IndexingUnavailableException(String message) {
      super(message);
    }
  }
}
