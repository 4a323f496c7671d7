package io.callarchive.batch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;
import org.springframework.batch.core.configuration.support.MapJobRegistry;
import org.springframework.batch.core.launch.support.TaskExecutorJobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JdbcJobRepositoryFactoryBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The Spring Batch job repository in a real database: an embedded H2 file database under the callarchive home
 * by default, or any JDBC URL given with {@code --job-db} (PostgreSQL for shared deployments). The Spring Batch
 * tables are created on first use from the {@code schema-*.sql} script that spring-batch-core ships for the
 * database. One connection, used by the thread that runs the jobs: not thread-safe. Close it to release the
 * database (an embedded H2 file is locked while open).
 */
public final class JobDatabase implements AutoCloseable {
  /** The Spring Batch table every other one refers to: its presence means the schema is there. */
  private static final String MARKER_TABLE = "BATCH_JOB_INSTANCE";

  private final String url;
  private final SingleConnectionDataSource dataSource;
  private final DataSourceTransactionManager transactionManager;
  private final JobRepository repository;
  private final TaskExecutorJobOperator operator;
  private final MapJobRegistry registry = new MapJobRegistry();

  private JobDatabase(String url, String user, String password) throws Exception {
    this.url = url;
    this.dataSource = new SingleConnectionDataSource(url, user, password, true);
    dataSource.setAutoCommit(true);
    String type = databaseType(url);
    createSchemaIfMissing(dataSource, type);
    this.transactionManager = new DataSourceTransactionManager(dataSource);
    JdbcJobRepositoryFactoryBean factory = new JdbcJobRepositoryFactoryBean();
    factory.setDataSource(dataSource);
    factory.setTransactionManager(transactionManager);
    // Spring Batch's name for the database (DatabaseType), which differs from its schema script's for PostgreSQL.
    factory.setDatabaseType(type.equals("postgresql") ? "POSTGRES" : "H2");
    factory.afterPropertiesSet();
    this.repository = factory.getObject();
    this.operator = new TaskExecutorJobOperator();
    operator.setJobRepository(repository);
    operator.setJobRegistry(registry);
    operator.setTaskExecutor(new SyncTaskExecutor());
    operator.afterPropertiesSet();
  }

  /** The embedded default: {@code HOME/jobs/jobs.mv.db}, created with its parent folders on first use. */
  public static JobDatabase embedded(Path home) throws Exception {
    Path dir = home.resolve("jobs");
    Files.createDirectories(dir);
    // WRITE_DELAY=0: H2 otherwise writes committed transactions up to 500 ms later, and a killed import would
    // lose its last committed chunks' offsets (no event lost or doubled, but more read twice).
    Path ownerFile = dir.resolve("owner");
    JobDatabase db;
    try {
      db = open("jdbc:h2:file:" + dir.resolve("jobs").toAbsolutePath() + ";WRITE_DELAY=0", null, null);
    } catch (Exception e) {
      if (!lockedByAnother(e)) throw e;
      String owner = Files.isRegularFile(ownerFile) ? Files.readString(ownerFile).strip() : null;
      throw new RepositoryBusyException("the job repository " + dir + " is in use by another callarchive import ("
          + Owner.describe(owner) + "): wait for it to finish, or give imports that must run at the same time a"
          + " shared --job-db (PostgreSQL)", e);
    }
    // Who holds the embedded database, for the message above; the file lock itself is H2's.
    Files.writeString(ownerFile, Owner.current() + "\n");
    db.ownerFile = ownerFile;
    return db;
  }

  /** H2 refuses a second process on an embedded file: DATABASE_ALREADY_OPEN_1 (error 90020, org.h2.api.ErrorCode). */
  private static boolean lockedByAnother(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof SQLException s && s.getErrorCode() == 90020) return true;
    }
    return false;
  }

  /** Another process holds the job repository. */
  public static final class RepositoryBusyException extends IllegalStateException {
    RepositoryBusyException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private Path ownerFile;

  /**
   * Opens the job repository at a JDBC URL. PostgreSQL URLs without a {@code user=} parameter connect as
   * {@code postgres}, the role every PostgreSQL installation has, when no user is given.
   */
  public static JobDatabase open(String url, String user, String password) throws Exception {
    if (user == null && url.startsWith("jdbc:postgresql:") && !url.contains("user=")) user = "postgres";
    if (user == null && url.startsWith("jdbc:h2:")) user = "sa";
    if (password == null) password = "";
    return new JobDatabase(url, user, password);
  }

  /** {@code h2} or {@code postgresql}: the databases whose schema scripts we run and test against. */
  static String databaseType(String url) {
    if (url.startsWith("jdbc:h2:")) return "h2";
    if (url.startsWith("jdbc:postgresql:")) return "postgresql";
    throw new IllegalArgumentException(
        "--job-db must be an H2 (jdbc:h2:...) or PostgreSQL (jdbc:postgresql://...) JDBC URL, got " + redact(url));
  }

  private static void createSchemaIfMissing(DataSource ds, String type) throws SQLException {
    try (Connection c = ds.getConnection()) {
      if (hasTable(c.getMetaData(), MARKER_TABLE)) return;
    }
    ResourceDatabasePopulator populator =
        new ResourceDatabasePopulator(new ClassPathResource("org/springframework/batch/core/schema-" + type + ".sql"));
    populator.execute(ds);
  }

  private static boolean hasTable(DatabaseMetaData md, String name) throws SQLException {
    // PostgreSQL folds unquoted names to lower case, H2 to upper case.
    for (String n : new String[] {name, name.toLowerCase(Locale.ROOT)}) {
      try (ResultSet rs = md.getTables(null, null, n, new String[] {"TABLE"})) {
        if (rs.next()) return true;
      }
    }
    return false;
  }

  public JobRepository repository() {
    return repository;
  }

  public TaskExecutorJobOperator operator() {
    return operator;
  }

  public MapJobRegistry registry() {
    return registry;
  }

  public PlatformTransactionManager transactionManager() {
    return transactionManager;
  }

  /** The URL without credentials, for messages. */
  public String description() {
    return redact(url);
  }

  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  @Override
  public void close() {
    dataSource.destroy();
    if (ownerFile != null) {
      try {
        Files.deleteIfExists(ownerFile);
      } catch (java.io.IOException e) {
        // only a hint for messages; a stale one names a process that is gone
      }
    }
  }

}
