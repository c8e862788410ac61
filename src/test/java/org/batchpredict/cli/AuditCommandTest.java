package org.batchpredict.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import org.batchpredict.iam.JdbcAuditLog;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AuditCommandTest {
  @Test
  void printsEntriesOfTheDataDirectoryAsJsonLinesFiltered(@TempDir Path dataDir) {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:file:" + dataDir.resolve("jobs"));
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    JdbcAuditLog log = new JdbcAuditLog(dataSource);
    log.recordCall(
        Instant.parse("2026-01-15T10:00:00Z"),
        "user:alice@example.com",
        "projects.jobs.create",
        "projects/p",
        "OK",
        null);
    log.recordCall(
        Instant.parse("2026-01-15T11:00:00Z"),
        "user:bob@example.com",
        "projects.jobs.cancel",
        "projects/p/jobs/j",
        "PERMISSION_DENIED",
        null);
    log.recordCall(
        Instant.parse("2026-01-15T12:00:00Z"),
        "user:alice@example.com",
        "projects.jobs.cancel",
        "projects/p/jobs/j",
        "OK",
        null);
    StringWriter out = new StringWriter();

    int exit =
        new CommandLine(new Main())
            .setOut(new PrintWriter(out))
            .execute(
                "audit",
                "--data-dir=" + dataDir,
                "--since=2026-01-15T10:30:00Z",
                "--principal=user:alice@example.com");

    assertThat(exit).isZero();
    assertThat(out.toString().lines())
        .containsExactly(
            "{\"seq\":3,\"time\":\"2026-01-15T12:00:00Z\",\"principal\":\"user:alice@example.com\","
                + "\"method\":\"projects.jobs.cancel\",\"resource\":\"projects/p/jobs/j\","
                + "\"outcome\":\"ALLOWED\",\"status\":\"OK\"}");
  }

  @Test
  void missingDatabaseIsAnErrorNotAnEmptyLog(@TempDir Path dataDir) {
    StringWriter err = new StringWriter();

    int exit =
        new CommandLine(new Main())
            .setErr(new PrintWriter(err))
            .execute("audit", "--data-dir=" + dataDir.resolve("nothing-here"));

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("Cannot read the audit log");
  }

  @Test
  void sinceTakesAnAgeOrATime() {
    Instant now = Instant.parse("2026-01-15T12:00:00Z");

    assertThat(AuditCommand.parseSince("90m", now))
        .isEqualTo(Instant.parse("2026-01-15T10:30:00Z"));
    assertThat(AuditCommand.parseSince("2d", now)).isEqualTo(Instant.parse("2026-01-13T12:00:00Z"));
    assertThat(AuditCommand.parseSince("2026-01-01T00:00:00Z", now))
        .isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThatThrownBy(() -> AuditCommand.parseSince("yesterday", now))
        .hasMessageContaining("Invalid --since \"yesterday\"");
  }
}
