package io.callarchive.parse;

import io.callarchive.model.Parsed;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helper: everything a format's reader makes of some bytes. */
public final class Readers {
  private Readers() {}

  public static List<Parsed> readAll(EventFormat format, byte[] bytes, String origin) {
    List<Parsed> out = new ArrayList<>();
    try (EventReader r = format.open(new ByteArrayInputStream(bytes), origin)) {
      Parsed p;
      while ((p = r.next()) != null) out.add(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  public static List<Parsed> readAll(EventFormat format, Path file) {
    try {
      return readAll(format, Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<Parsed.Event> events(List<Parsed> parsed) {
    return parsed.stream().filter(p -> p instanceof Parsed.Event).map(p -> (Parsed.Event) p).toList();
  }
}
