package io.callarchive.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;

class HistoryMatchTest {
  private static ImportHistory.Entry entry(long id, String sha, long length, long end, String endSha, String target) {
    return new ImportHistory.Entry(id, "/logs/ami.log", "ami", sha, 0, length, end, 10, 0, 0, BatchStatus.COMPLETED,
        null, null, end, endSha, target, -1, "", null, null);
  }

  @Test
  void anImportIntoAnotherClusterDoesNotCount() {
    ContentScan.Result scan = new ContentScan.Result(100, "full", Map.of());
    List<ImportHistory.Entry> history = List.of(entry(1, "full", 100, 100, "full", "uuid-a/callarchive-"));
    assertTrue(HistoryMatch.find(history, "uuid-a/callarchive-", scan).complete());
    assertFalse(HistoryMatch.find(history, "uuid-b/callarchive-", scan).complete(), "a new cluster imports everything");
  }

  @Test
  void anImportThatLeftItsLastEventStartsTheNextAtThatEventEvenWhenTheFileDidNotChange() {
    // The file was 100 bytes, the run covered 80 (its last event was being written): same content now.
    ContentScan.Result scan = new ContentScan.Result(100, "full", Map.of(80L, "first80"));
    List<ImportHistory.Entry> history = List.of(entry(1, "full", 100, 80, "first80", "t"));
    HistoryMatch m = HistoryMatch.find(history, "t", scan);
    assertFalse(m.complete());
    assertEquals(80, m.start());
  }
}
