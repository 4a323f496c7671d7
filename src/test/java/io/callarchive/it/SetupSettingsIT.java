package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.cli.Main;
import io.callarchive.index.IlmPolicies;
import io.callarchive.model.IndexType;
import io.callarchive.pipeline.DocIds;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code setup --shards/--replicas} per type, and {@code --ilm} on a cluster without ILM, against the real node. */
class SetupSettingsIT {
  private final ElasticsearchClient es = TestCluster.client();

  private String templateSetting(String template, String key) throws Exception {
    var settings = es.indices().getIndexTemplate(r -> r.name(template)).indexTemplates().get(0).indexTemplate().template().settings();
    var index = settings.index();
    return switch (key) {
      case "shards" -> index == null ? null : index.numberOfShards();
      default -> index == null || index.numberOfReplicas() == null ? null : index.numberOfReplicas().toString();
    };
  }

  @AfterEach
  void plainSetupAgain() throws Exception {
    TestCluster.wipe();
    assertEquals(Main.OK, Cli.run("setup", "--es-url", TestCluster.url()).code());
  }

  @Test
  void shardsAndReplicasPerTypeGoIntoTheTemplatesAndReplicasOntoExistingIndices() throws Exception {
    TestCluster.wipe();
    assertEquals(Main.OK, Cli.run("setup", "--es-url", TestCluster.url()).code());
    Cli.Run r = Cli.run("setup", "--es-url", TestCluster.url(), "--shards", "events=3,quality=2", "--replicas", "calls=1");
    assertEquals(Main.OK, r.code(), r.all());
    assertTrue(r.out().contains("replicas set on 1 existing calls indices"), r.out());
    assertEquals("3", templateSetting("callarchive-events", "shards"));
    assertEquals("2", templateSetting("callarchive-quality", "shards"));
    assertEquals("1", templateSetting("callarchive-calls", "replicas"));
    String calls = DocIds.indexName(IndexType.CALLS, Instant.now());
    var live = es.indices().getSettings(s -> s.index(calls)).get(calls).settings().index();
    assertEquals("1", live.numberOfReplicas().toString());
    assertEquals("false", live.autoExpandReplicas());

    // The same choice again changes nothing; a next month's index gets the shard count.
    Cli.Run same = Cli.run("setup", "--es-url", TestCluster.url(), "--shards", "events=3,quality=2", "--replicas", "calls=1");
    assertTrue(same.out().contains("templates installed or updated: 0,"), same.out());
    es.indices().create(c -> c.index("callarchive-events-2099.01"));
    assertEquals("3", es.indices().getSettings(s -> s.index("callarchive-events-2099.01")).get("callarchive-events-2099.01")
        .settings().index().numberOfShards());

    // Back to the defaults: the templates without the choice are installed again.
    Cli.Run plain = Cli.run("setup", "--es-url", TestCluster.url());
    assertTrue(plain.out().contains("templates installed or updated: 3,"), plain.out());
  }

  @Test
  void badCountsAndIlmWithoutIlmAreOneSentence() {
    Cli.Run bad = Cli.run("setup", "--es-url", TestCluster.url(), "--shards", "evnts=3");
    assertEquals(Main.FAILURE, bad.code());
    assertTrue(bad.err().replaceFirst("^callarchive [a-z]+: ", "callarchive: ").startsWith("callarchive: unknown index type 'evnts'"), bad.err());
    Cli.Run zero = Cli.run("setup", "--es-url", TestCluster.url(), "--shards", "all=0");
    assertTrue(zero.err().contains("must be between 1 and 1024"), zero.err());
    // The minimal distribution of the test node has no ILM.
    Cli.Run ilm = Cli.run("setup", "--es-url", TestCluster.url(), "--ilm", "--keep", "events=30d");
    assertEquals(Main.FAILURE, ilm.code(), ilm.all());
    assertTrue(ilm.err().strip().replaceFirst("^callarchive [a-z]+: ", "callarchive: ")
        .startsWith("callarchive: " + IlmPolicies.NO_ILM), ilm.err());
    assertEquals(1, ilm.err().strip().lines().count(), ilm.err());
  }
}
