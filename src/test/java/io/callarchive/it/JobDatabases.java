package io.callarchive.it;

import io.callarchive.batch.JobDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * The job repositories the batch tests run against: an embedded H2 file database, and a fresh database on the
 * real PostgreSQL server at 127.0.0.1:5432 (trust authentication, role postgres; {@code .ci/run} starts it). There
 * is no fallback: without the server the PostgreSQL tests fail.
 */
public final class JobDatabases {
  static final String PG = "jdbc:postgresql://127.0.0.1:5432/";

  private JobDatabases() {}

  /** Which repository a test uses; {@link #url} is the JDBC URL to give {@code --job-db}, null for the default. */
  public enum Kind { H2, POSTGRESQL }

  /** A job repository for one test: created empty, dropped by {@link #close}. */
  public static final class Scratch implements AutoCloseable {
    public final Kind kind;
    public final Path home;
    public final String url;
    private final String pgName;

    Scratch(Kind kind, Path home, String url, String pgName) {
      this.kind = kind;
      this.home = home;
      this.url = url;
      this.pgName = pgName;
    }

    public JobDatabase open() throws Exception {
      return url == null ? JobDatabase.embedded(home) : JobDatabase.open(url, null, null);
    }

    /** The CLI options that select this repository. */
    public String[] cliOptions() {
      return url == null ? new String[] {"--home", home.toString()} : new String[] {"--home", home.toString(), "--job-db", url};
    }

    @Override
    public void close() throws Exception {
      if (pgName == null) return;
      try (Connection c = DriverManager.getConnection(PG + "postgres", "postgres", "");
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + pgName + " WITH (FORCE)");
      }
    }
  }

  public static Scratch create(Kind kind, Path home) throws Exception {
    if (kind == Kind.H2) return new Scratch(kind, home, null, null);
    String name = "callarchive_it_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
    try (Connection c = DriverManager.getConnection(PG + "postgres", "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return new Scratch(kind, home, PG + name, name);
  }
}
