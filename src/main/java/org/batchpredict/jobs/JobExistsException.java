package org.batchpredict.jobs;

/** A create named a job id that the project already uses. */
public class JobExistsException extends RuntimeException {
  public JobExistsException(String project, String jobId) {
    super("Job projects/" + project + "/jobs/" + jobId + " already exists: choose another jobId");
  }
}
