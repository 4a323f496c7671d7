package io.callarchive.source;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Log files as byte sources: directories expanded recursively, gzip recognised by its magic bytes, not its name. */
public final class FileInputs {
  private static final int HEAD = 16 * 1024;

  private FileInputs() {}

  /** Regular files under the given paths, each directory walked recursively, in a stable (sorted) order. */
  public static List<Path> expand(List<Path> paths) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> walk = Files.walk(p)) {
          walk.filter(Files::isRegularFile)
              .filter(f -> !f.getFileName().toString().startsWith("."))
              .sorted()
              .forEach(out::add);
        }
      } else if (Files.isRegularFile(p)) {
        out.add(p);
      } else {
        throw new NoSuchFileException(p.toString(), null, "no such file or directory");
      }
    }
    return out;
  }

  /** An opened file: the (decompressed) stream and its first bytes for format detection. */
  public record Opened(InputStream stream, byte[] head, int headLength, boolean gzip) {}

  public static Opened open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
    raw.mark(2);
    int b1 = raw.read();
    int b2 = raw.read();
    raw.reset();
    boolean gzip = b1 == 0x1f && b2 == 0x8b; // RFC 1952 ID1 ID2
    InputStream in = gzip ? new BufferedInputStream(new GZIPInputStream(raw, 64 * 1024), 64 * 1024) : raw;
    in.mark(HEAD);
    byte[] head = new byte[HEAD];
    int n = 0;
    while (n < HEAD) {
      int r = in.read(head, n, HEAD - n);
      if (r < 0) break;
      n += r;
    }
    in.reset();
    return new Opened(in, head, n, gzip);
  }

  public static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
