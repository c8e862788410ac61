package org.batchpredict.pipeline;

/**
 * A prediction that cannot start: an input pattern that matches nothing, a model that does not load
 * or lacks the signature, an input format the signature cannot take. The message says which and how
 * to fix it.
 */
public class PredictionSetupException extends RuntimeException {
  public PredictionSetupException(String message) {
    super(message);
  }

  public PredictionSetupException(String message, Throwable cause) {
    super(message, cause);
  }
}
