package org.batchpredict.model;

/** A model that cannot be loaded, or a signature it does not have: a configuration fault. */
public class ModelException extends RuntimeException {
  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
