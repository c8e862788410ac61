package org.batchpredict.iam;

/**
 * A policy, role, member, condition or request field that breaks a rule (HTTP 400,
 * INVALID_ARGUMENT); {@link #field()} names the culprit, such as {@code
 * policy.bindings[2].members[0]}.
 */
public final class InvalidPolicyException extends IamException {
  private final String field;

  public InvalidPolicyException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  /** The path of the offending value. */
  public String field() {
    return field;
  }

  @Override
  public String status() {
    return "INVALID_ARGUMENT";
  }

  @Override
  public int httpStatus() {
    return 400;
  }
}
