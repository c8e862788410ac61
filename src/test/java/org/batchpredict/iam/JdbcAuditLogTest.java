package org.batchpredict.iam;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcAuditLogTest {
  private JdbcAuditLog log;

  @BeforeEach
  void migrateAFreshDatabase() {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:audit-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    log = new JdbcAuditLog(dataSource);
  }

  @Test
  void recordedEntriesReadBackInOrder() {
    Instant t1 = Instant.parse("2026-01-15T10:00:00.123Z");
    Instant t2 = Instant.parse("2026-01-15T10:05:00Z");

    log.recordCall(t1, "user:alice@example.com", "projects.jobs.create", "projects/p", "OK", null);
    log.recordCall(
        t2,
        "user:bob@example.com",
        "projects.jobs.cancel",
        "projects/p/jobs/j",
        "PERMISSION_DENIED",
        "Permission 'ml.jobs.cancel' denied");

    List<AuditEntry> entries = log.read(null, null, 100);
    assertThat(entries).hasSize(2);
    AuditEntry first = entries.get(0);
    assertThat(first.time()).isEqualTo(t1);
    assertThat(first.principal()).isEqualTo("user:alice@example.com");
    assertThat(first.method()).isEqualTo("projects.jobs.create");
    assertThat(first.resource()).isEqualTo("projects/p");
    assertThat(first.outcome()).isEqualTo(AuditEntry.Outcome.ALLOWED);
    assertThat(first.status()).isEqualTo("OK");
    AuditEntry second = entries.get(1);
    assertThat(second.outcome()).isEqualTo(AuditEntry.Outcome.DENIED);
    assertThat(second.detail()).contains("ml.jobs.cancel");
    assertThat(second.seq()).isGreaterThan(first.seq());
  }

  @Test
  void allowedReadsAreNotRecordedButDeniedOnesAndFailedAuthAre() {
    Instant now = Instant.parse("2026-01-15T10:00:00Z");

    log.recordCall(
        now, "user:alice@example.com", "projects.jobs.get", "projects/p/jobs/j", "OK", null);
    log.recordCall(
        now,
        "user:alice@example.com",
        "projects.jobs.get",
        "projects/p/jobs/k",
        "PERMISSION_DENIED",
        null);
    log.recordCall(
        now, null, "projects.jobs.list", "projects/p", "UNAUTHENTICATED", "Missing credentials");
    log.recordCall(
        now,
        "user:alice@example.com",
        "projects.jobs.setIamPolicy",
        "projects/p/jobs/j",
        "ABORTED",
        null);

    assertThat(log.read(null, null, 100))
        .extracting(AuditEntry::principal, AuditEntry::resource, AuditEntry::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "user:alice@example.com", "projects/p/jobs/k", AuditEntry.Outcome.DENIED),
            org.assertj.core.groups.Tuple.tuple(
                AuditEntry.ANONYMOUS, "projects/p", AuditEntry.Outcome.DENIED),
            org.assertj.core.groups.Tuple.tuple(
                "user:alice@example.com", "projects/p/jobs/j", AuditEntry.Outcome.ALLOWED));
  }

  @Test
  void readFiltersBySinceAndPrincipalAndLimits() {
    for (int minute = 0; minute < 5; minute++) {
      String who = minute % 2 == 0 ? "user:alice@example.com" : "user:bob@example.com";
      log.recordCall(
          Instant.parse("2026-01-15T10:0" + minute + ":00Z"),
          who,
          "projects.jobs.create",
          "projects/p",
          "OK",
          null);
    }

    assertThat(log.read(Instant.parse("2026-01-15T10:02:00Z"), null, 100)).hasSize(3);
    assertThat(log.read(null, "user:bob@example.com", 100)).hasSize(2);
    assertThat(log.read(Instant.parse("2026-01-15T10:01:00Z"), "user:alice@example.com", 100))
        .extracting(AuditEntry::time)
        .containsExactly(
            Instant.parse("2026-01-15T10:02:00Z"), Instant.parse("2026-01-15T10:04:00Z"));
    assertThat(log.read(null, null, 2)).hasSize(2);
  }
}
