package org.batchpredict.iam;

/** No usable credentials: a missing, malformed or unknown bearer token (HTTP 401). */
public final class UnauthenticatedException extends IamException {
  public UnauthenticatedException(String message) {
    super(message);
  }

  @Override
  public String status() {
    return "UNAUTHENTICATED";
  }

  @Override
  public int httpStatus() {
    return 401;
  }
}
