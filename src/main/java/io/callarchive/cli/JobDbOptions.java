package io.callarchive.cli;

import io.callarchive.batch.JobDatabase;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the Spring Batch job repository lives: shared by {@code import} and {@code jobs}. */
public final class JobDbOptions {
  @Option(
      names = "--job-db",
      paramLabel = "JDBC-URL",
      description = {
        "Job repository database (env CALLARCHIVE_JOB_DB): e.g. jdbc:postgresql://127.0.0.1:5432/callarchive for a",
        "shared deployment. Default: an embedded H2 file database under the callarchive home (jobs/)."
      })
  String url;

  @Option(names = "--job-db-user", paramLabel = "USER", description = "Database user (default for PostgreSQL: postgres).")
  String user;

  @Option(
      names = "--job-db-password",
      paramLabel = "PASSWORD",
      description = "Database password (env CALLARCHIVE_JOB_DB_PASSWORD; prefer the environment).")
  String password;

  JobDatabase open(Path home) throws Exception {
    String u = url != null ? url : LocalNodeOptions.env("CALLARCHIVE_JOB_DB");
    String pw = password != null ? password : LocalNodeOptions.env("CALLARCHIVE_JOB_DB_PASSWORD");
    return u != null ? JobDatabase.open(u, user, pw) : JobDatabase.embedded(home);
  }
}
