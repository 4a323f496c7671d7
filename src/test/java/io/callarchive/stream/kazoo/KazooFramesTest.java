package io.callarchive.stream.kazoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.AMQP;
import io.callarchive.stream.RecordingSink;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** What frame an AMQP body becomes (event-sources §4.1, §4.6 item 3), without a broker. */
class KazooFramesTest {
  private final KazooSettings settings = new KazooSettings("k", URI.create("amqp://mq"), null, null, null, "callevt",
      false, "q", java.util.List.of("call.*.*"), 10, java.time.Duration.ofSeconds(30),
      java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2), 2048);
  private final KazooConsumer consumer = (KazooConsumer) KazooConsumer.create(settings, new RecordingSink());

  private static AMQP.BasicProperties encoding(String e) {
    return new AMQP.BasicProperties.Builder().contentType("application/json").contentEncoding(e).build();
  }

  static byte[] gzip(byte[] b) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  @Test
  void plainAndGzipBodiesGiveTheSameFrame() throws Exception {
    byte[] json = "{\"Event-Name\":\"CHANNEL_CREATE\",\"Call-ID\":\"c\"}".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(json, consumer.frame(null, json));
    assertArrayEquals(json, consumer.frame(encoding(null), json));
    assertArrayEquals(json, consumer.frame(encoding("gzip"), gzip(json)));
    assertArrayEquals(json, consumer.frame(encoding("GZIP"), gzip(json)));
  }

  @Test
  void aBodyThatIsNotReallyGzipIsHandedOverAsReceived() {
    byte[] body = "{\"Event-Name\":\"X\"}".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(body, consumer.frame(encoding("gzip"), body));
  }

  @Test
  void aBodyPastTheBoundIsCutAtIt() throws Exception {
    byte[] big = new byte[5000];
    Arrays.fill(big, (byte) 'a');
    assertEquals(2048, consumer.frame(null, big).length);
    assertEquals(2048, consumer.frame(encoding("gzip"), gzip(big)).length, "bounded after decompression too");
    assertArrayEquals(Arrays.copyOf(big, 2048), consumer.frame(encoding("gzip"), gzip(big)));
  }
}
