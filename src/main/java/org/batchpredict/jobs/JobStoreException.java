package org.batchpredict.jobs;

/** The job database failed: an infrastructure fault, never a fault of the request. */
public class JobStoreException extends RuntimeException {
  public JobStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
