package io.callarchive.parse.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.callarchive.parse.Bytes;
import io.callarchive.parse.Text;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses one framed JSON object into plain Java values: {@code LinkedHashMap} (key order kept), {@code ArrayList},
 * {@code String}, {@code Integer}/{@code Long}/{@code BigInteger}, {@code Double}, {@code Boolean}, null.
 *
 * <p>RFC 8259 §4 leaves repeated names undefined and Jackson's tree model keeps only the last one; an archive must
 * not lose a value, so a repeated key holds a list of all its values in order. Bytes that are not valid UTF-8 are
 * replaced (event-sources §0.3) and the result says so, so the caller can keep the raw bytes. Stateless and
 * thread-safe.
 */
public final class JsonTrees {
  private JsonTrees() {}

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(JsonFrameReader.MAX_DEPTH).build())
          .build();

  /** An object, or the reason there is none. */
  public record Result(Map<String, Object> object, boolean lossy, String error) {}

  public static Result parseObject(byte[] b, int off, int len) {
    return parseObject(b, off, len, JsonFrameReader.MAX_DEPTH);
  }

  static Result parseObject(byte[] b, int off, int len, int maxDepth) {
    return parseObject(b, off, len, maxDepth, isAscii(b, off, len));
  }

  /** As above, for a caller that already knows whether the bytes are ASCII. */
  static Result parseObject(byte[] b, int off, int len, int maxDepth, boolean ascii) {
    // ASCII (nearly every event) is parsed from the bytes as they are; anything else is decoded first, so that
    // invalid UTF-8 is replaced and flagged (event-sources §0.3) rather than rejected by the parser.
    Text.Decoded text = ascii ? null : Text.decode(b, off, len);
    try (JsonParser p = text == null ? FACTORY.createParser(b, off, len) : FACTORY.createParser(text.text())) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        return new Result(null, false, "JSON value is not an object (" + (t == null ? "empty" : t.asString()) + ")");
      }
      Map<String, Object> obj = readObject(p, 1, maxDepth);
      if (p.nextToken() != null) return new Result(null, false, "content after the end of the JSON object");
      return new Result(obj, text != null && text.lossy(), null);
    } catch (IOException | RuntimeException e) {
      return new Result(null, false, "JSON syntax error: " + firstLine(e.getMessage()));
    }
  }

  /** An object that a stream's buffered bytes start with, and the index just past its closing brace. */
  record Leading(Map<String, Object> object, int end) {}

  /**
   * Parses the object starting at {@code b[off]} from whatever follows it in {@code b[off, off + len)}, letting the
   * parser find where it ends: the framer's own bracket scan then need not run over the same bytes first. Null
   * whenever that is not plainly a well-formed object followed by anything (cut short by the end of the buffer,
   * a syntax error, not an object): the caller frames such bytes the careful way. The parse is the same as
   * {@link #parseObject} makes of the object's bytes alone (same parser, same tree builder), since a well-formed
   * object ends at the brace matching its first one whatever comes after it.
   */
  static Leading parseLeading(byte[] b, int off, int len, int maxDepth) {
    try (JsonParser p = FACTORY.createParser(b, off, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return null;
      Map<String, Object> obj = readObject(p, 1, maxDepth);
      long consumed = p.currentLocation().getByteOffset();
      if (consumed <= 0 || consumed > len) return null;
      int end = off + (int) consumed;
      return b[end - 1] == '}' ? new Leading(obj, end) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Whether every byte is below 0x80. */
  static boolean isAscii(byte[] b, int off, int len) {
    return Bytes.ascii(b, off, off + len);
  }

  private static Map<String, Object> readObject(JsonParser p, int depth, int maxDepth) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    Set<Object> repeated = null; // lists created for repeated keys, as opposed to array values
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      p.nextToken();
      Object v = readValue(p, depth, maxDepth);
      // one map operation for a new key (the usual case): the size tells whether the key was there already
      int before = m.size();
      Object old = m.put(key, v);
      if (m.size() > before) continue;
      if (repeated != null && repeated.contains(old)) {
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) old;
        l.add(v);
        m.put(key, l);
      } else {
        List<Object> l = new ArrayList<>(2);
        l.add(old);
        l.add(v);
        if (repeated == null) repeated = Collections.newSetFromMap(new IdentityHashMap<>());
        repeated.add(l);
        m.put(key, l);
      }
    }
    if (t != JsonToken.END_OBJECT) throw new IOException("unexpected token " + t + " in object");
    return m;
  }

  private static Object readValue(JsonParser p, int depth, int maxDepth) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) throw new IOException("unexpected end of input");
    return switch (t) {
      case START_OBJECT -> {
        if (depth >= maxDepth) throw new IOException("nesting deeper than " + maxDepth);
        yield readObject(p, depth + 1, maxDepth);
      }
      case START_ARRAY -> {
        if (depth >= maxDepth) throw new IOException("nesting deeper than " + maxDepth);
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          if (p.currentToken() == null) throw new IOException("unexpected end of input in array");
          l.add(readValue(p, depth + 1, maxDepth));
        }
        yield l;
      }
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getNumberValue();
      case VALUE_NUMBER_FLOAT -> {
        double d = p.getDoubleValue();
        // a double that overflows would not serialise back to JSON; keep the exact decimal instead
        yield Double.isFinite(d) ? (Object) d : p.getDecimalValue();
      }
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new IOException("unexpected token " + t);
    };
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
