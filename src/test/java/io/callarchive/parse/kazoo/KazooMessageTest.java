package io.callarchive.parse.kazoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.callarchive.model.Parsed;
import io.callarchive.model.Provenance;
import io.callarchive.parse.Readers;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link KazooFormat#message}: one AMQP body, the same as the batch reader makes of that body alone. */
class KazooMessageTest {
  private final KazooFormat kazoo = new KazooFormat();
  private final Provenance at = new Provenance("amqp://mq/callevt", 7, 0);

  @Test
  void aCallEventBodyIsTheEventTheReaderFinds() {
    byte[] body = ("{\"Event-Category\":\"call_event\",\"Event-Name\":\"CHANNEL_ANSWER\",\"Call-ID\":\"x\","
        + "\"Msg-ID\":\"m\",\"Timestamp\":63942819604}").getBytes(StandardCharsets.UTF_8);
    Parsed.Event e = assertInstanceOf(Parsed.Event.class, kazoo.message(body, at));
    assertEquals("CHANNEL_ANSWER", e.action());
    assertEquals(Instant.ofEpochSecond(63942819604L - 62167219200L), e.time());
    assertEquals(at, e.provenance());
    Parsed.Event r = assertInstanceOf(Parsed.Event.class, Readers.readAll(kazoo, body, "x").get(0));
    assertEquals(r.fields(), e.fields());
  }

  @Test
  void bodiesThatAreNotKazooMessagesAreMalformedOrSkippedNotThrown() {
    for (String bad : List.of("not json", "[1,2]", "{\"Event-Name\":", "{\"a\":1} {\"b\":2}")) {
      Parsed p = kazoo.message(bad.getBytes(StandardCharsets.UTF_8), at);
      assertInstanceOf(Parsed.Malformed.class, p, bad);
    }
    assertInstanceOf(Parsed.Skipped.class, kazoo.message("{\"a\":1}".getBytes(StandardCharsets.UTF_8), at));
    assertInstanceOf(Parsed.Malformed.class, kazoo.message("{\"Event-Name\":\"\"}".getBytes(), at));
  }
}
