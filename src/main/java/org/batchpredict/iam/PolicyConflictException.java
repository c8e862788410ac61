package org.batchpredict.iam;

/**
 * A {@code setIamPolicy} whose {@code etag} is no longer the policy's: somebody else wrote it since
 * the caller read it (HTTP 409, ABORTED). Read the policy again, reapply the change, and retry.
 */
public final class PolicyConflictException extends IamException {
  public PolicyConflictException(String resource) {
    super(
        "The IAM policy of "
            + resource
            + " changed since it was read (stale etag): get the policy again, reapply the change"
            + " and retry.");
  }

  @Override
  public String status() {
    return "ABORTED";
  }

  @Override
  public int httpStatus() {
    return 409;
  }
}
