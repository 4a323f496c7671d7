package io.callarchive.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcesConfigTest {
  private static final Path SAMPLE = Path.of(System.getProperty("callarchive.project"), "ingest", "sources.properties");

  @Test
  void theShippedSampleDefinesOneSourcePerPbxWithObserverAndLabels() throws Exception {
    List<SourcesConfig.Source> sources = SourcesConfig.load(SAMPLE);
    assertEquals(List.of("fs-lyon", "kazoo", "pbx-paris"), sources.stream().map(SourcesConfig.Source::name).toList());
    SourcesConfig.Source paris = sources.get(2);
    assertEquals(Path.of("/var/log/asterisk"), paris.dir());
    assertEquals("ami*.log*", paris.pattern());
    assertEquals("ami", paris.options().format());
    assertEquals("pbx-paris-1", paris.options().sourceName());
    assertEquals(Map.of("site", "paris", "tenant", "acme", "role", "pbx"), paris.options().labels());
    assertTrue(sources.stream().allMatch(s -> s.options().sourceName() != null));
  }

  @Test
  void defaultsAndRelativeFolders(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("s.properties");
    Files.writeString(f, "source.a.dir = logs\n");
    SourcesConfig.Source a = SourcesConfig.load(f).get(0);
    assertEquals(tmp.resolve("logs"), a.dir());
    assertEquals("*", a.pattern());
    assertNull(a.options().format());
    assertEquals("mtime", a.options().timeFrom());
  }

  @Test
  void aTypoOrAMissingFolderIsAnErrorNamingTheKey(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("s.properties");
    Files.writeString(f, "source.a.dir = /x\nsource.a.observr = pbx\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourcesConfig.load(f));
    assertTrue(e.getMessage().contains("source.a.observr"), e.getMessage());
    Files.writeString(f, "source.a.pattern = *.log\n");
    e = assertThrows(IllegalArgumentException.class, () -> SourcesConfig.load(f));
    assertTrue(e.getMessage().contains("source.a.dir"), e.getMessage());
    Files.writeString(f, "source.a.dir = /x\nsource.a.labels = site\n");
    assertThrows(IllegalArgumentException.class, () -> SourcesConfig.load(f));
  }
}
