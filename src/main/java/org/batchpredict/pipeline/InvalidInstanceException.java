package org.batchpredict.pipeline;

/** An input record that cannot be turned into the signature's inputs. */
final class InvalidInstanceException extends Exception {
  InvalidInstanceException(String message) {
    super(message, null, false, false);
  }
}
