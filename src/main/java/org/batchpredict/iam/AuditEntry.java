package org.batchpredict.iam;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One audited call: who ({@code principal}, a member string or {@code anonymous}), what ({@code
 * method}, such as {@code projects.jobs.cancel}, on {@code resource}), when, and how it ended:
 * {@code outcome} ALLOWED or DENIED and {@code status}, the {@code google.rpc} code name ({@code
 * OK}, {@code PERMISSION_DENIED}, ...). {@code detail} is the error message, if any; it never holds
 * a token.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEntry(
    long seq,
    Instant time,
    String principal,
    String method,
    String resource,
    Outcome outcome,
    String status,
    String detail) {

  /** The principal recorded for a request without valid credentials. */
  public static final String ANONYMOUS = "anonymous";

  /** Whether access control let the call through. */
  public enum Outcome {
    ALLOWED,
    DENIED
  }

  /**
   * An entry for a call that ended with {@code status}; DENIED when that is {@code UNAUTHENTICATED}
   * or {@code PERMISSION_DENIED}. The sequence number is given by the log.
   */
  public static AuditEntry of(
      Instant time,
      String principal,
      String method,
      String resource,
      String status,
      String detail) {
    Outcome outcome =
        status.equals("UNAUTHENTICATED") || status.equals("PERMISSION_DENIED")
            ? Outcome.DENIED
            : Outcome.ALLOWED;
    return new AuditEntry(0, time, principal, method, resource, outcome, status, detail);
  }
}
