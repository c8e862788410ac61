package org.batchpredict.jobs;

/** The states of a job, as the API names them. */
public enum JobState {
  STATE_UNSPECIFIED,
  QUEUED,
  PREPARING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLING,
  CANCELLED;

  /** Whether the job has ended and will not change state again. */
  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
