package io.callarchive.batch;

import io.callarchive.parse.EventFormat;
import io.callarchive.parse.EventReader;
import io.callarchive.source.FileInputs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Pieces per chunk for one file: the setting, or as many as its first {@value #INPUT_BYTES} bytes hold when its
 * events are large. A chunk stays in memory, read and processed, until it is written; 2,000 FreeSWITCH channel
 * dumps of 5.5 KB each (event-sources §3.4) kept about 120 MB live in a 512 MiB heap, and the collector spent half
 * as much CPU copying them as the thread that parsed them. Chunk boundaries move no document and no position: ids
 * and offsets come from the pieces, and a restart resumes at whatever chunk committed last. Stateless.
 */
final class ChunkSize {
  /** About what 2,000 Kazoo payloads of the corpus (1.7 KB each) take: the default holds for them and smaller. */
  static final int INPUT_BYTES = 3 << 20;

  private ChunkSize() {}

  /** At most {@code most}; at least 1. A file that cannot be read here gets {@code most} (the step says why). */
  static int of(Path file, EventFormat format, int most) {
    int pieces = 0;
    long bytes = 0;
    try (InputStream in = FileInputs.open(file).stream(); EventReader reader = format.open(in, file.toString())) {
      for (var p = reader.next(); p != null && pieces < most; p = reader.next()) {
        bytes += p.raw().length;
        if (bytes > INPUT_BYTES) break;
        pieces++;
      }
    } catch (IOException | RuntimeException e) {
      return most;
    }
    if (bytes <= INPUT_BYTES) return most; // the whole sample fitted: a short file, or small events
    return Math.max(1, pieces);
  }
}
