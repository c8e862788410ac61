package org.batchpredict.iam;

/**
 * The caller lacks a permission on a resource (HTTP 403). The message is the same whether or not
 * the resource exists, so a denial never reveals a job.
 */
public final class PermissionDeniedException extends IamException {
  private final String permission;
  private final String resource;

  public PermissionDeniedException(String permission, String resource) {
    super(
        "Permission '"
            + permission
            + "' denied on resource '"
            + resource
            + "' (or it may not exist).");
    this.permission = permission;
    this.resource = resource;
  }

  public String permission() {
    return permission;
  }

  public String resource() {
    return resource;
  }

  @Override
  public String status() {
    return "PERMISSION_DENIED";
  }

  @Override
  public int httpStatus() {
    return 403;
  }
}
