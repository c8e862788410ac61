package org.batchpredict.iam;

/**
 * A job that does not exist, reported only to a caller who holds the permission the call needs
 * (HTTP 404); everybody else gets {@link PermissionDeniedException}.
 */
public final class ResourceNotFoundException extends IamException {
  public ResourceNotFoundException(String resource) {
    super("Resource " + resource + " not found.");
  }

  @Override
  public String status() {
    return "NOT_FOUND";
  }

  @Override
  public int httpStatus() {
    return 404;
  }
}
