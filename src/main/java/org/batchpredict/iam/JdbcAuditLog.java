package org.batchpredict.iam;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The audit log in the job store's database, table {@code audit_log} (created by the Flyway
 * migration {@code V100__audit_log.sql}). Works on H2 and PostgreSQL.
 */
public final class JdbcAuditLog implements AuditLog {
  private final DataSource dataSource;

  public JdbcAuditLog(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public void record(AuditEntry entry) {
    String sql =
        "INSERT INTO audit_log (event_time, principal, method, resource, outcome, status, detail)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(sql)) {
      insert.setObject(1, OffsetDateTime.ofInstant(entry.time(), ZoneOffset.UTC));
      insert.setString(2, truncate(entry.principal(), 320));
      insert.setString(3, truncate(entry.method(), 64));
      insert.setString(4, truncate(entry.resource(), 512));
      insert.setString(5, entry.outcome().name());
      insert.setString(6, truncate(entry.status(), 32));
      insert.setString(7, entry.detail());
      insert.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot write the audit log entry for " + entry.method() + " on " + entry.resource(), e);
    }
  }

  @Override
  public List<AuditEntry> read(Instant since, String principal, int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT seq, event_time, principal, method, resource, outcome, status, detail"
                + " FROM audit_log WHERE 1 = 1");
    List<Object> parameters = new ArrayList<>();
    if (since != null) {
      sql.append(" AND event_time >= ?");
      parameters.add(OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
    }
    if (principal != null) {
      sql.append(" AND principal = ?");
      parameters.add(principal);
    }
    sql.append(" ORDER BY seq LIMIT ?");
    parameters.add(limit);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql.toString())) {
      for (int i = 0; i < parameters.size(); i++) {
        select.setObject(i + 1, parameters.get(i));
      }
      List<AuditEntry> entries = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          entries.add(
              new AuditEntry(
                  rows.getLong(1),
                  rows.getObject(2, OffsetDateTime.class).toInstant(),
                  rows.getString(3),
                  rows.getString(4),
                  rows.getString(5),
                  AuditEntry.Outcome.valueOf(rows.getString(6)),
                  rows.getString(7),
                  rows.getString(8)));
        }
      }
      return entries;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the audit log", e);
    }
  }

  private static String truncate(String value, int length) {
    return value.length() <= length ? value : value.substring(0, length);
  }
}
