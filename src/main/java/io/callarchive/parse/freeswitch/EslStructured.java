package io.callarchive.parse.freeswitch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.callarchive.parse.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code text/event-json} and {@code text/event-xml} serialisations (event-sources §3.3). Stateless. */
final class EslStructured {
  private EslStructured() {}

  private static final JsonFactory JSON = new JsonFactory();

  /**
   * Parses one JSON object with a streaming parser so that a duplicate key (FreeSWITCH writes a repeated header as a
   * repeated JSON key, event-sources §3.3) keeps every value, as a list, instead of the last one silently winning.
   *
   * @throws IOException when the text is not exactly one JSON object
   */
  static Map<String, Object> parseJsonObject(String text) throws IOException {
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("not a JSON object");
      Map<String, Object> m = readObject(p);
      if (p.nextToken() != null) throw new IOException("text after the JSON object");
      return m;
    }
  }

  private static Map<String, Object> readObject(JsonParser p) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, List<Object>> repeated = new LinkedHashMap<>();
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      p.nextToken();
      Object v = readValue(p);
      if (!m.containsKey(key)) {
        m.put(key, v);
        continue;
      }
      // A repeated key: every occurrence is kept, in order, as one list.
      List<Object> all = repeated.get(key);
      if (all == null) {
        all = new ArrayList<>();
        all.add(m.get(key));
        repeated.put(key, all);
        m.put(key, all);
      }
      all.add(v);
    }
    if (t != JsonToken.END_OBJECT) throw new IOException("unterminated JSON object");
    return m;
  }

  private static Object readValue(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) throw new IOException("unexpected end of JSON");
    return switch (t) {
      case START_OBJECT -> readObject(p);
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          if (p.currentToken() == null) throw new IOException("unterminated JSON array");
          l.add(readValue(p));
        }
        yield l;
      }
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getNumberValue();
      case VALUE_NUMBER_FLOAT -> p.getDecimalValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new IOException("unexpected JSON token " + t);
    };
  }

  /** An event decoded from the xml serialisation: its headers (and {@code _body}), and whether text was lossy. */
  record XmlEvent(Map<String, Object> fields, boolean lossy) {}

  /**
   * Reads {@code <event><headers><Name>url-encoded value</Name>...</headers>[<Content-Length>M</Content-Length>
   * <body>text</body>]</event>} as written by {@code switch_event_xmlize}: header text is XML-escaped URL-encoded
   * text, the body XML-escaped text. A hand scanner rather than an XML parser because custom header names need not be
   * valid XML names (event-sources §3.3).
   *
   * @return null when the bytes are not such a document
   */
  static XmlEvent parseXml(byte[] b, int from, int to) {
    Text.Decoded all = Text.decode(b, from, to - from);
    String s = all.text();
    int ev = s.indexOf("<event>");
    int evEnd = s.lastIndexOf("</event>");
    if (ev < 0 || evEnd < ev) return null;
    boolean lossy = all.lossy();
    Map<String, Object> fields = new LinkedHashMap<>();
    int i = ev + "<event>".length();
    int hs = s.indexOf("<headers>", i);
    if (hs >= 0 && hs < evEnd) {
      int he = s.indexOf("</headers>", hs);
      if (he < 0 || he > evEnd) return null;
      i = hs + "<headers>".length();
      while (true) {
        int lt = s.indexOf('<', i);
        if (lt < 0 || lt >= he) break;
        int gt = s.indexOf('>', lt);
        if (gt < 0 || gt > he) return null;
        String name = s.substring(lt + 1, gt);
        if (name.endsWith("/")) {
          EslValues.put(fields, name.substring(0, name.length() - 1), "");
          i = gt + 1;
          continue;
        }
        String close = "</" + name + ">";
        int ce = s.indexOf(close, gt);
        if (ce < 0 || ce > he) return null;
        byte[] valueBytes = unescapeXml(s.substring(gt + 1, ce)).getBytes(StandardCharsets.UTF_8);
        Text.Decoded v = EslValues.percentDecode(valueBytes, 0, valueBytes.length);
        lossy |= v.lossy();
        EslValues.put(fields, name, EslValues.shape(v.text()));
        i = ce + close.length();
      }
      i = he + "</headers>".length();
    }
    int cl = s.indexOf("<Content-Length>", i);
    if (cl >= 0 && cl < evEnd) {
      int cle = s.indexOf("</Content-Length>", cl);
      if (cle > 0) fields.put("Content-Length", s.substring(cl + "<Content-Length>".length(), cle).strip());
    }
    int body = s.indexOf("<body>", i);
    if (body >= 0 && body < evEnd) {
      int be = s.lastIndexOf("</body>", evEnd);
      if (be > body) fields.put("_body", unescapeXml(s.substring(body + "<body>".length(), be)));
    }
    return new XmlEvent(fields, lossy);
  }

  static String unescapeXml(String s) {
    if (s.indexOf('&') < 0) return s;
    return s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
  }
}
