package io.callarchive.index;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Request;
import co.elastic.clients.transport.rest5_client.low_level.Response;
import co.elastic.clients.transport.rest5_client.low_level.ResponseException;
import co.elastic.clients.transport.rest5_client.low_level.ResponseListener;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.pipeline.DocIds;
import io.callarchive.pipeline.DocSink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes documents with {@code _bulk} requests, as {@code create} operations on deterministic ids so that a
 * document already present is counted, not written twice. Failures are sorted on the structured error (house
 * style rule 4): rejections (429) and unavailable shards are retried with jittered exponential backoff; a request
 * that fails as a whole (node down, connection reset) is retried item by item the same way; mapping and parse
 * errors send the document to the dead-letter index at once, since they would fail again.
 *
 * <p>The request body is built here, each document serialised once straight into it (or serialised beforehand by
 * {@link #prepare}, while its tree is still in the processor's cache), and the response is read
 * with a streaming parser for the three things sorting needs (status, error type and reason; {@code filter_path}
 * asks the node for nothing else). The client's bulk helper modelled every operation and every response item
 * as objects (and serialised each request twice through the JSON-P layer): with its HTTP reactor that was half
 * the importer's CPU (BENCHMARKS.md, issue 9). Requests go through the low-level client of the
 * {@link ElasticsearchClient} given, so TLS, credentials and failover are those of {@link EsConnection}.
 *
 * <p>{@link #accept} may block when the maximum of requests is in flight (back-pressure). {@link #flush} returns
 * when every accepted document is indexed, found present or dead-lettered, and throws when Elasticsearch stayed
 * unreachable longer than the retry budget. Thread-safe.
 */
public final class BulkIndexer implements DocSink {
  private static final Logger log = LoggerFactory.getLogger(BulkIndexer.class);
  private static final int MAX_IN_FLIGHT = 2;
  private static final long MAX_BYTES = 8L << 20;
  private static final long FLUSH_INTERVAL_NANOS = 1_000_000_000L;
  private static final ContentType NDJSON = ContentType.create("application/x-ndjson", StandardCharsets.UTF_8);
  /** The node renders only what {@link #handle} reads: fewer bytes for it to write and for us to parse. */
  static final String FILTER_PATH = "errors,items.*.status,items.*.error.type,items.*.error.reason";

  private final Rest5Client rest;
  private final int maxOperations;
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private final ScheduledExecutorService retryScheduler;
  private final Duration retryBudget;
  private final AtomicLong outstanding = new AtomicLong();
  private final AtomicReference<Instant> failingSince = new AtomicReference<>();
  private final AtomicReference<String> lastFailure = new AtomicReference<>();
  /** The request being filled; guarded by {@code this}. */
  private Batch current;
  /** Bodies of finished requests, reused (a request body is about a megabyte). */
  private final ConcurrentLinkedQueue<Body> spare = new ConcurrentLinkedQueue<>();

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
    if (!(client._transport() instanceof Rest5ClientTransport transport)) {
      throw new IllegalArgumentException("the Elasticsearch client has no REST transport to send bulk requests on");
    }
    for (int i = 0; i < indexedByType.length; i++) {
      indexedByType[i] = new LongAdder();
      presentByType[i] = new LongAdder();
    }
    this.rest = transport.restClient();
    this.maxOperations = maxOperations;
    this.retryBudget = retryBudget;
    this.retryScheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bulk-retry");
              t.setDaemon(true);
              return t;
            });
    // A quiet live source still gets its documents written within about a second.
    retryScheduler.scheduleWithFixedDelay(this::flushIfIdle, 250, 250, TimeUnit.MILLISECONDS);
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

  /** A document and its JSON, serialised by {@link #prepare}; the indexer copies the bytes into its request. */
  public record Prepared(IndexDoc doc, byte[] json) {}

  /**
   * Serialises a document now, for {@link #accept(Prepared, Group)} later. The batch import holds a chunk's
   * documents (2,000 events) between making and writing them; serialising each as soon as it is made, while its
   * tree is in the CPU's cache, took a third off the serialising cost (AMI: 9.6 against 6.6 ms per 1,000 events
   * for parse to JSON, BENCHMARKS.md, issue 9). Same bytes as a document serialised in the request.
   */
  public static Prepared prepare(IndexDoc doc) {
    return new Prepared(doc, documentJson(doc.doc()));
  }

  /** {@link #accept(IndexDoc, Group)} of a document serialised beforehand. */
  public void accept(Prepared p, Group group) {
    IndexDoc doc = p.doc();
    enqueue(new Op(Kind.CREATE, doc, p.json(), DocIds.indexName(doc.type(), doc.timestamp()), doc.id(), -1, -1, group,
        null, 0));
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

  /** A write on its way, with the group it counts towards, whom to tell, and how often it was retried. */
  private record Op(
      Kind kind, IndexDoc doc, byte[] json, String index, String id, long seqNo, long primaryTerm, Group group,
      Callback callback, int retries) {
    Op(Kind kind, IndexDoc doc, String index, String id, long seqNo, long primaryTerm, Group group, Callback callback) {
      this(kind, doc, null, index, id, seqNo, primaryTerm, group, callback, 0);
    }

    /** The same write, sent again after one more failure (the backoff grows with the count). */
    Op retried() {
      return new Op(kind, doc, json, index, id, seqNo, primaryTerm, group, callback, retries + 1);
    }
  }

  private void enqueue(Op op) {
    outstanding.incrementAndGet();
    if (op.group() != null) op.group().pending.incrementAndGet();
    submit(op);
  }

  /** Adds a write to the request being filled; sends the request when it is full (may block: back-pressure). */
  private void submit(Op op) {
    Batch full = null;
    synchronized (this) {
      if (current == null) current = new Batch(body());
      current.add(op);
      if (current.ops.size() >= maxOperations || current.body.size() >= MAX_BYTES) {
        full = current;
        current = null;
      }
    }
    if (full != null) send(full);
  }

  /** Sends what is waiting, however little. */
  private void sendPending() {
    Batch b;
    synchronized (this) {
      b = current;
      current = null;
    }
    if (b != null) send(b);
  }

  private void flushIfIdle() {
    Batch b = null;
    synchronized (this) {
      if (current != null && System.nanoTime() - current.started >= FLUSH_INTERVAL_NANOS) {
        b = current;
        current = null;
      }
    }
    try {
      if (b != null) send(b);
    } catch (RuntimeException e) {
      log.error("Could not send a bulk request", e);
    }
  }

  private Body body() {
    Body b = spare.poll();
    if (b == null) return new Body(1 << 20);
    b.reset();
    return b;
  }

  /** One request's writes and its NDJSON body, each document serialised once straight into it. */
  private static final class Batch {
    final List<Op> ops = new ArrayList<>();
    final Body body;
    final long started = System.nanoTime();

    Batch(Body body) {
      this.body = body;
    }

    void add(Op op) {
      body.action(op);
      if (op.json() != null) {
        body.writeBytes(op.json());
        body.write('\n');
      } else if (op.kind() != Kind.DELETE) {
        body.document(op.doc().doc());
      }
      ops.add(op);
    }
  }

  /** A growable byte buffer handed to the HTTP entity without a copy. */
  private static final class Body extends java.io.OutputStream {
    // not a ByteArrayOutputStream: its writes are synchronized, a lock taken per byte of the action lines was
    // 4 % of the import's main thread (BENCHMARKS.md, issue 9); a body is filled by one thread at a time
    private byte[] buf;
    private int count;

    Body(int size) {
      buf = new byte[size];
    }

    private void room(int n) {
      if (count + n > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, count + n));
    }

    @Override
    public void write(int b) {
      room(1);
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      room(len);
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    void writeBytes(byte[] b) {
      write(b, 0, b.length);
    }

    int size() {
      return count;
    }

    void reset() {
      count = 0;
    }

    private static final byte[] CREATE = "{\"create\":{\"_index\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INDEX = "{\"index\":{\"_index\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DELETE = "{\"delete\":{\"_index\":\"".getBytes(StandardCharsets.US_ASCII);

    /** The action line (Elasticsearch's bulk API: {@code {"create":{"_index":..,"_id":..}}} and a newline). */
    void action(Op op) {
      writeBytes(switch (op.kind()) {
        case CREATE -> CREATE;
        case REPLACE -> INDEX;
        case DELETE -> DELETE;
      });
      string(op.index());
      ascii("\",\"_id\":\"");
      string(op.id());
      write('"');
      if (op.seqNo() >= 0) {
        ascii(",\"if_seq_no\":" + op.seqNo() + ",\"if_primary_term\":" + op.primaryTerm());
      }
      ascii("}}\n");
    }

    void document(Doc d) {
      int mark = count;
      try {
        JSON.writeValue(this, d.asMap());
      } catch (IOException e) {
        count = mark;
        writeBytes(unwritable(d));
      }
      write('\n');
    }

    private void ascii(String s) {
      int n = s.length();
      room(n);
      for (int i = 0; i < n; i++) buf[count + i] = (byte) s.charAt(i);
      count += n;
    }

    /** A JSON string's content: ids and index names are plain ASCII, anything else is escaped by Jackson. */
    private void string(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
          writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(s));
          return;
        }
      }
      ascii(s);
    }

    ByteArrayEntity entity() {
      return new ByteArrayEntity(buf, 0, count, NDJSON);
    }
  }

  /**
   * Sends one request once a slot is free (the caller waits: back-pressure) and sorts its outcome on the
   * client's I/O thread; what follows from it (retries, dead letters) is submitted from the retry thread, since
   * the I/O thread must never wait for a slot that only it can free.
   */
  private void send(Batch b) {
    inFlight.acquireUninterruptibly();
    Request request = new Request("POST", "/_bulk");
    request.addParameter("filter_path", FILTER_PATH);
    request.setEntity(b.body.entity());
    try {
      rest.performRequestAsync(request, new ResponseListener() {
        @Override
        public void onSuccess(Response response) {
          try {
            handle(b.ops, response);
          } catch (IOException | RuntimeException e) {
            failed(b.ops, e);
          } finally {
            done(b);
          }
        }

        @Override
        public void onFailure(Exception e) {
          try {
            failed(b.ops, e);
          } finally {
            done(b);
          }
        }
      });
    } catch (RuntimeException e) {
      // the client refuses at once (closed, or shutting down): the writes wait for a retry like after an outage
      failed(b.ops, e);
      done(b);
    }
  }

  private void done(Batch b) {
    if (spare.size() < MAX_IN_FLIGHT + 1 && b.body.size() <= MAX_BYTES + (1 << 20)) spare.add(b.body);
    inFlight.release();
  }

  /** A request that failed as a whole: too large (split it), or anything else (retry each write later). */
  private void failed(List<Op> ops, Exception failure) {
    int status = failure instanceof ResponseException re ? re.getResponse().getStatusCode() : -1;
    if (status == 413) {
      // Sent again as it is, the request would be refused for ever: split it (see splitTooLarge).
      later(() -> splitTooLarge(ops));
      return;
    }
    String why = status > 0 ? "HTTP " + status + errorType(((ResponseException) failure).getResponse())
        : failure.getClass().getSimpleName() + ": " + failure.getMessage();
    for (Op doc : ops) retryLater(doc, why);
  }

  /** " (type)" of an error response's body, when it has one. */
  private static String errorType(Response response) {
    try (InputStream in = response.getEntity().getContent(); JsonParser p = JSON_FACTORY.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return "";
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (name.equals("error") && p.currentToken() == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("type")) return " (" + p.getText() + ")";
            p.skipChildren();
          }
          return "";
        }
        p.skipChildren();
      }
    } catch (IOException | RuntimeException e) {
      // no body, or not JSON (a proxy's page): the status says enough
    }
    return "";
  }

  /**
   * Blocks until every document of the group is indexed, found present or dead-lettered; documents accepted
   * later may stay in flight. Throws like {@link #flush()} when Elasticsearch stays unusable past the budget.
   */
  public void await(Group group) {
    sendPending();
    while (!group.done()) {
      pause(group.pending.get());
      if (!group.done()) sendPending();
    }
  }

  @Override
  public void flush() {
    sendPending();
    while (outstanding.get() > 0) {
      pause(outstanding.get());
      sendPending();
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
    Op again = doc.retried();
    int n = again.retries();
    long capMs = Math.min(30_000, 250L << Math.min(n, 7));
    long delay = capMs / 2 + ThreadLocalRandom.current().nextLong(capMs / 2 + 1);
    // Once per outage and then every thousandth retry: a node going away fails every document in flight.
    if (firstOfEpisode || retries.sum() % 1000 == 0) {
      log.warn("Bulk write failed ({}); retrying with backoff ({} retries so far)", why, retries.sum());
    }
    try {
      retryScheduler.schedule(() -> submit(again), delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("Bulk indexer closed; not retrying {} {}", doc.index(), doc.id());
    }
  }

  private void later(Runnable task) {
    try {
      retryScheduler.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("Bulk indexer closed; dropping a follow-up write");
    }
  }

  private void deadLetter(Op op, String errorType, String reason) {
    IndexDoc doc = op.doc();
    if (doc.type() == IndexType.DEADLETTER) {
      // A dead letter that cannot be written is the one thing we cannot archive: say so loudly, and count it.
      lost.increment();
      log.error("Could not write dead letter {} from {}: {}", doc.id(), doc.provenance(), reason);
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
        raw, doc.provenance(), "index:" + errorType, "could not " + what + doc.type().typeName() + ": " + reason,
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
    // from the retry thread: this may run on the I/O thread, which must not wait for a request slot
    later(() -> submit(letterOp));
  }

  /** A plain mapper: a tree writer without its per-value look-ups was tried twice and was no faster (issue 9). */
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  private static final JsonFactory JSON_FACTORY = JSON.getFactory();

  /** A document's JSON as the request carries it (see {@link #unwritable}). */
  static byte[] documentJson(Doc d) {
    try {
      return JSON.writeValueAsBytes(d.asMap());
    } catch (IOException e) {
      return unwritable(d);
    }
  }

  /**
   * A value Jackson cannot write: the text sent as a JSON string, which the node refuses as a document, so that
   * the document is dead-lettered with the node's reason instead of breaking the whole request.
   */
  private static byte[] unwritable(Doc d) {
    byte[] text = JsonStringEncoder.getInstance().quoteAsUTF8(String.valueOf(d.asMap()));
    byte[] out = new byte[text.length + 2];
    out[0] = '"';
    System.arraycopy(text, 0, out, 1, text.length);
    out[out.length - 1] = '"';
    return out;
  }

  private static byte[] json(Doc d) {
    try {
      return JSON.writeValueAsBytes(d.asMap());
    } catch (IOException e) {
      return String.valueOf(d.asMap()).getBytes(StandardCharsets.UTF_8);
    }
  }

  /** Failures worth retrying: the cluster is busy or a shard is not ready; anything else would fail again. */
  static boolean retryable(int status, ErrorCause error) {
    return retryable(status, error == null ? null : error.type());
  }

  static boolean retryable(int status, String errorType) {
    if (status == 429 || status == 503 || status == 502 || status == 504) return true;
    if (errorType == null) return false;
    return switch (errorType) {
      case "es_rejected_execution_exception", "cluster_block_exception", "unavailable_shards_exception",
          "no_shard_available_action_exception", "circuit_breaking_exception" -> true;
      default -> false;
    };
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
      deadLetter(ops.get(0), "request_entity_too_large", "the cluster refused the document as too large (HTTP 413)");
      return;
    }
    int half = ops.size() / 2;
    for (List<Op> part : List.of(ops.subList(0, half), ops.subList(half, ops.size()))) {
      Batch b = new Batch(new Body(1 << 16));
      for (Op op : part) b.add(op);
      send(b);
    }
  }

  /** One item of a bulk response, as far as sorting needs it. */
  private record Item(int status, String errorType, String reason) {}

  /**
   * Sorts a bulk response item by item (positions match the request's operations). The body is what
   * {@link #FILTER_PATH} leaves: {@code {"errors":..,"items":[{"create":{"status":201}}, {"index":{"status":400,
   * "error":{"type":..,"reason":..}}}]}}.
   */
  private void handle(List<Op> contexts, Response response) throws IOException {
    List<Item> items = new ArrayList<>(contexts.size());
    try (InputStream in = response.getEntity().getContent(); JsonParser p = JSON_FACTORY.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("a bulk response that is not a JSON object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (!name.equals("items") || t != JsonToken.START_ARRAY) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
          int status = -1;
          String type = null;
          String reason = null;
          while (p.nextToken() == JsonToken.FIELD_NAME) { // the operation: create, index or delete
            if (p.nextToken() != JsonToken.START_OBJECT) {
              p.skipChildren();
              continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String field = p.currentName();
              JsonToken v = p.nextToken();
              if (field.equals("status") && v == JsonToken.VALUE_NUMBER_INT) {
                status = p.getIntValue();
              } else if (field.equals("error") && v == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                  String f = p.currentName();
                  p.nextToken();
                  if (f.equals("type")) type = p.getText();
                  else if (f.equals("reason")) reason = p.getText();
                  else p.skipChildren();
                }
              } else {
                p.skipChildren();
              }
            }
          }
          items.add(new Item(status, type, reason));
        }
      }
    }
    if (items.size() != contexts.size()) {
      throw new IOException("a bulk response with " + items.size() + " items for " + contexts.size() + " operations");
    }
    boolean anyRetry = false;
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      Op op = contexts.get(i);
      int status = item.status();
      int type = op.doc().type().ordinal();
      // A write with a callback is a merge (a summary and what follows from it): its owner counts it, so that
      // "indexed" and "already present" keep meaning input documents.
      boolean counted = op.callback() == null;
      if (item.errorType() == null && status >= 200 && status < 300) {
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
      } else if (retryable(status, item.errorType())) {
        anyRetry = true;
        retryLater(op, status + " " + (item.errorType() != null ? item.errorType() : ""));
      } else if (item.errorType() != null) {
        deadLetter(op, item.errorType(), item.reason() == null ? "status " + status : item.reason());
      } else {
        deadLetter(op, "http_" + status, "status " + status);
      }
    }
    if (!anyRetry) failingSince.set(null);
  }

  /** Elasticsearch stayed unusable for longer than the retry budget. */
  public static final class IndexingUnavailableException extends RuntimeException {
    public IndexingUnavailableException(String message) {
      super(message);
    }
  }
}
