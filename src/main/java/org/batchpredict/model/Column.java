package org.batchpredict.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A batch of values for one signature input or output, held as one flat primitive array in
 * row-major order with its shape (batch dimension first).
 *
 * <p>The array type follows the {@link DType}: {@code float[]} for FLOAT, {@code double[]} for
 * DOUBLE, {@code int[]} for INT32, {@code long[]} for INT64, {@code byte[]} for UINT8, {@code
 * boolean[]} for BOOL and {@code byte[][]} for STRING.
 */
public final class Column {
  private final DType dtype;
  private final long[] shape;
  private final Object data;

  public Column(DType dtype, long[] shape, Object data) {
    this.dtype = Objects.requireNonNull(dtype);
    this.shape = shape.clone();
    this.data = Objects.requireNonNull(data);
    long expected = elementCount(shape);
    if (length(data) != expected) {
      throw new IllegalArgumentException(
          "Column of shape "
              + Arrays.toString(shape)
              + " needs "
              + expected
              + " values, got "
              + length(data));
    }
  }

  public DType dtype() {
    return dtype;
  }

  public long[] shape() {
    return shape.clone();
  }

  /** The size of the leading (batch) dimension, or 1 for a scalar. */
  public int rows() {
    return shape.length == 0 ? 1 : (int) shape[0];
  }

  /** The number of values per row. */
  public int rowSize() {
    long count = 1;
    for (int i = 1; i < shape.length; i++) {
      count *= shape[i];
    }
    return (int) count;
  }

  /** The shape of one row (the shape without its batch dimension). */
  public long[] rowShape() {
    return shape.length == 0 ? new long[0] : Arrays.copyOfRange(shape, 1, shape.length);
  }

  /** The flat values; see the class comment for the array type. */
  public Object data() {
    return data;
  }

  public static long elementCount(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      count *= dim;
    }
    return count;
  }

  private static int length(Object array) {
    return java.lang.reflect.Array.getLength(array);
  }
}
