package org.batchpredict.iam;

/**
 * A refused call, carrying the {@code google.rpc.Status} code name and HTTP status the service
 * answers with. Messages are safe to show to the caller: they never hold a token, and a denial
 * never tells whether the resource exists.
 */
public abstract class IamException extends RuntimeException {
  protected IamException(String message) {
    super(message);
  }

  /** The canonical code name, such as {@code PERMISSION_DENIED}. */
  public abstract String status();

  /** The HTTP status that goes with {@link #status()}. */
  public abstract int httpStatus();
}
