package io.callarchive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shared event corpus beside the checkout ({@code ../shared/corpus}), read in place by the conformance suite
 * only (test classes named {@code *Corpus*Test} / {@code *Corpus*IT}, added by the Maven profile
 * {@code conformance} when that folder exists). A missing corpus is an error, never a skipped test.
 */
public final class Corpus {
  private Corpus() {}

  public static Path shared() {
    String prop = System.getProperty("callarchive.shared");
    Path p = prop != null ? Path.of(prop) : Path.of("..", "shared");
    if (!Files.isDirectory(p.resolve("corpus"))) {
      throw new IllegalStateException("the shared corpus is missing: expected " + p.toAbsolutePath() + "/corpus");
    }
    return p;
  }

  public static Path dir(String name) {
    return shared().resolve("corpus").resolve(name);
  }

  /**
   * How the conformance suite imports the corpus: its files are finished captures, but a checkout copies them just
   * before the run, so their modification time would make every one look like a log still being written (its
   * unterminated last event held for the next run). A zero quiet period says what is true of them: finished.
   */
  public static io.callarchive.batch.BatchImport.Settings finishedFiles() {
    return io.callarchive.batch.BatchImport.Settings.defaults().finishedFiles();
  }

  /** Every regular file of a corpus folder, sorted by name. */
  public static List<Path> files(String name) {
    try (Stream<Path> s = Files.list(dir(name))) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
