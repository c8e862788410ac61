package org.batchpredict.pipeline;

/**
 * Where an instance came from: a file and a 1-based line number, record number, or (for a file
 * whose framing broke) byte offset.
 */
public record Position(String file, Kind kind, long number) {
  /** What {@link #number} counts. */
  public enum Kind {
    LINE,
    RECORD,
    BYTE_OFFSET;

    /** The JSON field name used in the errors file. */
    public String fieldName() {
      switch (this) {
        case LINE:
          return "line";
        case RECORD:
          return "record";
        default:
          return "byteOffset";
      }
    }
  }

  @Override
  public String toString() {
    return file + " " + kind.fieldName() + " " + number;
  }
}
