package org.batchpredict.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The durable store of jobs: one row per job in a SQL database, the Job resource kept as its API
 * JSON. By default an embedded H2 file in the data directory ({@link #defaultUrl}); any JDBC URL
 * works (PostgresJobsServiceTest runs on PostgreSQL 15). The schema is created and migrated by
 * Flyway at {@link #open}.
 *
 * <p>Every write goes through a compare-and-set on the row's version, so concurrent writers never
 * lose an update: {@link #update} retries on a lost race. The version is the job's {@code etag}.
 * The unique key (project, jobId) makes a duplicate create fail with {@link JobExistsException}.
 */
public final class JobStore implements AutoCloseable {
  /** A job as stored: its creation order, the write count behind its etag, and the resource. */
  public record StoredJob(long seq, String project, long version, Job job) {
    /** The opaque etag of this version of the job. */
    public String etag() {
      return etagOf(seq, version);
    }
  }

  /** An IAM policy as stored; {@code json} is null when the job has never had one. */
  public record StoredPolicy(long version, String json) {}

  private static final String COLUMNS = "seq, project, version, job_json";

  private final HikariDataSource dataSource;

  private JobStore(HikariDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * The embedded database: the file {@code jobs.mv.db} in {@code dataDirectory}. {@code
   * WRITE_DELAY=0} writes every commit to the file before it returns; H2's default delay of 500 ms
   * would lose the last writes if the process were killed.
   */
  public static String defaultUrl(Path dataDirectory) {
    return "jdbc:h2:file:"
        + dataDirectory.toAbsolutePath().normalize().resolve("jobs")
        + ";WRITE_DELAY=0";
  }

  /**
   * Connects to the database at {@code jdbcUrl} and brings its schema up to date.
   *
   * @param user null when the URL carries the credentials or needs none
   */
  public static JobStore open(String jdbcUrl, String user, String password) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(8);
    config.setPoolName("job-store");
    HikariDataSource dataSource = new HikariDataSource(config);
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:db/migration")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    return new JobStore(dataSource);
  }

  /**
   * Adds a new job.
   *
   * @throws JobExistsException when the project already has a job with this id
   */
  public StoredJob insert(String project, Job job) {
    String sql =
        "INSERT INTO jobs (project, job_id, state, version, job_json) VALUES (?, ?, ?, 1, ?)";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(sql)) {
      insert.setString(1, project);
      insert.setString(2, job.jobId);
      insert.setString(3, job.state.name());
      insert.setString(4, toJson(job));
      insert.executeUpdate();
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
        throw new JobExistsException(project, job.jobId);
      }
      throw new JobStoreException("Cannot store job " + job.jobId, e);
    }
    return get(project, job.jobId)
        .orElseThrow(
            () -> new JobStoreException("Job " + job.jobId + " vanished after insert", null));
  }

  public Optional<StoredJob> get(String project, String jobId) {
    List<StoredJob> found =
        query(
            "SELECT " + COLUMNS + " FROM jobs WHERE project = ? AND job_id = ?",
            List.of(project, jobId));
    return found.stream().findFirst();
  }

  /**
   * Replaces the job if nobody wrote it since {@code expected} was read.
   *
   * @return the job as now stored, or empty when another write came first
   */
  public Optional<StoredJob> compareAndSet(StoredJob expected, Job replacement) {
    String sql =
        "UPDATE jobs SET state = ?, job_json = ?, version = version + 1"
            + " WHERE seq = ? AND version = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update = connection.prepareStatement(sql)) {
      update.setString(1, replacement.state.name());
      update.setString(2, toJson(replacement));
      update.setLong(3, expected.seq());
      update.setLong(4, expected.version());
      if (update.executeUpdate() == 0) {
        return Optional.empty();
      }
    } catch (SQLException e) {
      throw new JobStoreException("Cannot update job " + replacement.jobId, e);
    }
    return Optional.of(
        new StoredJob(expected.seq(), expected.project(), expected.version() + 1, replacement));
  }

  /**
   * Reads, changes and writes a job until the write wins against concurrent writers.
   *
   * @param change gets a private copy of the current job and returns the job to write, or null to
   *     leave it as it is; it may throw to refuse the change
   * @return the job as stored afterwards, or empty when there is no such job
   */
  public Optional<StoredJob> update(String project, String jobId, UnaryOperator<Job> change) {
    while (true) {
      Optional<StoredJob> current = get(project, jobId);
      if (current.isEmpty()) {
        return current;
      }
      Job changed = change.apply(current.get().job());
      if (changed == null) {
        return current;
      }
      Optional<StoredJob> written = compareAndSet(current.get(), changed);
      if (written.isPresent()) {
        return written;
      }
    }
  }

  /** Up to {@code limit} jobs of a project created before {@code beforeSeq}, newest first. */
  public List<StoredJob> newestFirst(String project, long beforeSeq, int limit) {
    return query(
        "SELECT "
            + COLUMNS
            + " FROM jobs WHERE project = ? AND seq < ? ORDER BY seq DESC LIMIT "
            + limit,
        List.of(project, beforeSeq));
  }

  /** Jobs in any of {@code states}, of every project, oldest first. */
  public List<StoredJob> inStates(Set<JobState> states, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM jobs WHERE state IN (");
    List<Object> parameters = new ArrayList<>();
    for (JobState state : states) {
      sql.append(parameters.isEmpty() ? "?" : ", ?");
      parameters.add(state.name());
    }
    sql.append(") ORDER BY seq LIMIT ").append(limit);
    return query(sql.toString(), parameters);
  }

  /** The 1-based place in the queue of the QUEUED job created as {@code seq}. */
  public long queuePosition(long seq) {
    String sql = "SELECT COUNT(*) FROM jobs WHERE state = 'QUEUED' AND seq <= ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement count = connection.prepareStatement(sql)) {
      count.setLong(1, seq);
      try (ResultSet rows = count.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      throw new JobStoreException("Cannot read the queue", e);
    }
  }

  /** The job's IAM policy, or empty when there is no such job. */
  public Optional<StoredPolicy> policy(String project, String jobId) {
    String sql = "SELECT policy_version, policy_json FROM jobs WHERE project = ? AND job_id = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, project);
      select.setString(2, jobId);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        return Optional.of(new StoredPolicy(rows.getLong(1), rows.getString(2)));
      }
    } catch (SQLException e) {
      throw new JobStoreException("Cannot read the policy of job " + jobId, e);
    }
  }

  /**
   * Replaces the job's IAM policy if it is still at {@code expectedVersion}.
   *
   * @return whether the write happened
   */
  public boolean setPolicy(String project, String jobId, long expectedVersion, String json) {
    String sql =
        "UPDATE jobs SET policy_json = ?, policy_version = policy_version + 1"
            + " WHERE project = ? AND job_id = ? AND policy_version = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update = connection.prepareStatement(sql)) {
      update.setString(1, json);
      update.setString(2, project);
      update.setString(3, jobId);
      update.setLong(4, expectedVersion);
      return update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new JobStoreException("Cannot write the policy of job " + jobId, e);
    }
  }

  /** An opaque etag for version {@code version} of the record created as {@code seq}. */
  public static String etagOf(long seq, long version) {
    byte[] bytes = ByteBuffer.allocate(16).putLong(seq).putLong(version).array();
    return Base64.getEncoder().encodeToString(bytes);
  }

  /**
   * The store's connection pool, for tables that live beside the jobs in the same database (the
   * audit log of access control).
   */
  public DataSource dataSource() {
    return dataSource;
  }

  @Override
  public void close() {
    dataSource.close();
  }

  private List<StoredJob> query(String sql, List<?> parameters) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.size(); i++) {
        select.setObject(i + 1, parameters.get(i));
      }
      List<StoredJob> jobs = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          jobs.add(
              new StoredJob(
                  rows.getLong(1),
                  rows.getString(2),
                  rows.getLong(3),
                  fromJson(rows.getString(4))));
        }
      }
      return jobs;
    } catch (SQLException e) {
      throw new JobStoreException("Cannot read jobs", e);
    }
  }

  private static String toJson(Job job) {
    Job stored = copy(job);
    stored.etag = null;
    stored.jobPosition = null;
    try {
      return JobJson.MAPPER.writeValueAsString(stored);
    } catch (JsonProcessingException e) {
      throw new JobStoreException("Cannot write job " + job.jobId + " as JSON", e);
    }
  }

  private static Job fromJson(String json) {
    try {
      return JobJson.MAPPER.readValue(json, Job.class);
    } catch (JsonProcessingException e) {
      throw new JobStoreException("A stored job is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A deep copy of a job, through its JSON. */
  public static Job copy(Job job) {
    return JobJson.MAPPER.convertValue(job, Job.class);
  }
}
