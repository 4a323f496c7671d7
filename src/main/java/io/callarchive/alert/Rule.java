package io.callarchive.alert;

import io.callarchive.model.Doc;
import io.callarchive.model.IndexDoc;
import io.callarchive.model.IndexType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One alert rule of the rules file: which documents ({@code index} and {@code where}), what it fires for
 * ({@code key}: one or more fields, joined by {@code |}), over which sliding window, and against which bound.
 * Immutable and thread-safe.
 *
 * @param field the measure ({@code threshold}), the counted distinct values ({@code cardinality}); else null
 * @param stat how a {@code threshold} rule summarises the measure over the window
 * @param op how the value is compared with the threshold
 * @param minCount documents the window needs before a {@code threshold} or {@code ratio} rule may fire
 * @param numerator the documents that count for the ratio among those the rule matches ({@code ratio} only)
 * @param realert how long an open alert stays quiet before it is notified again while its condition holds
 * @param targets names of the notifiers to tell (empty: all); the index and the log are always told
 */
public record Rule(
    String name,
    Kind kind,
    IndexType index,
    List<Condition> where,
    List<String> key,
    Duration window,
    double threshold,
    String field,
    Stat stat,
    Op op,
    int minCount,
    List<Condition> numerator,
    Duration realert,
    List<String> targets,
    String description) {

  public enum Kind {
    /** At least {@code threshold} matching documents per key within the window. */
    FREQUENCY,
    /** At least {@code threshold} distinct values of {@code field} per key within the window. */
    CARDINALITY,
    /** The window's average, minimum or maximum of {@code field} compared with {@code threshold}. */
    THRESHOLD,
    /** The share (percent) of {@code numerator} documents among the matching ones compared with {@code threshold}. */
    RATIO,
    /** No matching document for a key seen before for the whole window. */
    FLATLINE
  }

  public enum Stat {
    AVG,
    MIN,
    MAX
  }

  public enum Op {
    GE(">="),
    GT(">"),
    LE("<="),
    LT("<");

    final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    boolean test(double value, double bound) {
      return switch (this) {
        case GE -> value >= bound;
        case GT -> value > bound;
        case LE -> value <= bound;
        case LT -> value < bound;
      };
    }

    static Op of(String s) {
      for (Op o : values()) if (o.symbol.equals(s)) return o;
      throw new IllegalArgumentException("op must be one of >=, >, <=, <; got '" + s + "'");
    }

    public String symbol() {
      return symbol;
    }
  }

  public Rule {
    where = List.copyOf(where);
    key = List.copyOf(key);
    numerator = List.copyOf(numerator);
    targets = List.copyOf(targets);
  }

  /** The document counts for this rule: right index, every {@code where} condition holds. */
  public boolean matches(IndexDoc doc) {
    if (doc.type() != index) return false;
    for (Condition c : where) if (!c.matches(doc.doc())) return false;
    return true;
  }

  /** The key the document counts towards, or null when one of the key fields is missing. */
  public String keyOf(Doc doc) {
    StringBuilder sb = new StringBuilder();
    for (String f : key) {
      Object v = doc.get(f);
      if (v == null) return null;
      if (sb.length() > 0) sb.append('|');
      sb.append(v);
    }
    return sb.toString();
  }

  /** Every field the rule reads, so that the batch path fetches only those. */
  public Set<String> fields() {
    Set<String> out = new LinkedHashSet<>();
    for (Condition c : where) out.add(c.field());
    out.addAll(key);
    if (field != null) out.add(field);
    for (Condition c : numerator) out.add(c.field());
    return out;
  }

  /** Whether the document is one of the ratio's numerator documents. */
  boolean inNumerator(Doc doc) {
    for (Condition c : numerator) if (!c.matches(doc)) return false;
    return true;
  }

  /** A one-line description of the condition, for notices: {@code count >= 5 in 10m}. */
  public String condition() {
    String what = switch (kind) {
      case FREQUENCY -> "count";
      case CARDINALITY -> "distinct " + field;
      case THRESHOLD -> stat.name().toLowerCase(java.util.Locale.ROOT) + " " + field;
      case RATIO -> "percent";
      case FLATLINE -> "silence";
    };
    if (kind == Kind.FLATLINE) return "no " + index.typeName() + " for " + Durations.format(window);
    return what + " " + op.symbol + " " + Alert.number(threshold) + " over " + Durations.format(window);
  }

  static List<String> names(List<Rule> rules) {
    List<String> n = new ArrayList<>();
    for (Rule r : rules) n.add(r.name());
    return n;
  }
}
