package io.callarchive.parse.ami;

import static io.callarchive.parse.ami.AmiReaderTest.assertAccountsForEveryByte;
import static io.callarchive.parse.ami.AmiReaderTest.countByLineScan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.Corpus;
import io.callarchive.model.Parsed;
import io.callarchive.parse.Readers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Conformance: every AMI file of the shared corpus, each event once, nothing malformed, no byte lost. */
class AmiReaderCorpusTest {
  private static final AmiFormat AMI = new AmiFormat();

  @TestFactory
  List<DynamicTest> everyCorpusFileYieldsEachEventOnceWithNothingMalformed() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : Corpus.files("asterisk-ami")) {
      tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
        byte[] bytes = Files.readAllBytes(file);
        List<Parsed> parsed = Readers.readAll(AMI, bytes, file.toString());
        Map<String, Integer> byReader = new TreeMap<>();
        for (Parsed.Event e : Readers.events(parsed)) byReader.merge(e.action(), 1, Integer::sum);
        assertEquals(countByLineScan(bytes), byReader, "events per name");
        List<Parsed> bad = parsed.stream().filter(p -> p instanceof Parsed.Malformed).toList();
        assertEquals(List.of(), bad, "malformed pieces");
        assertAccountsForEveryByte(bytes, parsed);
      }));
    }
    assertTrue(tests.size() >= 20, "the AMI corpus should have its files");
    return tests;
  }

}
