package org.batchpredict.iam;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The record of who changed what and who was turned away. The service calls {@link #recordCall}
 * once per request, after it has answered; mutating methods and denied calls are kept, other reads
 * are not.
 */
public interface AuditLog {
  /** The methods that change state: always recorded. */
  Set<String> MUTATING =
      Set.of(
          "projects.jobs.create",
          "projects.jobs.cancel",
          "projects.jobs.patch",
          "projects.jobs.setIamPolicy");

  /** Appends an entry. */
  void record(AuditEntry entry);

  /**
   * Entries in the order they were recorded.
   *
   * @param since only entries at or after this time; null for all
   * @param principal only this principal's entries; null for everybody's
   * @param limit at most this many, the oldest first
   */
  List<AuditEntry> read(Instant since, String principal, int limit);

  /** True when a call of {@code method} ending with {@code status} belongs in the log. */
  static boolean shouldRecord(String method, String status) {
    return MUTATING.contains(method)
        || status.equals("UNAUTHENTICATED")
        || status.equals("PERMISSION_DENIED");
  }

  /**
   * Records a finished call if it belongs in the log.
   *
   * @param principal the caller's member, or null when authentication failed
   * @param method the API method, such as {@code projects.jobs.cancel}
   * @param status the {@code google.rpc} code name the call ended with, {@code OK} on success
   * @param detail the error message, or null
   */
  default void recordCall(
      Instant time,
      String principal,
      String method,
      String resource,
      String status,
      String detail) {
    if (shouldRecord(method, status)) {
      record(
          AuditEntry.of(
              time,
              principal == null ? AuditEntry.ANONYMOUS : principal,
              method,
              resource,
              status,
              detail));
    }
  }
}
