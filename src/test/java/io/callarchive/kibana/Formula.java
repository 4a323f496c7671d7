package io.callarchive.kibana;

import java.util.ArrayList;
import java.util.List;

/**
 * A parser for the Lens formula language as far as our panels use it ({@code count(kql='...') / count()},
 * {@code overall_sum(count())}, numbers, + - * / and parentheses), independent of the columns Kibana compiles a
 * formula into, so a test can compare the two. {@link #canonical} writes the parsed tree in one normal form.
 * Test helper.
 */
final class Formula {
  private final String s;
  private int pos;

  private Formula(String s) {
    this.s = s;
  }

  /** The formula in normal form, e.g. {@code divide(count(kql='a : 1'),count())}; throws on a syntax error. */
  static String canonical(String formula) {
    Formula f = new Formula(formula);
    String out = f.sum();
    f.space();
    if (f.pos != f.s.length()) throw f.error("unexpected text");
    return out;
  }

  private String sum() {
    String left = product();
    while (true) {
      space();
      if (peek('+') || peek('-')) {
        String op = s.charAt(pos++) == '+' ? "add" : "subtract";
        left = op + "(" + left + "," + product() + ")";
      } else {
        return left;
      }
    }
  }

  private String product() {
    String left = atom();
    while (true) {
      space();
      if (peek('*') || peek('/')) {
        String op = s.charAt(pos++) == '*' ? "multiply" : "divide";
        left = op + "(" + left + "," + atom() + ")";
      } else {
        return left;
      }
    }
  }

  private String atom() {
    space();
    if (peek('(')) {
      pos++;
      String inner = sum();
      expect(')');
      return inner;
    }
    int start = pos;
    while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_' || s.charAt(pos) == '.')) pos++;
    String name = s.substring(start, pos);
    if (name.isEmpty()) throw error("a function or number was expected");
    if (Character.isDigit(name.charAt(0))) return name;
    expect('(');
    List<String> args = new ArrayList<>();
    space();
    while (!peek(')')) {
      space();
      int save = pos;
      String key = null;
      while (pos < s.length() && (Character.isLetter(s.charAt(pos)) || s.charAt(pos) == '_')) pos++;
      String word = s.substring(save, pos);
      space();
      if (!word.isEmpty() && peek('=')) {
        pos++;
        key = word;
        space();
        args.add(key + "='" + quoted() + "'");
      } else {
        pos = save;
        if (peek('\'')) args.add("'" + quoted() + "'");
        else args.add(field());
      }
      space();
      if (peek(',')) pos++;
      else break;
    }
    expect(')');
    return name + "(" + String.join(",", args) + ")";
  }

  /** A field name or a nested function call. */
  private String field() {
    int save = pos;
    while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || "._@".indexOf(s.charAt(pos)) >= 0)) pos++;
    space();
    if (peek('(')) {
      pos = save;
      return atom();
    }
    String f = s.substring(save, pos).trim();
    if (f.isEmpty()) throw error("an argument was expected");
    return f;
  }

  private String quoted() {
    expect('\'');
    StringBuilder sb = new StringBuilder();
    while (pos < s.length() && s.charAt(pos) != '\'') {
      char c = s.charAt(pos++);
      if (c == '\\' && pos < s.length()) c = s.charAt(pos++);
      sb.append(c);
    }
    expect('\'');
    return sb.toString();
  }

  private boolean peek(char c) {
    return pos < s.length() && s.charAt(pos) == c;
  }

  private void expect(char c) {
    space();
    if (!peek(c)) throw error("'" + c + "' was expected");
    pos++;
  }

  private void space() {
    while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("formula: " + what + " at " + pos + " of " + s);
  }
}
