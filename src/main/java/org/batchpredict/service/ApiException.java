package org.batchpredict.service;

import org.batchpredict.iam.IamException;
import org.batchpredict.iam.InvalidPolicyException;

/**
 * A failed API call, sent as a {@code google.rpc.Status} JSON error. {@link #field} names the
 * request field at fault, when there is one.
 */
public class ApiException extends RuntimeException {
  /** The canonical error codes used here, with their HTTP status. */
  public enum Status {
    INVALID_ARGUMENT(400),
    FAILED_PRECONDITION(400),
    UNAUTHENTICATED(401),
    PERMISSION_DENIED(403),
    NOT_FOUND(404),
    ALREADY_EXISTS(409),
    ABORTED(409),
    INTERNAL(500),
    UNIMPLEMENTED(501),
    UNAVAILABLE(503);

    private final int httpCode;

    Status(int httpCode) {
      this.httpCode = httpCode;
    }

    public int httpCode() {
      return httpCode;
    }
  }

  private final Status status;
  private final String field;
  private int httpCode;

  public ApiException(Status status, String message) {
    this(status, message, null);
  }

  public ApiException(Status status, String message, String field) {
    super(message);
    this.status = status;
    this.field = field;
    this.httpCode = status.httpCode();
  }

  /**
   * An HTTP method that the path does not take: HTTP 405 with status UNIMPLEMENTED, as gRPC
   * transcoding gateways answer it.
   */
  static ApiException methodNotAllowed(String message) {
    ApiException e = new ApiException(Status.UNIMPLEMENTED, message);
    e.httpCode = 405;
    return e;
  }

  /** The HTTP status of the response. */
  public int httpCode() {
    return httpCode;
  }

  public Status status() {
    return status;
  }

  /** The request field at fault, such as {@code job.predictionInput.batchSize}, or null. */
  public String field() {
    return field;
  }

  /**
   * The API error for a refusal of access control: its code, its message (never a token, never a
   * hint whether a denied job exists) and, for a bad policy, the field at fault.
   */
  static ApiException from(IamException e) {
    ApiException error =
        new ApiException(
            Status.valueOf(e.status()),
            e.getMessage(),
            e instanceof InvalidPolicyException invalid ? invalid.field() : null);
    error.httpCode = e.httpStatus();
    return error;
  }

  static ApiException invalid(String message) {
    return new ApiException(Status.INVALID_ARGUMENT, message);
  }
}
