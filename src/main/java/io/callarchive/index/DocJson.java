package io.callarchive.index;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * A document tree (maps, lists, strings, numbers, booleans, nulls, as {@code model.Doc} builds them) as the JSON
 * bytes a plain {@link ObjectMapper} writes for it, written straight to the mapper's own generator: the mapper
 * looks up a serializer for the runtime class of every value and key, which was the largest single cost of
 * serialising documents in the import profile. Values of any other type are handed to the mapper, so the output
 * is always the mapper's, byte for byte. Stateless and thread-safe.
 */
public final class DocJson {
  private DocJson() {}

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The JSON bytes of a document tree; the same as {@code new ObjectMapper().writeValueAsBytes(root)}. */
  public static byte[] bytes(Map<String, Object> root) throws IOException {
    try (ByteArrayBuilder out = new ByteArrayBuilder(4096);
        JsonGenerator g = MAPPER.createGenerator(out, JsonEncoding.UTF8)) {
      write(g, root);
      g.flush();
      return out.toByteArray();
    }
  }

  // instanceof tests in the order of how often the types occur, rather than a pattern switch, whose type
  // dispatch showed as the largest part of this method in the profile
  private static void write(JsonGenerator g, Object v) throws IOException {
    if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Map<?, ?> m) {
      writeMap(g, m);
    } else if (v instanceof List<?> l) {
      g.writeStartArray(l, l.size());
      for (Object o : l) write(g, o);
      g.writeEndArray();
    } else if (v == null) {
      g.writeNull();
    } else if (v instanceof Integer i) {
      g.writeNumber(i.intValue());
    } else if (v instanceof Long n) {
      g.writeNumber(n.longValue());
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b.booleanValue());
    } else if (v instanceof Double d) {
      g.writeNumber(d.doubleValue());
    } else if (v instanceof BigInteger n) {
      g.writeNumber(n);
    } else if (v instanceof BigDecimal n) {
      g.writeNumber(n);
    } else {
      MAPPER.writeValue(g, v);
    }
  }

  private static void writeMap(JsonGenerator g, Map<?, ?> m) throws IOException {
    for (Object k : m.keySet()) {
      if (!(k instanceof String)) { // null or other keys: the mapper's key serializers decide
        MAPPER.writeValue(g, m);
        return;
      }
    }
    g.writeStartObject(m);
    for (Map.Entry<?, ?> e : m.entrySet()) {
      g.writeFieldName((String) e.getKey());
      write(g, e.getValue());
    }
    g.writeEndObject();
  }
}
