package io.callarchive.batch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.model.IndexType;
import java.io.IOException;

/**
 * The cluster an import writes into, as the job history records it: the cluster UUID (from the cluster state) and the
 * index prefix. The history is per target, so a new cluster imports everything; and before a file is skipped
 * as already imported, the documents its import recorded (first and last) are looked up, so indices deleted by
 * hand are noticed instead of silently trusted. Thread-safe (the client is).
 */
public final class ClusterTarget {
  private final ElasticsearchClient client;
  private final String id;

  private ClusterTarget(ElasticsearchClient client, String id) {
    this.client = client;
    this.id = id;
  }

  public static ClusterTarget of(ElasticsearchClient client) throws IOException {
    // The cluster state's metadata, not GET /: the minimal distribution the local node runs has no root endpoint.
    var state = client.cluster().state(s -> s.metric("metadata").index("callarchive-none-*").allowNoIndices(true));
    String uuid = state.state().toJson().asJsonObject().getJsonObject("metadata").getString("cluster_uuid");
    return new ClusterTarget(client, uuid + "/" + IndexType.PREFIX);
  }

  /** {@code UUID/prefix}, the value of the job parameter {@link ImportHistory#P_TARGET}. */
  public String id() {
    return id;
  }

  /** False when the cluster lacks a document the import recorded; true when it has them or none was recorded. */
  public boolean holds(ImportHistory.Entry e) throws IOException {
    for (String doc : new String[] {e.firstDoc(), e.lastDoc()}) {
      if (doc == null) continue;
      int slash = doc.indexOf('/');
      String index = doc.substring(0, slash), docId = doc.substring(slash + 1);
      if (!client.exists(r -> r.index(index).id(docId)).value()) return false;
    }
    return true;
  }
}
