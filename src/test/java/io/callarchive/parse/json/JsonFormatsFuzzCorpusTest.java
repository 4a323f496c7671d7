package io.callarchive.parse.json;

import io.callarchive.Corpus;
import java.nio.file.Path;
import java.util.List;

/** Conformance: the JSON formats' robustness on the shared corpus (its ccs folder is empty). */
class JsonFormatsFuzzCorpusTest extends JsonFormatsFuzzing {
  @Override
  List<Path> files(String folder) {
    return folder.equals("ccs") ? List.of() : Corpus.files(folder);
  }

  @Override
  int maxSplitLength() {
    return 8_000; // the schema file
  }
}
