package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.callarchive.index.Templates;
import io.callarchive.model.IndexType;
import io.callarchive.pipeline.DocIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SetupIT {
  private static ElasticsearchClient es;

  @BeforeAll
  static void install() throws Exception {
    es = TestCluster.client();
    TestCluster.wipe();
    new Templates(Path.of(System.getProperty("callarchive.project"), "index-templates")).install(es);
  }

  @Test
  void everyIndexTypeHasItsReadAliasAndCurrentMonthIndex() throws Exception {
    for (IndexType t : IndexType.values()) {
      String index = DocIds.indexName(t, Instant.now());
      assertTrue(es.indices().exists(r -> r.index(index)).value(), index);
      assertTrue(es.indices().existsAlias(r -> r.name(t.alias())).value(), t.alias());
    }
  }

  @Test
  void secondSetupChangesNothingAndANewVersionIsApplied() throws Exception {
    Templates.Result again = new Templates(Path.of(System.getProperty("callarchive.project"), "index-templates")).install(es);
    assertEquals(List.of(), again.installed());
    assertEquals(List.of(), again.indicesCreated());
    assertFalse(again.unchanged().isEmpty());

    // A template file with a higher version replaces the installed one.
    Path copy = Files.createTempDirectory("templates");
    Path src = Path.of(System.getProperty("callarchive.project"), "index-templates");
    try (var walk = Files.walk(src)) {
      for (Path p : walk.toList()) {
        Path dst = copy.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(dst);
        else Files.writeString(dst, Files.readString(p));
      }
    }
    Path alerts = copy.resolve("index/callarchive-alerts.json");
    Files.writeString(alerts, Files.readString(alerts).replace("\"version\": 1", "\"version\": 99"));
    Templates.Result updated = new Templates(copy).install(es);
    assertEquals(List.of("callarchive-alerts"), updated.installed());
    assertEquals(99L, es.indices().getIndexTemplate(r -> r.name("callarchive-alerts")).indexTemplates().get(0).indexTemplate().version());
    new Templates(src).install(es); // version 1 again: differs, so it is re-applied
  }
}
