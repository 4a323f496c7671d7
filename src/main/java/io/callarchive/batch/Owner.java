package io.callarchive.batch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.LocalDateTime;
import org.springframework.batch.core.job.JobExecution;

/**
 * Which process runs an import: {@code pid@host}, stored in the job execution's context when it starts. A job
 * the repository marks as running is another import still at work when its process lives (same host: the pid
 * is alive; another host, which cannot be asked: its last commit is recent), and a crashed one otherwise, to be
 * resumed. Without this a second import took a running job for a crashed one and took it over. Stateless.
 */
final class Owner {
  static final String KEY = "callarchive.owner";
  /** A job on another host that has committed nothing for this long is taken as crashed. */
  static final Duration SILENT = Duration.ofMinutes(15);

  private Owner() {}

  static String current() {
    return ProcessHandle.current().pid() + "@" + host();
  }

  static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** The owner recorded for an execution, or null (executions from before owners were recorded). */
  static String of(JobExecution ex) {
    return ex.getExecutionContext().containsKey(KEY) ? ex.getExecutionContext().getString(KEY) : null;
  }

  /** True when a job marked running has no live process any more (killed, machine restarted). */
  static boolean isGone(JobExecution running) {
    String owner = of(running);
    if (owner == null) return true;
    if (owner.equals(current())) return false;
    int at = owner.indexOf('@');
    String host = owner.substring(at + 1);
    if (host.equals(host())) {
      long pid = Long.parseLong(owner.substring(0, at));
      return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }
    LocalDateTime seen = running.getLastUpdated() != null ? running.getLastUpdated() : running.getStartTime();
    for (var s : running.getStepExecutions()) {
      if (s.getLastUpdated() != null && (seen == null || s.getLastUpdated().isAfter(seen))) seen = s.getLastUpdated();
    }
    return seen == null || seen.plus(SILENT).isBefore(LocalDateTime.now());
  }

  /** Records the owner in the execution's context as the job starts, so that others can tell it is alive. */
  static org.springframework.batch.core.listener.JobExecutionListener listener(
      org.springframework.batch.core.repository.JobRepository repository) {
    return new org.springframework.batch.core.listener.JobExecutionListener() {
      @Override
      public void beforeJob(JobExecution ex) {
        ex.getExecutionContext().putString(KEY, current());
        repository.updateExecutionContext(ex);
      }
    };
  }

  /** For messages: {@code process 1234 on host pbx-archive}. */
  static String describe(String owner) {
    if (owner == null) return "another process";
    int at = owner.indexOf('@');
    return "process " + owner.substring(0, at) + " on " + owner.substring(at + 1);
  }
}
