package io.callarchive.kibana;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Request;
import co.elastic.clients.transport.rest5_client.low_level.ResponseException;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Runs a search body as JSON and returns the raw JSON response: the panels' aggregation trees are generic, which
 * the typed client's per-aggregation classes would only get in the way of. Read-only (writes go through the
 * {@code index} package). Thread-safe like the client it wraps.
 */
public final class EsSearch implements Report.Searcher {
  private final Rest5Client rest;

  public EsSearch(ElasticsearchClient client) {
    if (!(client._transport() instanceof Rest5ClientTransport t)) {
      throw new IllegalStateException("the Elasticsearch client has no REST transport to run panel searches on");
    }
    this.rest = t.restClient();
  }

  @Override
  public JsonNode search(String index, ObjectNode body) throws IOException {
    Request r = new Request("POST", "/" + URLEncoder.encode(index, StandardCharsets.UTF_8) + "/_search");
    r.addParameter("ignore_unavailable", "true");
    r.addParameter("allow_no_indices", "true");
    r.setJsonEntity(body.toString());
    try {
      var resp = rest.performRequest(r);
      try (InputStream in = resp.getEntity().getContent()) {
        return SavedObjects.JSON.readTree(in);
      }
    } catch (ResponseException e) {
      String reason = "status " + e.getResponse().getStatusCode();
      try (InputStream in = e.getResponse().getEntity().getContent()) {
        JsonNode err = SavedObjects.JSON.readTree(in).path("error");
        JsonNode root = err.path("root_cause").path(0);
        reason = (root.isMissingNode() ? err : root).path("reason").asText(reason);
      } catch (IOException | RuntimeException ignored) {
        // keep the status as the reason
      }
      throw new IOException("Elasticsearch refused the search on " + index + ": " + reason, e);
    }
  }
}
