package io.callarchive.enrich;

import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.model.Provenance;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helper: hand-built normalised events documents, shaped as the pipeline leaves them. */
public final class EventDocs {
  public static final Instant TS = Instant.parse("2024-05-01T10:11:12.345Z");

  private EventDocs() {}

  /** Raw key/values from {@code "Key: Value"} lines, a repeated key becoming a list as the readers do. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> fields(String... lines) {
    Map<String, Object> f = new LinkedHashMap<>();
    for (String line : lines) {
      int c = line.indexOf(':');
      String k = line.substring(0, c);
      String v = line.substring(c + 1).strip();
      Object old = f.get(k);
      if (old == null) {
        f.put(k, v);
      } else if (old instanceof List<?> l) {
        ((List<Object>) l).add(v);
      } else {
        List<Object> l = new ArrayList<>();
        l.add(old);
        l.add(v);
        f.put(k, l);
      }
    }
    return f;
  }

  public static IndexDoc event(String dataset, String rawField, String action, Map<String, Object> raw) {
    Doc doc = new Doc();
    doc.put("@timestamp", TS.toString());
    doc.put("event.dataset", dataset);
    doc.put("event.action", action);
    doc.put("event.kind", "event");
    doc.put("event.original", "Event: " + action);
    doc.put("observer.name", "pbx1");
    doc.put("call.id", "1700000000.1");
    doc.put("channel.id", "1700000000.2");
    doc.put("channel.name", "PJSIP/1001-00000001");
    doc.put(rawField, raw);
    byte[] bytes = ("Event: " + action).getBytes(StandardCharsets.UTF_8);
    return new IndexDoc(IndexType.EVENTS, "evt-" + action, TS, doc, bytes, new Provenance("test", 0, bytes.length));
  }

  public static IndexDoc ami(String action, String... lines) {
    return event("asterisk.ami", "ami", action, fields(lines));
  }

  public static IndexDoc freeswitch(String action, String... lines) {
    return event("freeswitch.esl", "freeswitch", action, fields(lines));
  }
}
