package org.batchpredict.model;

/**
 * A signature call that TensorFlow rejected: the values of some instance in the batch did not suit
 * the model. Callers isolate the instance by calling again on smaller batches.
 */
public class PredictionException extends RuntimeException {
  public PredictionException(String message) {
    super(message);
  }

  public PredictionException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The first line of a TensorFlow error, without the graph dump that follows it. */
  static String describe(RuntimeException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    String firstLine = newline < 0 ? message : message.substring(0, newline);
    return firstLine.strip();
  }
}
