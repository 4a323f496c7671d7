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
  /** Non-identifying job parameters: where the content was found and how it was read. */
  static final String P_PATH = "file.path";
  static final String P_FORMAT = "format";
  static final String P_FALLBACK_TIME = "fallback.time";

  private ImportHistory() {}

  /**
   * One import of one file's content, as last run.
   *
   * @param start first byte imported ({@code > 0} when only what a grown file added was imported)
   * @param length the content's length when it was fingerprinted: the import covers {@code [start, length)}
   * @param offset how far the last run got (its last committed chunk)
   */
  public record Entry(
      long instanceId, String path, String format, String sha256, long start, long length, long offset,
      long events, long skipped, long malformed, BatchStatus status, LocalDateTime started, LocalDateTime ended) {

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

  static Entry entry(JobInstance instance, JobExecution last) {
    JobParameters p = last.getJobParameters();
    long offset = 0, events = 0, skipped = 0, malformed = 0;
    for (StepExecution s : last.getStepExecutions()) {
      ExecutionContext c = s.getExecutionContext();
      offset = c.getLong(PieceReader.OFFSET, 0L);
      events = c.getLong(FileCounts.EVENTS, 0L);
      skipped = c.getLong(FileCounts.SKIPPED, 0L);
      malformed = c.getLong(FileCounts.MALFORMED, 0L);
    }
    return new Entry(
        instance.getInstanceId(), p.getString(P_PATH), p.getString(P_FORMAT), p.getString(P_SHA256),
        p.getLong(P_START, 0L), p.getLong(P_LENGTH, 0L), offset, events, skipped, malformed,
        last.getStatus(), last.getStartTime(), last.getEndTime());
  }
}
