package io.callarchive.kibana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The subset of Kibana's query language (KQL) our saved objects use, turned into Elasticsearch query DSL the way
 * Kibana does it (spec kibana-saved-objects §8): {@code f : v} (match; {@code "a b"} match_phrase; a value with
 * {@code *} query_string on that field), {@code f : *} (exists), {@code f : (a or b)}, {@code f < n}, {@code <=},
 * {@code >}, {@code >=} (range), {@code and}, {@code or}, {@code not} and parentheses. Anything else is a parse
 * error, so a static test catches a panel that Kibana would read differently. Stateless; thread-safe.
 */
public final class Kql {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** A parsed query: the DSL (null for the empty query, which matches everything) and the fields it reads. */
  public record Parsed(ObjectNode dsl, Set<String> fields) {}

  private final String text;
  private int pos;
  private final Set<String> fields = new LinkedHashSet<>();

  private Kql(String text) {
    this.text = text;
  }

  /** Parses a KQL string; throws {@link IllegalArgumentException} naming the position of the first error. */
  public static Parsed parse(String query) {
    if (query == null || query.isBlank()) return new Parsed(null, Set.of());
    Kql k = new Kql(query);
    ObjectNode dsl = k.or();
    k.skipSpace();
    if (k.pos < k.text.length()) throw k.error("unexpected '" + k.text.substring(k.pos) + "'");
    return new Parsed(dsl, Set.copyOf(k.fields));
  }

  private ObjectNode or() {
    List<ObjectNode> parts = new ArrayList<>(List.of(and()));
    while (keyword("or")) parts.add(and());
    if (parts.size() == 1) return parts.get(0);
    ObjectNode b = F.objectNode();
    ObjectNode bool = b.putObject("bool");
    ArrayNode should = bool.putArray("should");
    parts.forEach(should::add);
    bool.put("minimum_should_match", 1);
    return b;
  }

  private ObjectNode and() {
    List<ObjectNode> parts = new ArrayList<>(List.of(not()));
    while (keyword("and")) parts.add(not());
    if (parts.size() == 1) return parts.get(0);
    ObjectNode b = F.objectNode();
    ArrayNode filter = b.putObject("bool").putArray("filter");
    parts.forEach(filter::add);
    return b;
  }

  private ObjectNode not() {
    if (keyword("not")) {
      ObjectNode b = F.objectNode();
      b.putObject("bool").putArray("must_not").add(not());
      return b;
    }
    return primary();
  }

  private ObjectNode primary() {
    skipSpace();
    if (peek('(')) {
      pos++;
      ObjectNode inner = or();
      expect(')');
      return inner;
    }
    String field = token();
    if (field.isEmpty()) throw error("a field name was expected");
    fields.add(field);
    skipSpace();
    for (String op : new String[] {"<=", ">=", "<", ">"}) {
      if (text.startsWith(op, pos)) {
        pos += op.length();
        skipSpace();
        String v = value();
        ObjectNode r = F.objectNode();
        String key = switch (op) {
          case "<=" -> "lte";
          case ">=" -> "gte";
          case "<" -> "lt";
          default -> "gt";
        };
        r.putObject("range").putObject(field).set(key, number(v));
        return r;
      }
    }
    expect(':');
    skipSpace();
    if (peek('*') && (pos + 1 >= text.length() || !isTokenChar(text.charAt(pos + 1)))) {
      pos++;
      ObjectNode e = F.objectNode();
      e.putObject("exists").put("field", field);
      return e;
    }
    if (peek('(')) {
      pos++;
      List<ObjectNode> values = new ArrayList<>(List.of(match(field)));
      while (keyword("or")) values.add(match(field));
      expect(')');
      if (values.size() == 1) return values.get(0);
      ObjectNode b = F.objectNode();
      ObjectNode bool = b.putObject("bool");
      ArrayNode should = bool.putArray("should");
      values.forEach(should::add);
      bool.put("minimum_should_match", 1);
      return b;
    }
    return match(field);
  }

  private ObjectNode match(String field) {
    skipSpace();
    boolean quoted = peek('"');
    String v = value();
    ObjectNode m = F.objectNode();
    if (quoted) {
      m.putObject("match_phrase").put(field, v);
    } else if (v.contains("*")) {
      ObjectNode qs = m.putObject("query_string");
      qs.putArray("fields").add(field);
      qs.put("query", v);
    } else {
      m.putObject("match").put(field, v);
    }
    return m;
  }

  private JsonNode number(String v) {
    try {
      return v.contains(".") ? F.numberNode(Double.parseDouble(v)) : F.numberNode(Long.parseLong(v));
    } catch (NumberFormatException e) {
      return F.textNode(v);
    }
  }

  private String value() {
    skipSpace();
    if (peek('"')) {
      pos++;
      StringBuilder sb = new StringBuilder();
      while (pos < text.length() && text.charAt(pos) != '"') {
        char c = text.charAt(pos++);
        if (c == '\\' && pos < text.length()) c = text.charAt(pos++);
        sb.append(c);
      }
      expect('"');
      return sb.toString();
    }
    String t = token();
    if (t.isEmpty()) throw error("a value was expected");
    return t;
  }

  private String token() {
    skipSpace();
    int start = pos;
    while (pos < text.length() && isTokenChar(text.charAt(pos))) pos++;
    return text.substring(start, pos);
  }

  private static boolean isTokenChar(char c) {
    return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-' || c == '@' || c == '*' || c == '/';
  }

  private boolean keyword(String k) {
    skipSpace();
    int end = pos + k.length();
    if (end <= text.length() && text.substring(pos, end).toLowerCase(Locale.ROOT).equals(k)
        && (end == text.length() || !isTokenChar(text.charAt(end)))) {
      pos = end;
      return true;
    }
    return false;
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private void expect(char c) {
    skipSpace();
    if (!peek(c)) throw error("'" + c + "' was expected");
    pos++;
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("KQL " + what + " at position " + pos + " of: " + text);
  }
}
