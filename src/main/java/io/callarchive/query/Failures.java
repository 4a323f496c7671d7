package io.callarchive.query;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;

/** Turns the expected search failures into one sentence (decided on the structured error type). */
final class Failures {
  private Failures() {}

  static RuntimeException of(ElasticsearchException e, String from, String to) {
    String type = e.error() == null ? null : e.error().type();
    if ("index_not_found_exception".equals(type)) {
      return new IllegalStateException("the archive has no such index yet: run 'callarchive setup' and an import first");
    }
    if (e.status() == 400 && (from != null || to != null)) {
      return new IllegalArgumentException("Elasticsearch did not accept the time range (--from " + from + ", --to " + to
          + "): give ISO-8601 times such as 2026-11-22T10:00:00Z or date math such as now-1d/d");
    }
    return e;
  }
}
