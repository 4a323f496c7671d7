package io.callarchive.batch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Corpus;
import io.callarchive.model.Parsed;
import io.callarchive.parse.EventFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/** Conformance: every file of the shared corpus resumes after its pieces, whatever its format. */
class PieceReaderCorpusTest {
  /** Whatever the format, a committed offset is a place its reader can start again from. */
  @Test
  void everyCorpusFileResumesAfterItsPiecesInEveryFormat() throws Exception {
    io.callarchive.parse.Formats formats = io.callarchive.parse.Formats.standard();
    int checked = 0;
    for (String folder : List.of("asterisk-ami", "asterisk-ari", "kazoo-amqp", "freeswitch-esl")) {
      for (Path f : Corpus.files(folder)) {
        if (f.getFileName().toString().endsWith(".md")) continue;
        io.callarchive.source.FileInputs.Opened o = io.callarchive.source.FileInputs.open(f);
        o.stream().close();
        EventFormat format = formats.detect(o.head(), o.headLength()).orElse(null);
        if (format == null) continue;
        List<Parsed> all = PieceReaderTest.read(f, format, 0, Files.size(f), new ExecutionContext());
        PieceReaderTest.assertResumesAfter(f, format, Files.size(f), all, Math.max(1, all.size() / 8));
        checked++;
      }
    }
    assertTrue(checked > 20, "corpus files checked: " + checked);
  }

}
