package org.batchpredict.jobs;

/** A job request that breaks a rule of the API; {@link #field} names the culprit. */
public class InvalidJobException extends RuntimeException {
  private final String field;

  public InvalidJobException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The offending field's path, such as {@code predictionInput.batchSize}. */
  public String field() {
    return field;
  }
}
