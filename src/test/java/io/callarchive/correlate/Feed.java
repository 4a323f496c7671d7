package io.callarchive.correlate;

import io.callarchive.model.Doc;
import org.junit.jupiter.api.Assertions;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.model.Parsed;
import io.callarchive.model.Provenance;
import io.callarchive.parse.EventFormat;
import io.callarchive.parse.Readers;
import io.callarchive.pipeline.DocIds;
import io.callarchive.pipeline.Pipeline;
import io.callarchive.pipeline.SourceContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helper: normalised events documents as the pipeline makes them, and hand-written AMI blocks. */
final class Feed {
  static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  static final Instant FALLBACK = Instant.parse("2026-11-19T08:00:00Z");
  private static final Pipeline PIPELINE =
      new Pipeline(List.of(), null, Clock.fixed(Instant.parse("2026-11-23T00:00:00Z"), ZoneOffset.UTC));

  private Feed() {}

  /** Every event of the bytes, normalised by the real format with observer {@code pbx1}. */
  static List<IndexDoc> events(EventFormat format, byte[] bytes) {
    SourceContext ctx = new SourceContext("pbx1", Map.of(), FALLBACK);
    List<IndexDoc> out = new ArrayList<>();
    for (Parsed.Event e : Readers.events(Readers.readAll(format, bytes, "test"))) {
      out.add(PIPELINE.normalise(e, format, ctx));
    }
    return out;
  }

