package io.callarchive.stream.kazoo;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * The real RabbitMQ of the machine (127.0.0.1:5672, guest/guest) as the tests use it: a publisher playing Kazoo's
 * ecallmgr on an exchange and a queue of the test's own (unique names, deleted afterwards), and the broker's own
 * {@code rabbitmqctl} to stop and start it.
 */
public final class Broker implements AutoCloseable {
  public static final URI URI_ = URI.create("amqp://127.0.0.1:5672");

  public final String exchange = "callevt-test-" + UUID.randomUUID().toString().substring(0, 8);
  public final String queue = "callarchive-test-" + UUID.randomUUID().toString().substring(0, 8);
  private Connection connection;
  private Channel channel;

  public Broker() throws Exception {
    open();
  }

  private void open() throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(URI_);
    f.setAutomaticRecoveryEnabled(false);
    connection = f.newConnection("callarchive test publisher");
    channel = connection.createChannel();
    channel.confirmSelect();
  }

  /** Declares the exchange as Kazoo does: topic, not durable (kz_amqp's default declaration). */
  public void declareExchange() throws IOException {
    channel.exchangeDeclare(exchange, "topic", false, false, null);
  }

  /** The routing-key word of a call-id (event-sources §4.1): unreserved bytes pass, '.' and others as %XX. */
  static String encodeCallId(String callId) {
    StringBuilder b = new StringBuilder();
    for (byte c : callId.getBytes(StandardCharsets.UTF_8)) {
      int u = c & 0xff;
      if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' || u == '~'
          || u == '_') {
        b.append((char) u);
      } else if (u == ' ') {
        b.append('+');
      } else {
        b.append('%').append(String.format("%02X", u));
      }
    }
    return b.toString();
  }

  static String routingKey(String eventName, String callId) {
    return "call." + eventName + "." + encodeCallId(callId);
  }

  /** Publishes persistently, waiting for the broker's confirm, so the message is in the queue when this returns. */
  public void publish(String routingKey, byte[] body, boolean gzip) throws Exception {
    AMQP.BasicProperties.Builder p = new AMQP.BasicProperties.Builder()
        .contentType("application/json").deliveryMode(2).appId("ecallmgr");
    byte[] wire = body;
    if (gzip) {
      p.contentEncoding("gzip");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream z = new GZIPOutputStream(out)) {
        z.write(body);
      }
      wire = out.toByteArray();
    }
    channel.basicPublish(exchange, routingKey, true, p.build(), wire);
    channel.waitForConfirmsOrDie(10_000);
  }

  /** The next message of the test queue, taken (auto-ack), or null when it stays empty for {@code wait}. */
  GetResponse take(Duration wait) throws Exception {
    long end = System.nanoTime() + wait.toNanos();
    while (true) {
      GetResponse r = channel.basicGet(queue, true);
      if (r != null || System.nanoTime() > end) return r;
      Thread.sleep(20);
    }
  }

  /** Declares the consumer's queue and binds it, so that messages published before the consumer starts wait there. */
  public void declareQueue(String routingKey) throws IOException {
    channel.queueDeclare(queue, true, false, false, null);
    channel.queueBind(queue, exchange, routingKey);
  }

  /** Publishes persistently without waiting; {@link #confirmAll} waits for the broker's confirms of them all. */
  public void publishAsync(String routingKey, byte[] body) throws IOException {
    channel.basicPublish(exchange, routingKey, true,
        new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).appId("ecallmgr").build(), body);
  }

  public void confirmAll() throws Exception {
    channel.waitForConfirmsOrDie(60_000);
  }

  /** Declares the queue again with exactly the consumer's arguments: the broker refuses it if they differ. */
  void declareQueueAsTheConsumerDoes() throws IOException {
    channel.queueDeclare(queue, true, false, false, null);
  }

  public int ready() throws IOException {
    return channel.queueDeclarePassive(queue).getMessageCount();
  }

  /** After a broker restart this publisher's connection is gone; a new one, without declaring anything. */
  void reopen() throws Exception {
    try {
      connection.abort();
    } finally {
      open();
    }
  }

  static void rabbitmqctl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("rabbitmqctl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("rabbitmqctl " + String.join(" ", args) + " failed: " + out);
    }
  }

  @Override
  public void close() throws Exception {
    if (!connection.isOpen()) open();
    if (!channel.isOpen()) channel = connection.createChannel();
    try {
      channel.queueDelete(queue);
      channel.exchangeDelete(exchange);
    } finally {
      connection.close();
    }
  }
}
