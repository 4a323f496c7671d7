package io.callarchive.batch;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Past imports as the job repository records them: one job instance per imported piece of content (a whole
 * file, or the part a grown file added), with its fingerprint, range, counts and outcome. This is the
 * exactly-once ledger: a content whose fingerprint has a completed import is not imported again. Reads only;
 * thread-safety is the repository's.
 */
public final class ImportHistory {
  /** The job every file import is an instance of. */
  public static final String JOB_NAME = "callarchive-import";

  /** Identifying job parameters: the content fingerprint and the range imported. */
  static final String P_SHA256 = "content.sha256";
  static final String P_LENGTH = "content.length";
  static final String P_START = "content.start";
  /**
   * The cluster the content was imported into (its UUID from {@code GET /}) and the index prefix: the same file
   * is imported again into another cluster. Absent in entries from before it was recorded.
   */
  static final String P_TARGET = "target";
  /** Whether the file could still grow: a run that left an incomplete last event is followed by one that reads it. */
  static final String P_FINISHED = "content.finished";
  /** Non-identifying job parameters: where the content was found and how it was read. */
  static final String P_PATH = "file.path";
  static final String P_FORMAT = "format";
  static final String P_FALLBACK_TIME = "fallback.time";
  /** Non-identifying: where the occurrence window before the start begins, and its numbers (grown files). */
  static final String P_PRIME_FROM = "occurrences.from";
  static final String P_PRIME_STATE = "occurrences";

  private ImportHistory() {}

  /**
   * One import of one file's content, as last run.
   *
   * @param start first byte imported ({@code > 0} when only what a grown file added was imported)
   * @param length the content's length when it was fingerprinted: the import covers {@code [start, length)}
   * @param offset how far the last run got (its last committed chunk)
   * @param end the end of what a completed import covered: {@code length}, or less when the file was still
   *     being written and its incomplete last event was left for the next run
   * @param endSha256 SHA-256 of the content's first {@code end} bytes
   * @param target the cluster and index prefix imported into ({@link #P_TARGET}), null if not recorded
   * @param occurrencesFrom where the occurrence window at {@code end} begins (-1: empty)
   * @param occurrences its numbers above 0
   * @param firstDoc, lastDoc {@code index/id} of the first and last document written, to check that the cluster
   *     still holds them (null when nothing was written)
   */
  public record Entry(
      long instanceId, String path, String format, String sha256, long start, long length, long offset,
      long events, long skipped, long malformed, BatchStatus status, LocalDateTime started, LocalDateTime ended,
      long end, String endSha256, String target, long occurrencesFrom, String occurrences, String firstDoc,
      String lastDoc) {

    /** Without the fields recorded since (tests, entries added during a run). */
    public Entry(
        long instanceId, String path, String format, String sha256, long start, long length, long offset,
        long events, long skipped, long malformed, BatchStatus status, LocalDateTime started, LocalDateTime ended) {
      this(instanceId, path, format, sha256, start, length, offset, events, skipped, malformed, status, started,
          ended, length, sha256, null, -1, "", null, null);
    }

    /** Whether this entry counts for the given target: entries from before targets were recorded count for all. */
    public boolean targets(String t) {
      return target == null || t == null || target.equals(t);
    }

    public boolean complete() {
      return status == BatchStatus.COMPLETED;
    }

    public Duration duration() {
      return started == null || ended == null ? null : Duration.between(started, ended);
    }
  }

  /** Every import recorded in the repository, oldest first. */
  public static List<Entry> all(JobRepository repository) {
    List<Entry> out = new ArrayList<>();
    for (JobInstance instance : repository.getJobInstances(JOB_NAME, 0, Integer.MAX_VALUE)) {
      JobExecution last = repository.getLastJobExecution(instance);
      if (last == null) continue;
      out.add(entry(instance, last));
    }
    out.sort(Comparator.comparingLong(Entry::instanceId));
    return out;
  }

  /**
   * Deletes imports from the history so that their content is imported again ({@code jobs forget},
   * {@code import --force}). Returns how many were deleted.
   */
  public static int forget(JobRepository repository, java.util.function.Predicate<Entry> which) {
    int n = 0;
    for (JobInstance instance : repository.getJobInstances(JOB_NAME, 0, Integer.MAX_VALUE)) {
      JobExecution last = repository.getLastJobExecution(instance);
      if (last != null && !which.test(entry(instance, last))) continue;
      if (last != null && last.isRunning() && !Owner.isGone(last)) continue;
      repository.deleteJobInstance(instance);
      n++;
    }
    return n;
  }

  static Entry entry(JobInstance instance, JobExecution last) {
    JobParameters p = last.getJobParameters();
    long offset = 0, events = 0, skipped = 0, malformed = 0;
    long length = p.getLong(P_LENGTH, 0L);
    long end = length, occFrom = -1;
    String endSha = p.getString(P_SHA256), occ = "", first = null, lastDoc = null;
    for (StepExecution s : last.getStepExecutions()) {
      ExecutionContext c = s.getExecutionContext();
      offset = c.getLong(PieceReader.OFFSET, 0L);
      if (c.containsKey(PieceReader.END)) {
        end = c.getLong(PieceReader.END);
        endSha = c.getString(PieceReader.END_SHA256);
      }
      occFrom = c.getLong(PieceReader.OCC_FROM, -1L);
      occ = c.getString(PieceReader.OCC_STATE, "");
      first = c.containsKey(FileCounts.FIRST_DOC) ? c.getString(FileCounts.FIRST_DOC) : null;
      lastDoc = c.containsKey(FileCounts.LAST_DOC) ? c.getString(FileCounts.LAST_DOC) : null;
      events = c.getLong(FileCounts.EVENTS, 0L);
      skipped = c.getLong(FileCounts.SKIPPED, 0L);
      malformed = c.getLong(FileCounts.MALFORMED, 0L);
    }
    return new Entry(
        instance.getInstanceId(), p.getString(P_PATH), p.getString(P_FORMAT), p.getString(P_SHA256),
        p.getLong(P_START, 0L), length, offset, events, skipped, malformed,
        last.getStatus(), last.getStartTime(), last.getEndTime(), end, endSha, p.getString(P_TARGET), occFrom, occ,
        first, lastDoc);
  }
}
