package io.callarchive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The project's own event fixtures ({@code src/test/resources/fixtures}), written for these tests from
 * event-sources.md, one folder per platform named as in the shared corpus. {@code CONTENTS.md} beside them says, per
 * file, how many events of each name it holds: written with the fixture, so a test compares a reader with it, not
 * with another reading of the same bytes by our code.
 */
public final class Fixtures {
  private Fixtures() {}

  public static Path root() {
    URL url = Fixtures.class.getResource("/fixtures/CONTENTS.md");
    if (url == null) throw new IllegalStateException("the test fixtures are not on the class path");
    try {
      return Path.of(url.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Path dir(String name) {
    return root().resolve(name);
  }

  public static Path file(String folder, String name) {
    Path p = dir(folder).resolve(name);
    if (!Files.isRegularFile(p)) throw new IllegalStateException("no fixture " + folder + "/" + name);
    return p;
  }

  /** Every regular file of a fixture folder, sorted by name. */
  public static List<Path> files(String name) {
    try (Stream<Path> s = Files.list(dir(name))) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final Pattern CONTENTS = Pattern.compile("- Contents: (\\d+) events(?::\\s*(.*))?");

  /** Event counts per name of one fixture, from CONTENTS.md ({@code - Contents: 3 events: A×2, B×1}). */
  public static Map<String, Integer> contents(String folder, String file) {
    String text;
    try {
      text = Files.readString(root().resolve("CONTENTS.md"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int sec = text.indexOf("## " + folder + "/");
    int at = sec < 0 ? -1 : text.indexOf("### `" + file + "`", sec);
    if (at < 0) throw new IllegalStateException(folder + "/" + file + " is not in CONTENTS.md");
    Matcher m = CONTENTS.matcher(text);
    if (!m.find(at)) throw new IllegalStateException("no Contents line for " + file);
    Map<String, Integer> counts = new TreeMap<>();
    if (m.group(2) != null && !m.group(2).isBlank()) {
      for (String part : m.group(2).split(",\\s*")) {
        String[] kv = part.strip().split("×");
        counts.merge(kv[0].strip(), Integer.parseInt(kv[1].strip()), Integer::sum);
      }
    }
    assertEquals(Integer.parseInt(m.group(1)), counts.values().stream().mapToInt(Integer::intValue).sum(),
        "CONTENTS.md total of " + file);
    return counts;
  }
}
