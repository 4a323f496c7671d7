package io.callarchive.batch;

import java.util.List;

/**
 * What the job history says of a file's content on one target: imported completely, imported up to a prefix
 * (the file grew, or its last event was still being written), or not at all. Pure.
 *
 * @param complete an import covered the whole content
 * @param start where this run starts: the end of the longest import that covered a prefix, else 0
 * @param primeFrom, occurrences the occurrence window at {@code start} (see {@link io.callarchive.source.Occurrences})
 * @param used the entries the decision rests on, whose documents the cluster must still hold
 */
record HistoryMatch(boolean complete, long start, long primeFrom, String occurrences, List<ImportHistory.Entry> used) {
  static final HistoryMatch NONE = new HistoryMatch(false, 0, -1, "", List.of());

  static HistoryMatch find(List<ImportHistory.Entry> history, String target, ContentScan.Result scan) {
    ImportHistory.Entry best = null;
    for (ImportHistory.Entry e : history) {
      if (!e.complete() || !e.targets(target) || e.endSha256() == null) continue;
      if (e.end() == scan.length() && e.endSha256().equals(scan.sha256())) {
        return new HistoryMatch(true, scan.length(), -1, "", List.of(e));
      }
      if (e.end() < scan.length() && e.endSha256().equals(scan.prefixSha256().get(e.end()))
          && (best == null || e.end() > best.end())) {
        best = e;
      }
    }
    if (best == null) return NONE;
    return new HistoryMatch(false, best.end(), best.occurrencesFrom(), best.occurrences(), List.of(best));
  }

  /** The ids of every complete import on the target that covered a prefix of this content, or all of it. */
  static java.util.Set<Long> chain(List<ImportHistory.Entry> history, String target, ContentScan.Result scan) {
    java.util.Set<Long> ids = new java.util.HashSet<>();
    for (ImportHistory.Entry e : history) {
      if (!e.complete() || !e.targets(target) || e.endSha256() == null) continue;
      if (e.end() == scan.length() && e.endSha256().equals(scan.sha256())
          || e.end() < scan.length() && e.endSha256().equals(scan.prefixSha256().get(e.end()))) {
        ids.add(e.instanceId());
      }
    }
    return ids;
  }
}
