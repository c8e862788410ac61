package org.batchpredict.jobs;

/** A valid job of a kind this server does not run (a training job). */
public class UnsupportedJobException extends RuntimeException {
  public UnsupportedJobException(String message) {
    super(message);
  }
}
