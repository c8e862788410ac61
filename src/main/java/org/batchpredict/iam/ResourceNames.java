package org.batchpredict.iam;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The resource names access is checked on: {@code projects/P} and {@code projects/P/jobs/J}. */
public final class ResourceNames {
  private static final Pattern PROJECT = Pattern.compile("projects/([^/]+)");
  private static final Pattern JOB = Pattern.compile("projects/([^/]+)/jobs/([^/]+)");

  private ResourceNames() {}

  public static boolean isJob(String resource) {
    return JOB.matcher(resource).matches();
  }

  /**
   * The project id of {@code projects/P} or {@code projects/P/jobs/J}.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static String project(String resource) {
    Matcher job = JOB.matcher(resource);
    if (job.matches()) {
      return job.group(1);
    }
    Matcher project = PROJECT.matcher(resource);
    if (project.matches()) {
      return project.group(1);
    }
    throw new IllegalArgumentException(
        "\"" + resource + "\" is not a resource name: expected projects/P or projects/P/jobs/J");
  }

  /** {@code projects/P/jobs/J}. */
  public static String job(String project, String jobId) {
    return "projects/" + project + "/jobs/" + jobId;
  }
}
