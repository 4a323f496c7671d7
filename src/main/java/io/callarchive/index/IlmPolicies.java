package io.callarchive.index;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import io.callarchive.model.IndexType;
import java.io.IOException;
import java.io.StringReader;
import java.util.EnumMap;
import java.util.Map;

/**
 * Optional alternative to {@link Pruner} for clusters that have index lifecycle management (the default
 * distribution; the minimal one has none): one policy {@code callarchive-<type>} per type kept for a finite time,
 * whose delete phase removes an index {@code min_age} after its creation. ILM counts from the index's creation,
 * not from the month it holds, so an import of old logs keeps their month longer than {@code prune} would.
 */
public final class IlmPolicies {
  private IlmPolicies() {}

  /** The thrown sentence when the cluster has no ILM. */
  public static final String NO_ILM =
      "this Elasticsearch has no index lifecycle management (ILM), e.g. the minimal distribution:"
          + " run 'callarchive prune' daily instead (ingest/cron, ingest/systemd)";

  /**
   * Installs the policies for {@code retention} and returns the index setting to put in each type's template
   * ({@code lifecycle.name}); types kept forever get none.
   */
  public static Map<IndexType, String> install(ElasticsearchClient es, Retention retention) throws IOException {
    Map<IndexType, String> names = new EnumMap<>(IndexType.class);
    for (IndexType t : IndexType.values()) {
      Retention.Period keep = retention.keep(t);
      if (keep.forever()) continue;
      String name = t.alias();
      String body = "{\"policy\":{\"_meta\":{\"managed_by\":\"callarchive\",\"keep\":\"" + keep + "\"},"
          + "\"phases\":{\"hot\":{\"min_age\":\"0ms\",\"actions\":{}},"
          + "\"delete\":{\"min_age\":\"" + keep.approximateDays() + "d\",\"actions\":{\"delete\":{}}}}}}";
      try {
        es.ilm().putLifecycle(r -> r.name(name).withJson(new StringReader(body)));
      } catch (ElasticsearchException e) {
        if (e.status() == 400 || e.status() == 404 || e.status() == 405 || e.status() == 410) {
          throw new IllegalStateException(NO_ILM);
        }
        throw e;
      } catch (co.elastic.clients.transport.TransportException e) {
        int status = e.statusCode();
        if (status == 400 || status == 404 || status == 405 || status == 410) throw new IllegalStateException(NO_ILM);
        throw e;
      }
      names.put(t, name);
    }
    return names;
  }
}
