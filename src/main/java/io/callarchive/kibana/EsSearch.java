package io.callarchive.kibana;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Request;
import co.elastic.clients.transport.rest5_client.low_level.Response;
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
    Response resp;
    try {
      resp = rest.performRequest(r);
    } catch (ResponseException e) {
      resp = e.getResponse();
    }
    JsonNode json;
    try (InputStream in = resp.getEntity().getContent()) {
      json = SavedObjects.JSON.readTree(in);
    }
    // The transport may hand back an error status without throwing; and a search that failed on some shards
    // returns partial numbers, which a report must not print as if they were the answer.
    if (resp.getStatusCode() >= 300 || json.has("error")) {
      JsonNode err = json.path("error");
      JsonNode root = err.path("root_cause").path(0);
      String reason = (root.isMissingNode() ? err : root).path("reason").asText("status " + resp.getStatusCode());
      throw new IOException("Elasticsearch refused the search on " + index + ": " + reason);
    }
    if (json.path("_shards").path("failed").asInt(0) > 0) {
      throw new IOException("the search on " + index + " failed on some shards: "
          + json.path("_shards").path("failures").path(0).path("reason").path("reason").asText("unknown reason"));
    }
    return json;
  }
}
