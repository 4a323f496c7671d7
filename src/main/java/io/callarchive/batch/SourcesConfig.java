package io.callarchive.batch;

import io.callarchive.imports.ImportOptions;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The sources of a nightly import, one per PBX, from a properties file ({@code import --config FILE}):
 *
 * <pre>
 * source.NAME.dir       = folder of the logs (required; read recursively)
 * source.NAME.pattern   = file-name glob, e.g. ami*.log* (default: every file)
 * source.NAME.format    = ami | ari | freeswitch | kazoo | ccs (default: detected per file)
 * source.NAME.observer  = observer.name of its events (default: from the events)
 * source.NAME.labels    = key=value,key=value (labels.KEY on every document)
 * source.NAME.time-from = mtime | now | ISO-8601 instant (default: mtime)
 * </pre>
 *
 * Every key is validated when the file is read: an unknown key or a missing {@code dir} is an error naming the
 * line's key, so a typo does not silently import nothing. Immutable once loaded.
 */
public final class SourcesConfig {
  private static final Set<String> KEYS = Set.of("dir", "pattern", "format", "observer", "labels", "time-from");

  /** One source: where its files are and what to say about their events. */
  public record Source(String name, Path dir, String pattern, ImportOptions options) {}

  private SourcesConfig() {}

  public static List<Source> load(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    Map<String, Map<String, String>> byName = new TreeMap<>();
    for (String key : p.stringPropertyNames()) {
      String[] parts = key.split("\\.", 3);
      if (parts.length != 3 || !parts[0].equals("source") || !KEYS.contains(parts[2])) {
        throw new IllegalArgumentException(file + ": unknown key '" + key + "' (expected source.NAME." + String.join("|", KEYS.stream().sorted().toList()) + ")");
      }
      byName.computeIfAbsent(parts[1], k -> new LinkedHashMap<>()).put(parts[2], p.getProperty(key).strip());
    }
    if (byName.isEmpty()) throw new IllegalArgumentException(file + ": no source.NAME.dir defined");
    List<Source> out = new ArrayList<>();
    for (var e : byName.entrySet()) {
      Map<String, String> v = e.getValue();
      String dir = v.get("dir");
      if (dir == null || dir.isEmpty()) throw new IllegalArgumentException(file + ": source." + e.getKey() + ".dir is missing");
      Path d = Path.of(dir);
      if (!d.isAbsolute()) d = file.toAbsolutePath().getParent().resolve(d);
      ImportOptions options = new ImportOptions(
          blankToNull(v.get("format")), blankToNull(v.get("observer")), labels(file, e.getKey(), v.get("labels")),
          v.getOrDefault("time-from", "mtime"));
      out.add(new Source(e.getKey(), d, v.getOrDefault("pattern", "*"), options));
    }
    return out;
  }

  private static Map<String, String> labels(Path file, String name, String spec) {
    Map<String, String> m = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) return m;
    for (String kv : spec.split(",")) {
      int eq = kv.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException(file + ": source." + name + ".labels: '" + kv.strip() + "' is not key=value");
      m.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
    }
    return m;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
