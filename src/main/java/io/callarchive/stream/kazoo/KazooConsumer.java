package io.callarchive.stream.kazoo;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.callarchive.stream.FrameSink;
import io.callarchive.stream.connect.Backoff;
import io.callarchive.stream.connect.Connector;
import io.callarchive.stream.connect.TlsTrust;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kazoo call events from RabbitMQ (event-sources §4.1) with the official RabbitMQ Java client: a durable named
 * queue bound to the {@code callevt} topic exchange, consumed with manual acknowledgement. Each message body
 * (gunzipped when its {@code content-encoding} is gzip, §4.6 item 3) is one frame; it is acknowledged only after
 * {@link FrameSink#frame} returned, so a crash between receipt and acknowledgement makes the broker deliver it
 * again (deterministic document ids make the second copy the same document). Every message the bindings route
 * here is handed over, call event or not: the format archives each as what it is.
 *
 * <p>The queue has none of Kazoo's own lossy defaults: durable, not exclusive, not auto-delete, no length limit
 * and no TTL, so messages wait in the broker while callarchive is down. A prefetch bound caps what the broker sends
 * ahead. After a connection loss the client's automatic recovery reconnects (with this connector's backoff) and
 * re-declares the exchange, queue, bindings and consumer (topology recovery); each loss is a {@code disconnected}
 * state and each recovery {@code reconnected}. When the spool is full the delivery in hand is retried until it
 * fits, unacknowledged: the prefetch bound then stops the broker, which keeps the rest queued. Thread-safe.
 */
public final class KazooConsumer implements Connector {
  private static final Logger log = LoggerFactory.getLogger(KazooConsumer.class);

  /** The longest pause between two offers of a frame the spool refused. */
  private static final Duration SPOOL_RETRY = Duration.ofSeconds(1);

  private final KazooSettings settings;
  private final FrameSink sink;
  private final Backoff backoff;
  private final Clock clock;

  private final Object lock = new Object();
  private Thread starter;
  private Connection connection;
  private Channel channel;
  private String consumerTag;
  private volatile boolean closed;
  private volatile String state = "new";
  private volatile Instant lastFrame;
  private final AtomicLong frames = new AtomicLong();
  /** Held while a delivery is between receipt and acknowledgement, so close() lets it finish. */
  private final Semaphore inHand = new Semaphore(1);

  public KazooConsumer(KazooSettings settings, FrameSink sink, Backoff backoff, Clock clock) {
    if (settings == null || sink == null || backoff == null || clock == null) {
      throw new IllegalArgumentException("settings, sink, backoff and clock are required");
    }
    this.settings = settings;
    this.sink = sink;
    this.backoff = backoff;
    this.clock = clock;
  }

