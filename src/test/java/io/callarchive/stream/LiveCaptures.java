package io.callarchive.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Calls for the ARI, Kazoo and ccs stream tests, made from the fixtures of {@code src/test/resources/stream}: call
 * {@code k} is the fixture call with its own ids and its times moved to {@code start + k * gap}, so the calls are
 * distinct documents and recent enough for the live correlator's idle timeout. One event per element, each exactly
 * the bytes the platform sends (an ARI text message, an AMQP body, a ccs JSON event).
 */
public final class LiveCaptures {
  private LiveCaptures() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** ARI's time format (event-sources §2.2: ISO 8601 with milliseconds and a numeric offset). */
  private static final DateTimeFormatter ARI_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx");
  private static final Pattern ARI_TIMES = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d{4}");
  private static final Instant ARI_FIXTURE_START = OffsetDateTime.parse("2026-11-22T10:00:01.249+0100", ARI_TIME).toInstant();

  /** Events per call: ARI (the five of {@code ari/events.jsonl} and bob's hangup), Kazoo (create, answer, destroy), ccs. */
  public static final int ARI_EVENTS_PER_CALL = 6;
  public static final int KAZOO_EVENTS_PER_CALL = 3;
  public static final int CCS_EVENTS_PER_CALL = 5;

  private static String resource(String name) {
    try (InputStream in = LiveCaptures.class.getResourceAsStream("/stream/" + name)) {
      if (in == null) throw new IllegalStateException("missing test resource stream/" + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * ARI call {@code k} of the fixture (alice calls bob, answered, hung up): channel ids {@code 1795000001.11/.12}
   * become {@code (1795000001 + k).11/.12}, every time is moved by the same amount (UTC offset). The fixture ends
   * with alice's channel destroyed; bob's {@code ChannelDestroyed} (his channel as in his last state change) is
   * added, so that the call ends whole.
   */
  public static List<byte[]> ariCalls(int calls, Instant start, Duration gap) {
    List<String> lines = new ArrayList<>(resource("ari/events.jsonl").lines().filter(l -> !l.isBlank()).toList());
    try {
      JsonNode bob = JSON.readTree(lines.get(3));
      ObjectNode end = JSON.createObjectNode();
      end.put("type", "ChannelDestroyed");
      end.put("timestamp", "2026-11-22T10:00:31.790+0100");
      end.put("cause", 16);
      end.put("cause_txt", "Normal Clearing");
      end.set("channel", bob.get("channel"));
      end.set("asterisk_id", bob.get("asterisk_id"));
      end.set("application", bob.get("application"));
      lines.add(JSON.writeValueAsString(end));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<byte[]> out = new ArrayList<>();
    for (int k = 0; k < calls; k++) {
      Duration shift = Duration.between(ARI_FIXTURE_START, start.plus(gap.multipliedBy(k)));
      String id = Long.toString(1795000001L + k);
      for (String line : lines) {
        Matcher m = ARI_TIMES.matcher(line.replace("1795000001.", id + "."));
        StringBuilder b = new StringBuilder();
        while (m.find()) {
          Instant t = OffsetDateTime.parse(m.group(), ARI_TIME).toInstant().plus(shift);
          m.appendReplacement(b, ARI_TIME.format(t.atOffset(ZoneOffset.UTC)));
        }
        m.appendTail(b);
        out.add(b.toString().getBytes(StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** Seconds from year 0 of the proleptic Gregorian calendar to the Unix epoch (Erlang's calendar, Kazoo's Timestamp). */
  private static final long GREGORIAN_EPOCH = 62167219200L;

  /** A Kazoo event with its routing key ({@code call.EVENT.CALLID}, event-sources §4.1). */
  public record KazooMessage(String routingKey, byte[] body) {}

  /**
   * Kazoo call {@code k} of the fixtures (create, answer, destroy): its own Call-ID (also the Bridge-ID) and Msg-IDs,
   * Timestamp (Gregorian seconds) and Channel-Created-Time (Unix microseconds) moved together.
   */
  public static List<KazooMessage> kazooCalls(int calls, Instant start, Duration gap) {
    List<KazooMessage> out = new ArrayList<>();
    try {
      List<JsonNode> fixture = List.of(JSON.readTree(resource("kazoo/channel_create.json")),
          JSON.readTree(resource("kazoo/channel_answer.json")), JSON.readTree(resource("kazoo/channel_destroy.json")));
      long first = fixture.getFirst().get("Timestamp").asLong();
      for (int k = 0; k < calls; k++) {
        long shift = start.plus(gap.multipliedBy(k)).getEpochSecond() + GREGORIAN_EPOCH - first;
        String callId = String.format("a1b2c3d4.%05d@10.0.0.5", k);
        int n = 0;
        for (JsonNode f : fixture) {
          ObjectNode e = f.deepCopy();
          e.put("Call-ID", callId);
          ObjectNode ccv = (ObjectNode) e.get("Custom-Channel-Vars");
          ccv.put("Bridge-ID", callId);
          // the interaction id joins legs into one call (KazooRules): one per call
          ccv.put("Call-Interaction-ID", String.format("63942819601-%08x", k));
          e.put("Msg-ID", String.format("7c9e6679-7425-40de-944b-%06d%06d", k, n++));
          e.put("Timestamp", e.get("Timestamp").asLong() + shift);
          if (e.has("Channel-Created-Time")) e.put("Channel-Created-Time", e.get("Channel-Created-Time").asLong() + shift * 1_000_000);
          String key = "call." + e.get("Event-Name").asText() + "." + callId.replace(".", "%2E").replace("@", "%40");
          out.add(new KazooMessage(key, JSON.writeValueAsBytes(e)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** One ccs event (event-sources §5.1) of domain {@code domain}. */
  public static String ccsEvent(String id, String type, Instant ts, String domain, String callId, String state) {
    return "{\"class\":\"ccsevents\",\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"ts\":\"" + ts
        + "\",\"domain\":\"" + domain + "\",\"data\":{\"call_id\":\"" + callId + "\",\"seance_id\":\"s-" + callId
        + "\",\"state\":\"" + state + "\",\"direction\":\"in\",\"number\":\"+4930123456\"}}";
  }

  /** ccs call {@code k}: created, ringing, a connection, answered after 2 s, deleted after 30 s; one domain. */
  public static List<String> ccsCall(int k, Instant start, String domain) {
    String c = "c-" + k;
    return List.of(
        ccsEvent(c + "-1", "call_create", start, domain, c, "created"),
        ccsEvent(c + "-2", "call_set_state", start.plusMillis(100), domain, c, "ringing"),
        ccsEvent(c + "-3", "connection_create", start.plusMillis(2000), domain, c, "active"),
        ccsEvent(c + "-4", "call_set_state", start.plusMillis(2000), domain, c, "answered"),
        ccsEvent(c + "-5", "call_delete", start.plusMillis(32000), domain, c, "terminated"));
  }

  /** The events as one capture: one per line (JSON lines, which the ari, kazoo and ccs formats read). */
  public static byte[] jsonLines(List<byte[]> events) {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    for (byte[] e : events) {
      b.writeBytes(e);
      b.write('\n');
    }
    return b.toByteArray();
  }
}
