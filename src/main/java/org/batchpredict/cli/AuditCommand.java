package org.batchpredict.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.batchpredict.iam.AuditEntry;
import org.batchpredict.iam.IamJson;
import org.batchpredict.iam.JdbcAuditLog;
import org.batchpredict.jobs.JobStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code audit}: prints the access-control audit log of a jobs service's database, one JSON object
 * per line, oldest first.
 *
 * <pre>
 * batch-predict audit --data-dir data --since 1h --principal user:alice@example.com
 * batch-predict audit --database-url 'jdbc:postgresql://db/jobs?user=u&amp;password=p' --since 2026-01-15T00:00:00Z
 * </pre>
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Prints the access-control audit log as JSON lines, oldest first.")
final class AuditCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      description = "The service's data directory (its embedded database jobs.mv.db).")
  Path dataDir;

  @Option(
      names = {"--database-url", "--jdbc-url"},
      description = "The service's database (as serve's --database-url), instead of --data-dir.")
  String jdbcUrl;

  @Option(
      names = "--since",
      description =
          "Only entries from this time on: RFC 3339 (2026-01-15T10:00:00Z) or an age"
              + " (90s, 30m, 12h, 7d).")
  String since;

  @Option(names = "--principal", description = "Only this caller, such as user:alice@example.com.")
  String principal;

  @Option(names = "--limit", defaultValue = "10000", description = "At most this many entries.")
  int limit;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() throws JsonProcessingException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if ((dataDir == null) == (jdbcUrl == null)) {
      err.println("Name the database with exactly one of --data-dir DIR or --database-url URL.");
      return 2;
    }
    Instant from;
    try {
      from = since == null ? null : parseSince(since, clock.instant());
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
    String url = jdbcUrl != null ? jdbcUrl : JobStore.defaultUrl(dataDir) + ";IFEXISTS=TRUE";
    List<AuditEntry> entries;
    try (HikariDataSource dataSource = open(url)) {
      entries = new JdbcAuditLog(dataSource).read(from, principal, limit);
    } catch (RuntimeException e) {
      err.println(
          "Cannot read the audit log at "
              + (dataDir != null ? dataDir : jdbcUrl)
              + ": "
              + rootMessage(e)
              + " (is it the data directory of a jobs service that has run?)");
      return 1;
    }
    for (AuditEntry entry : entries) {
      out.println(IamJson.MAPPER.writeValueAsString(entry));
    }
    out.flush();
    return 0;
  }

  /** An RFC 3339 time, or an age such as {@code 30m} counted back from {@code now}. */
  static Instant parseSince(String since, Instant now) {
    String value = since.strip().toLowerCase(Locale.ROOT);
    if (value.matches("[0-9]+[smhd]")) {
      long amount = Long.parseLong(value.substring(0, value.length() - 1));
      Duration age =
          switch (value.charAt(value.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
          };
      return now.minus(age);
    }
    try {
      return Instant.parse(since.strip());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "Invalid --since \""
              + since
              + "\": expected an RFC 3339 time such as 2026-01-15T10:00:00Z or an age such as 30m,"
              + " 12h, 7d");
    }
  }

  private static HikariDataSource open(String url) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(1);
    config.setPoolName("audit-reader");
    config.setReadOnly(true);
    return new HikariDataSource(config);
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }
}
