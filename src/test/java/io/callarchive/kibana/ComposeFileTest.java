package io.callarchive.kibana;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one-shot dashboard installer of docker-compose.yml runs setup once Kibana is healthy. */
class ComposeFileTest {
  @Test
  void kibanaSetupRunsOnceKibanaIsHealthy() throws Exception {
    JsonNode compose = new ObjectMapper(new YAMLFactory())
        .readTree(Path.of(System.getProperty("callarchive.project", "."), "docker-compose.yml").toFile());
    JsonNode services = compose.path("services");
    JsonNode setup = services.path("kibana-setup");
    List<String> command = new ArrayList<>();
    setup.path("command").forEach(c -> command.add(c.asText()));
    assertEquals(List.of("setup", "--kibana-url", "http://kibana:5601"), command);
    assertEquals("service_healthy", setup.path("depends_on").path("kibana").path("condition").asText());
    assertEquals("service_healthy", setup.path("depends_on").path("elasticsearch").path("condition").asText());
    assertEquals("http://elasticsearch:9200", setup.path("environment").path("CALLARCHIVE_ES_URL").asText());
    assertEquals("no", setup.path("restart").asText());
    String health = services.path("kibana").path("healthcheck").path("test").toString();
    assertTrue(health.contains("http://localhost:5601/api/status"), health);
    for (String s : List.of("elasticsearch", "kibana", "stream", "import")) assertTrue(services.has(s), s);
  }
}
