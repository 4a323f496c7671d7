package io.callarchive.enrich;

import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import io.callarchive.model.Provenance;
import io.callarchive.pipeline.Enricher;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helper: hand-built normalised events documents, as the pipeline would hand them to an enricher. */
public final class TestDocs {
  public static final Instant TIME = Instant.parse("2024-05-01T10:11:12.345Z");

  private TestDocs() {}

  /** An events document with the common fields and the raw key/values under {@code rawField}. */
  public static IndexDoc event(String dataset, String action, String rawField, Map<String, Object> raw) {
    Doc doc = new Doc();
    doc.put("@timestamp", TIME.toString());
    doc.put("event.dataset", dataset);
    doc.put("event.action", action);
    doc.put("event.kind", "event");
    doc.put("event.outcome", "unknown");
    doc.put("observer.name", "pbx1");
    doc.put("call.id", "call-1");
    doc.put(rawField, new LinkedHashMap<>(raw));
    doc.put("event.original", "original text");
    doc.put("log.file.path", "capture.txt");
    doc.put("log.offset", 42L);
    byte[] bytes = "original text".getBytes(StandardCharsets.UTF_8);
    return new IndexDoc(IndexType.EVENTS, "event-id-1", TIME, doc, bytes, new Provenance("capture.txt", 42L, bytes.length));
  }

  /** Runs an enricher and returns what it derived. */
  public static List<IndexDoc> run(Enricher enricher, IndexDoc event) {
    List<IndexDoc> out = new ArrayList<>();
    enricher.enrich(event, out::add);
    return out;
  }

  /** RFC 3986 percent-decoding of UTF-8 text, as FreeSWITCH's plain format encodes values (event-sources §3.3). */
  public static String percentDecode(String s) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] in = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < in.length; i++) {
      if (in[i] == '%' && i + 2 < in.length) {
        out.write(Integer.parseInt(new String(in, i + 1, 2, StandardCharsets.US_ASCII), 16));
        i += 2;
      } else {
        out.write(in[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * The headers of the first FreeSWITCH plain event block in a text whose first header is {@code firstHeader},
   * values percent-decoded and a repeated key kept as a list, the way the ESL parser hands them on.
   */
  public static Map<String, Object> freeswitchBlock(String text, String firstHeader) {
    Map<String, Object> m = new LinkedHashMap<>();
    boolean in = false;
    for (String line : text.split("\r?\n")) {
      if (!in && !line.startsWith(firstHeader + ":")) continue;
      in = true;
      if (line.isEmpty()) break;
      int colon = line.indexOf(": ");
      if (colon < 0) continue;
      String key = line.substring(0, colon);
      String value = percentDecode(line.substring(colon + 2));
      Object prev = m.get(key);
      if (prev == null) {
        m.put(key, value);
      } else {
        List<Object> list = new ArrayList<>();
        if (prev instanceof List<?> l) list.addAll(l);
        else list.add(prev);
        list.add(value);
        m.put(key, list);
      }
    }
    return m;
  }

  /** A map from alternating keys and values. */
  public static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }
}
