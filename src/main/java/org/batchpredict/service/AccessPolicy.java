package org.batchpredict.service;

import java.util.List;

/**
 * Decides whether a caller may use a permission on a resource. {@link JobsApi} asks it once per
 * call, before doing anything, with the permission its method needs.
 */
public interface AccessPolicy {
  /** The job permissions of the API, in the order the reference lists them. */
  List<String> JOB_PERMISSIONS =
      List.of(
          "ml.jobs.create",
          "ml.jobs.get",
          "ml.jobs.list",
          "ml.jobs.cancel",
          "ml.jobs.update",
          "ml.jobs.getIamPolicy",
          "ml.jobs.setIamPolicy");

  /**
   * Returns when the call may go on.
   *
   * @param resource {@code projects/P} for create and list, {@code projects/P/jobs/J} otherwise
   * @throws ApiException UNAUTHENTICATED or PERMISSION_DENIED
   */
  void check(RequestContext context, String permission, String resource);

  /** Whether the caller holds the permission on the resource (for testIamPermissions). */
  boolean allows(RequestContext context, String permission, String resource);

  /**
   * The policy of a server without authentication: every caller is the local owner and holds every
   * permission.
   */
  AccessPolicy LOCAL_OWNER =
      new AccessPolicy() {
        @Override
        public void check(RequestContext context, String permission, String resource) {}

        @Override
        public boolean allows(RequestContext context, String permission, String resource) {
          return JOB_PERMISSIONS.contains(permission);
        }
      };
}
