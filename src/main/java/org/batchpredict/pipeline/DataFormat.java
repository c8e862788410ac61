package org.batchpredict.pipeline;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The input and output file formats, named as the API names them. */
public enum DataFormat {
  /** One JSON instance per line. */
  JSON,
  /** One instance per line; a signature with one string input gets the line as it is. */
  TEXT,
  /** TFRecord files, one instance (the record's bytes) per record. */
  TF_RECORD,
  /** Gzip-compressed TFRecord files. */
  TF_RECORD_GZIP,
  /** Comma-separated values, one instance per row. */
  CSV;

  /**
   * The format named {@code name}.
   *
   * @throws IllegalArgumentException naming the value and the accepted ones
   */
  public static DataFormat parse(String field, String name) {
    for (DataFormat format : values()) {
      if (format.name().equals(name)) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        "Invalid "
            + field
            + " \""
            + name
            + "\": expected one of "
            + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
  }

  boolean isTfRecord() {
    return this == TF_RECORD || this == TF_RECORD_GZIP;
  }

  boolean isLineBased() {
    return !isTfRecord();
  }
}
