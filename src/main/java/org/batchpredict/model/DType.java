package org.batchpredict.model;

/** The element types batch-predict can feed to and read from a signature. */
public enum DType {
  FLOAT,
  DOUBLE,
  INT32,
  INT64,
  UINT8,
  BOOL,
  STRING,
  /** A type the model uses that batch-predict cannot feed or read. */
  UNSUPPORTED;

  /** Whether values of this type are numbers in JSON (booleans and strings are not). */
  public boolean isNumeric() {
    return this != BOOL && this != STRING && this != UNSUPPORTED;
  }

  /** Whether values of this type must be whole numbers. */
  public boolean isInteger() {
    return this == INT32 || this == INT64 || this == UINT8;
  }
}
