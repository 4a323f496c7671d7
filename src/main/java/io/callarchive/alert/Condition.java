package io.callarchive.alert;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import io.callarchive.model.Doc;
import java.util.ArrayList;
import java.util.List;

/**
 * One condition of a rule's {@code where}: a field equal to one of a few values, within a numeric range, or
 * present. The same condition is checked on a document in memory (live) and turned into an Elasticsearch query
 * (batch, no painless), and both must agree: values compare as text, numbers numerically. Immutable.
 */
public sealed interface Condition {
  String field();

  boolean matches(Doc doc);

  Query query();

  /** The field equals one of the values (a multi-valued field: any of its values). */
  record OneOf(String field, List<Object> values) implements Condition {
    @Override
    public boolean matches(Doc doc) {
      Object v = doc.get(field);
      if (v instanceof List<?> l) {
        for (Object x : l) if (matchesOne(x)) return true;
        return false;
      }
      return matchesOne(v);
    }

    private boolean matchesOne(Object v) {
      if (v == null) return false;
      for (Object want : values) {
        if (want instanceof Number n && v instanceof Number m) {
          if (n.doubleValue() == m.doubleValue()) return true;
        } else if (String.valueOf(want).equals(String.valueOf(v))) {
          return true;
        }
      }
      return false;
    }

    @Override
    public Query query() {
      List<FieldValue> fv = new ArrayList<>();
      for (Object v : values) {
        fv.add(switch (v) {
          case Boolean b -> FieldValue.of(b);
          case Integer i -> FieldValue.of(i.longValue());
          case Long l -> FieldValue.of(l);
          case Number n -> FieldValue.of(n.doubleValue());
          default -> FieldValue.of(String.valueOf(v));
        });
      }
      return Query.of(q -> q.terms(t -> t.field(field).terms(tv -> tv.value(fv))));
    }
  }

  /** A numeric field within bounds (null: unbounded on that side). */
  record Range(String field, Double gt, Double gte, Double lt, Double lte) implements Condition {
    @Override
    public boolean matches(Doc doc) {
      Double v = number(doc.get(field));
      if (v == null) return false;
      return (gt == null || v > gt) && (gte == null || v >= gte) && (lt == null || v < lt) && (lte == null || v <= lte);
    }

    @Override
    public Query query() {
      return Query.of(q -> q.range(r -> r.number(n -> {
        n.field(field);
        if (gt != null) n.gt(gt);
        if (gte != null) n.gte(gte);
        if (lt != null) n.lt(lt);
        if (lte != null) n.lte(lte);
        return n;
      })));
    }
  }

  /** The field is present (or absent, with {@code exists: false}). */
  record Exists(String field, boolean present) implements Condition {
    @Override
    public boolean matches(Doc doc) {
      return (doc.get(field) != null) == present;
    }

    @Override
    public Query query() {
      Query exists = Query.of(q -> q.exists(e -> e.field(field)));
      return present ? exists : Query.of(q -> q.bool(b -> b.mustNot(exists)));
    }
  }

  /** A document value as a number: numbers as they are, numeric text parsed, anything else null. */
  static Double number(Object v) {
    if (v instanceof Number n) return n.doubleValue();
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