  /** A consumer with the settings' reconnect bounds and the system clock. */
  public static Connector create(KazooSettings settings, FrameSink sink) {
    return new KazooConsumer(
        settings, sink, Backoff.of(settings.reconnectMin(), settings.reconnectMax()), Clock.systemUTC());
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public String state() {
    return state;
  }

  /** When the last frame reached the sink, or null. */
  public Instant lastFrame() {
    return lastFrame;
  }

  /** Frames handed to the sink since start. */
  public long frames() {
    return frames.get();
  }

  /**
   * Connects on a thread of its own, retrying with backoff until the broker takes the connection (automatic
   * recovery covers only connections that were once established).
   */
  @Override
  public void start() {
    synchronized (lock) {
      if (closed) throw new IllegalStateException("Kazoo source '" + settings.name() + "' is closed");
      if (starter != null) return;
      starter = new Thread(this::connectLoop, "kazoo-" + settings.name() + "-connect");
      starter.setDaemon(true);
      starter.start();
    }
  }

  private void connectLoop() {
    int attempts = 0;
    boolean outageReported = false;
    boolean authFailing = false;
    while (!closed) {
      Duration delay;
      try {
        open();
        return;
      } catch (PossibleAuthenticationFailureException e) {
        delay = backoff.slow();
        if (!authFailing) {
          authFailing = true;
          String detail = "the broker refused the AMQP credentials of user '" + userShown() + "' ("
              + e.getMessage() + "); check user and password (or the uri); retrying every "
              + (delay.toMillis() >= 1000 ? delay.toSeconds() + " s" : delay.toMillis() + " ms");
          log.error("Kazoo source '{}': {}", settings.name(), detail);
          report("auth_failed", detail);
        }
      } catch (IOException | TimeoutException | RuntimeException e) {
        delay = backoff.delay(++attempts);
        String why = reason(e);
        if (!outageReported) {
          outageReported = true;
          report("disconnected", "cannot consume from " + settings.display() + ": " + why);
        }
        log.warn("Kazoo source '{}': cannot consume from {}: {}; retrying in {} ms",
            settings.name(), settings.display(), why, delay.toMillis());
      }
      closeQuietly();
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void open() throws IOException, TimeoutException {
    ConnectionFactory f = new ConnectionFactory();
    try {
      f.setUri(settings.uri());
    } catch (Exception e) {
      throw new IllegalArgumentException("bad AMQP uri " + settings.display() + ": " + e.getMessage(), e);
    }
    if (settings.uri().getScheme().equalsIgnoreCase("amqps")) {
      // setUri would trust any certificate; verify the broker's certificate and host name instead
      f.useSslProtocol(TlsTrust.context(settings.caCert()));
      f.enableHostnameVerification();
    }
    if (settings.user() != null) f.setUsername(settings.user());
    if (settings.password() != null) f.setPassword(settings.password());
    f.setRequestedHeartbeat((int) settings.heartbeat().toSeconds());
    f.setConnectionTimeout((int) settings.connectTimeout().toMillis());
    f.setAutomaticRecoveryEnabled(true);
    f.setTopologyRecoveryEnabled(true);
    f.setRecoveryDelayHandler(attempt -> backoff.delay(attempt + 1).toMillis());

    Connection c = f.newConnection("callarchive " + settings.name());
    synchronized (lock) {
      connection = c;
      if (closed) {
        closeQuietly();
        return;
      }
    }
    c.addShutdownListener(this::shutdown);
    ((Recoverable) c).addRecoveryListener(new RecoveryListener() {
      @Override
      public void handleRecovery(Recoverable r) {
        log.info("Kazoo source '{}': connection to {} recovered, queue '{}' consumed again",
            settings.name(), settings.display(), settings.queue());
        report("reconnected", "consuming queue '" + settings.queue() + "' on " + settings.display() + " again");
      }

      @Override
      public void handleRecoveryStarted(Recoverable r) {}
    });
    Channel ch = c.createChannel();
    // Kazoo's own declaration of the exchange (a topic, not auto-delete); declaring it too lets topology recovery
    // bind the queue again after a broker restart, when a non-durable exchange has to be created anew.
    ch.exchangeDeclare(settings.exchange(), "topic", settings.exchangeDurable(), false, null);
    ch.queueDeclare(settings.queue(), true, false, false, null);
    for (String key : settings.routingKeys()) ch.queueBind(settings.queue(), settings.exchange(), key);
    ch.basicQos(settings.prefetch());
    String tag = ch.basicConsume(settings.queue(), false, "callarchive-" + settings.name(), new Deliveries(ch));
    synchronized (lock) {
      channel = ch;
      consumerTag = tag;
    }
    log.info("Kazoo source '{}': consuming queue '{}' bound to '{}' with {} on {}",
        settings.name(), settings.queue(), settings.exchange(), settings.routingKeys(), settings.display());
    report("connected", "consuming queue '" + settings.queue() + "' bound to exchange '" + settings.exchange()
        + "' with " + settings.routingKeys() + " on " + settings.display());
  }

  private void shutdown(ShutdownSignalException cause) {
    if (closed || cause.isInitiatedByApplication()) return;
    String why = reason(cause);
    log.warn("Kazoo source '{}': connection to {} lost: {}; messages wait in queue '{}' until it is back",
        settings.name(), settings.display(), why, settings.queue());
    report("disconnected", "connection to " + settings.display() + " lost: " + why);
  }

  /** One channel's deliveries, called in order on the client's consumer thread for that channel. */
  private final class Deliveries extends DefaultConsumer {
    Deliveries(Channel ch) {
      super(ch);
    }

    @Override
    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
      inHand.acquireUninterruptibly();
      try {
        // after close() began, what the broker sent ahead is left unacknowledged: it goes back to the queue
        if (closed) return;
        byte[] frame = frame(props, body);
        if (!deliver(frame)) return;
        try {
          getChannel().basicAck(envelope.getDeliveryTag(), false);
        } catch (IOException | RuntimeException e) {
          // the connection went between the spool write and the ack: the broker delivers the message again,
          // and its deterministic document id makes the second copy the same document
          log.debug("Kazoo source '{}': ack lost with the connection ({})", settings.name(), e.toString());
        }
      } finally {
        inHand.release();
      }
    }

    @Override
    public void handleCancel(String tag) {
      // the broker cancelled the consumer: the queue was deleted, or this node of a cluster went away
      log.warn("Kazoo source '{}': the broker cancelled the consumer of queue '{}'", settings.name(),
          settings.queue());
      report("disconnected", "the broker cancelled the consumer of queue '" + settings.queue()
          + "' (queue deleted?)");
    }
  }

  /** Hands a frame to the sink, retrying while the spool refuses it; false when closed meanwhile. */
  private boolean deliver(byte[] frame) {
    boolean waiting = false;
    int tries = 0;
    while (true) {
      try {
        sink.frame(settings.name(), frame);
        frames.incrementAndGet();
        lastFrame = clock.instant();
        if (waiting) log.info("Kazoo source '{}': the spool takes frames again", settings.name());
        return true;
      } catch (IOException e) {
        if (closed) return false;
        if (!waiting) {
          waiting = true;
          log.warn("Kazoo source '{}': the spool refused a frame ({}); consumption paused, messages wait"
              + " unacknowledged in the broker", settings.name(), e.getMessage());
        }
        Duration d = backoff.delay(++tries);
        try {
          Thread.sleep(Math.min(d.toMillis(), SPOOL_RETRY.toMillis()));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
  }

  /** The body as the batch format reads it from a capture: the JSON, gunzipped when it was sent compressed. */
  byte[] frame(AMQP.BasicProperties props, byte[] body) {
    String encoding = props == null ? null : props.getContentEncoding();
    byte[] out = body;
    if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("gzip")) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
        out = in.readNBytes(settings.maxMessage() + 1);
      } catch (IOException e) {
        // not gzip after all: the bytes as received, dead-lettered downstream, never dropped
        log.warn("Kazoo source '{}': a message said content-encoding gzip but does not decompress ({});"
            + " handed over as received", settings.name(), e.getMessage());
        return body;
      }
    }
    if (out.length > settings.maxMessage()) {
      log.warn("Kazoo source '{}': a message larger than {} bytes was cut at that size (dead-lettered downstream)",
          settings.name(), settings.maxMessage());
      out = Arrays.copyOf(out, settings.maxMessage());
    }
    return out;
  }

  private void report(String newState, String detail) {
    state = newState;
    try {
      sink.state(settings.name(), newState, detail);
    } catch (IOException e) {
      log.warn("Kazoo source '{}': could not archive the state change {} ({})", settings.name(), newState,
          e.getMessage());
    }
  }

  private String userShown() {
    if (settings.user() != null) return settings.user();
    String info = settings.uri().getUserInfo();
    if (info == null) return "guest";
    int colon = info.indexOf(':');
    return colon < 0 ? info : info.substring(0, colon);
  }

  private static String reason(Throwable e) {
    Throwable t = e;
    if (t instanceof IOException && t.getCause() instanceof ShutdownSignalException s) t = s;
    if (t instanceof ShutdownSignalException s && s.getReason() instanceof AMQP.Connection.Close c) {
      return c.getReplyCode() + " " + c.getReplyText();
    }
    if (t instanceof ShutdownSignalException s && s.getReason() instanceof AMQP.Channel.Close c) {
      return c.getReplyCode() + " " + c.getReplyText();
    }
    String m = t.getMessage();
    return m != null ? m : t.getClass().getSimpleName();
  }

  /**
   * Stops consuming and waits (up to 10 s) for the delivery in hand to reach the sink and be acknowledged; what
   * the broker sent ahead goes back to the queue unacknowledged.
   */
  @Override
  public void close() {
    Thread s;
    synchronized (lock) {
      if (closed) return;
      closed = true;
      s = starter;
    }
    if (s != null) s.interrupt();
    Channel ch;
    String tag;
    synchronized (lock) {
      ch = channel;
      tag = consumerTag;
    }
    if (ch != null && tag != null && ch.isOpen()) {
      try {
        ch.basicCancel(tag);
      } catch (IOException | RuntimeException e) {
        log.debug("Kazoo source '{}': cancel failed ({})", settings.name(), e.toString());
      }
    }
    try {
      if (inHand.tryAcquire(10, TimeUnit.SECONDS)) inHand.release();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly();
    state = "disconnected";
    try {
      sink.state(settings.name(), "disconnected", "stopped by callarchive");
    } catch (IOException e) {
      log.debug("Kazoo source '{}': stop not archived ({})", settings.name(), e.getMessage());
    }
  }

  private void closeQuietly() {
    Connection c;
    synchronized (lock) {
      c = connection;
      connection = null;
      channel = null;
      consumerTag = null;
    }
    if (c == null) return;
    try {
      c.close(5000);
    } catch (IOException | RuntimeException e) {
      c.abort();
    }
  }
}
