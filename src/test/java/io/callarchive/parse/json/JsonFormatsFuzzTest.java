package io.callarchive.parse.json;

import io.callarchive.Fixtures;
import java.nio.file.Path;
import java.util.List;

/** The JSON formats' robustness on the project's fixtures. */
class JsonFormatsFuzzTest extends JsonFormatsFuzzing {
  @Override
  List<Path> files(String folder) {
    return Fixtures.files(folder);
  }

  @Override
  int maxSplitLength() {
    return 8_000; // as for the corpus; the long captures are read whole and in random chunks
  }
}