  static List<IndexDoc> events(EventFormat format, String text) {
    return events(format, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Every events document of the text as an import makes it: the real format, then the pipeline with the standard
   * enrichers (cause, SDP, RTCP, AOC...), observer {@code pbx1}. Derived documents are left out.
   */
  static List<IndexDoc> enriched(EventFormat format, String text) {
    return enrichedBytes(format, text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@link #enriched(EventFormat, String)} of bytes, such as a fixture file. */
  static List<IndexDoc> enrichedBytes(EventFormat format, byte[] bytes) {
    List<IndexDoc> all = new ArrayList<>();
    Pipeline p = new Pipeline(io.callarchive.enrich.Enrichers.standard(), io.callarchive.pipeline.Sinks.into(all),
        Clock.fixed(Instant.parse("2026-11-23T00:00:00Z"), ZoneOffset.UTC));
    SourceContext ctx = new SourceContext("pbx1", Map.of(), FALLBACK);
    for (Parsed piece : Readers.readAll(format, bytes, "test")) {
      p.accept(piece, format, ctx);
    }
    return all.stream().filter(d -> d.type() == IndexType.EVENTS).toList();
  }

  /**
   * Correlates the enriched events of the text into the store, as an import would, after checking that the text
   * gave {@code expectedEvents} events (so a malformed hand-written sample cannot go unnoticed).
   */
  static MemorySummaries correlate(MemorySummaries store, EventFormat format, String text, int expectedEvents) {
    List<IndexDoc> events = enriched(format, text);
    Assertions.assertEquals(expectedEvents, events.size(), "every piece is one event, none malformed");
    Correlator c = new Correlator(CorrelatorSettings.defaults(), new BuiltinCauses(), store);
    events.forEach(c::accept);
    c.flush();
    return store;
  }

  /** {@code T0 + seconds} as the summaries write instants. */
  static String at(double seconds) {
    return T0.plusMillis(Math.round(seconds * 1000)).toString();
  }

  /**
   * The fields every platform's unanswered two-leg inbound call shares, from its start at {@code T0} to its end:
   * not answered, no ring or talk time, the unified cause, not transferred, complete, a failure, and none of the
   * media, quality or charge fields the test events do not carry. Platform fields (ids, parties, SIP code) are
   * the caller's to assert.
   */
  static void assertUnansweredCall(Doc d, double end, String cause, int q850, String category) {
    Assertions.assertEquals("pbx1", d.get("observer.name"));
    Assertions.assertEquals(2, d.get("call.legs"));
    Assertions.assertEquals("inbound", d.get("call.direction"));
    Assertions.assertEquals(false, d.get("call.answered"));
    Assertions.assertEquals(T0.toString(), d.get("call.start"));
    Assertions.assertNull(d.get("call.answer"));
    Assertions.assertNull(d.get("call.ring_s"));
    Assertions.assertEquals(at(end), d.get("call.end"));
    Assertions.assertEquals(end, d.get("call.duration_s"));
    Assertions.assertEquals(0.0, d.get("call.billsec_s"));
    Assertions.assertEquals(cause, d.get("hangup.cause.name"));
    Assertions.assertEquals(q850, d.get("hangup.cause.q850"));
    Assertions.assertEquals(category, d.get("hangup.cause.category"));
    Assertions.assertEquals(false, d.get("call.transferred"));
    Assertions.assertEquals(true, d.get("call.complete"));
    Assertions.assertEquals("failure", d.get("event.outcome"));
    Assertions.assertNull(d.get("queue.name"));
    Assertions.assertNull(d.get("sdp.codecs"), "no SDP in these events");
    Assertions.assertNull(d.get("quality.mos_min"), "no RTCP in these events");
    Assertions.assertNull(d.get("charge.amount"), "no AOC in these events");
  }

  /**
   * The fields every platform's answered two-leg inbound call shares, started at {@code T0}, answered and ended
   * at the given seconds, cleared normally: ring, talk and total times, the cause, not transferred, complete, a
   * success, and none of the media, quality or charge fields the test events do not carry.
   */
  static void assertAnsweredCall(Doc d, double answer, double end) {
    Assertions.assertEquals(2, d.get("call.legs"));
    Assertions.assertEquals("inbound", d.get("call.direction"));
    Assertions.assertEquals(true, d.get("call.answered"));
    Assertions.assertEquals(T0.toString(), d.get("call.start"));
    Assertions.assertEquals(at(answer), d.get("call.answer"));
    Assertions.assertEquals(at(end), d.get("call.end"));
    Assertions.assertEquals(answer, d.get("call.ring_s"));
    Assertions.assertEquals(end, d.get("call.duration_s"));
    Assertions.assertEquals(end - answer, (double) d.get("call.billsec_s"), 1e-9);
    Assertions.assertEquals("NORMAL_CLEARING", d.get("hangup.cause.name"));
    Assertions.assertEquals(16, d.get("hangup.cause.q850"));
    Assertions.assertEquals("answered", d.get("hangup.cause.category"));
    Assertions.assertEquals(false, d.get("call.transferred"));
    Assertions.assertEquals(true, d.get("call.complete"));
    Assertions.assertEquals("success", d.get("event.outcome"));
    Assertions.assertNull(d.get("queue.name"));
    Assertions.assertNull(d.get("sdp.codecs"), "no SDP in these events");
    Assertions.assertNull(d.get("quality.mos_min"), "no RTCP in these events");
    Assertions.assertNull(d.get("charge.amount"), "no AOC in these events");
  }

  /** One AMI event block at {@code T0 + seconds}, with the given header pairs. */
  static String ami(String event, double seconds, String... kv) {
    Instant t = T0.plusMillis(Math.round(seconds * 1000));
    StringBuilder b = new StringBuilder("Event: ").append(event).append("\r\n");
    b.append("Privilege: call,all\r\n");
    b.append("Timestamp: ").append(t.getEpochSecond()).append('.')
        .append(String.format("%06d", t.getNano() / 1000)).append("\r\n");
    for (int i = 0; i < kv.length; i += 2) b.append(kv[i]).append(": ").append(kv[i + 1]).append("\r\n");
    return b.append("\r\n").toString();
  }

  /** A snapshot of a channel (AMI §1.3) as header pairs. */
  static String[] channel(String name, String uniqueid, String linkedid, String state, String num, String cidName,
      String exten, String... extra) {
    List<String> kv = new ArrayList<>(List.of(
        "Channel", name, "ChannelState", state, "CallerIDNum", num, "CallerIDName", cidName,
        "ConnectedLineNum", "<unknown>", "ConnectedLineName", "<unknown>", "Context", "default", "Exten", exten,
        "Priority", "1", "Uniqueid", uniqueid, "Linkedid", linkedid));
    kv.addAll(List.of(extra));
    return kv.toArray(String[]::new);
  }

  /**
   * A FreeSWITCH events document as the pipeline would make it (the FreeSWITCH format is not in this branch):
   * common fields plus the raw headers under {@code freeswitch}.
   */
  static IndexDoc freeswitch(double seconds, String... kv) {
    Instant t = T0.plusMillis(Math.round(seconds * 1000));
    Map<String, Object> raw = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) raw.put(kv[i], kv[i + 1]);
    Doc d = new Doc();
    d.put("@timestamp", t.toString());
    d.put("event.dataset", "freeswitch.esl");
    d.put("event.action", raw.get("Event-Name"));
    d.put("observer.name", "fs1");
    d.put("channel.id", raw.get("Unique-ID"));
    d.put("freeswitch", raw);
    return new IndexDoc(IndexType.EVENTS, DocIds.of(kv), t, d, new byte[0], new Provenance("test", 0, 0));
  }

  /** Puts enrichment fields (sdp.*, rtcp.*, charge.*) on an events document, as the enrichers will. */
  static IndexDoc with(IndexDoc e, Object... kv) {
    for (int i = 0; i < kv.length; i += 2) e.doc().put((String) kv[i], kv[i + 1]);
    return e;
  }
}
