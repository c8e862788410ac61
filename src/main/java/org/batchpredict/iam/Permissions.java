package org.batchpredict.iam;

import java.util.List;

/** The permissions on jobs that the API's methods check; each method needs exactly one. */
public final class Permissions {
  public static final String CREATE = "ml.jobs.create";
  public static final String GET = "ml.jobs.get";
  public static final String LIST = "ml.jobs.list";
  public static final String CANCEL = "ml.jobs.cancel";
  public static final String UPDATE = "ml.jobs.update";
  public static final String GET_IAM_POLICY = "ml.jobs.getIamPolicy";
  public static final String SET_IAM_POLICY = "ml.jobs.setIamPolicy";

  /** Every job permission, in the order of the reference. */
  public static final List<String> ALL =
      List.of(CREATE, GET, LIST, CANCEL, UPDATE, GET_IAM_POLICY, SET_IAM_POLICY);

  /**
   * The permission a {@code projects.jobs} method needs: {@code create} and {@code list} on the
   * project, the others on the job. {@code testIamPermissions} needs none.
   *
   * @throws IllegalArgumentException for a method the API does not have
   */
  public static String forMethod(String method) {
    return switch (method) {
      case "create" -> CREATE;
      case "get" -> GET;
      case "list" -> LIST;
      case "cancel" -> CANCEL;
      case "patch" -> UPDATE;
      case "getIamPolicy" -> GET_IAM_POLICY;
      case "setIamPolicy" -> SET_IAM_POLICY;
      default ->
          throw new IllegalArgumentException(
              "No permission for method \""
                  + method
                  + "\": expected one of create, get, list,"
                  + " cancel, patch, getIamPolicy, setIamPolicy");
    };
  }

  private Permissions() {}
}
