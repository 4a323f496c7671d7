package io.callarchive.stream.kazoo;

import io.callarchive.stream.FrameSink;
import io.callarchive.stream.connect.Backoff;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A callarchive stand-in run in a JVM of its own by {@link KazooConsumerIT}, to be killed with SIGKILL between
 * receiving a message and acknowledging it: consumes the queue with prefetch 1, and for the message whose frame
 * number is {@code holdAt} writes {@code holding} to the marker file and never returns from the sink.
 *
 * <p>Arguments: exchange, queue, holdAt, marker file.
 */
public final class KillProbe {
  public static void main(String[] args) throws Exception {
    String exchange = args[0];
    String queue = args[1];
    int holdAt = Integer.parseInt(args[2]);
    Path marker = Path.of(args[3]);
    KazooSettings s = new KazooSettings("kill-probe", Broker.URI_, "guest", "guest", null, exchange, false, queue,
        List.of("call.*.*"), 1, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMillis(100),
        Duration.ofSeconds(1), KazooSettings.DEFAULT_MAX_MESSAGE);
    FrameSink sink = new FrameSink() {
      int n;

      @Override
      public synchronized void frame(String connection, byte[] bytes) throws IOException {
        n++;
        if (n == holdAt) {
          Files.writeString(marker, "holding\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
          try {
            Thread.sleep(Long.MAX_VALUE); // received, not spooled: killed here
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        Files.writeString(marker, "frame " + n + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }

      @Override
      public void state(String connection, String state, String detail) {}
    };
    new KazooConsumer(s, sink, Backoff.of(Duration.ofMillis(100), Duration.ofSeconds(1)), Clock.systemUTC()).start();
    Thread.sleep(Long.MAX_VALUE);
  }
}
