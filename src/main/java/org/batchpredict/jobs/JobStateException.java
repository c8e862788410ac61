package org.batchpredict.jobs;

/** An operation that the job's current state does not allow, such as cancelling a finished job. */
public class JobStateException extends RuntimeException {
  private final JobState state;

  public JobStateException(JobState state, String message) {
    super(message);
    this.state = state;
  }

  public JobState state() {
    return state;
  }
}
