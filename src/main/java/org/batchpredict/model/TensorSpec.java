package org.batchpredict.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * One input or output of a signature: its alias, element type and shape.
 *
 * <p>{@code shape} includes the batch dimension first; {@code -1} marks a dimension of unknown
 * size. A {@code null} shape means the model does not declare one.
 */
public final class TensorSpec {
  private final String name;
  private final DType dtype;
  private final long[] shape;
  private final String typeName;

  public TensorSpec(String name, DType dtype, long[] shape) {
    this(name, dtype, shape, dtype.name());
  }

  /**
   * @param typeName the model's own name for the element type, shown when {@code dtype} is {@link
   *     DType#UNSUPPORTED}
   */
  public TensorSpec(String name, DType dtype, long[] shape, String typeName) {
    this.name = Objects.requireNonNull(name);
    this.dtype = Objects.requireNonNull(dtype);
    this.shape = shape == null ? null : shape.clone();
    this.typeName = Objects.requireNonNull(typeName);
  }

  public String name() {
    return name;
  }

  public DType dtype() {
    return dtype;
  }

  /** Whether the model declares the rank of this tensor. */
  public boolean hasKnownRank() {
    return shape != null;
  }

  /**
   * The dimensions of one instance: the declared shape without its batch dimension, or {@code null}
   * when the rank is unknown.
   */
  public long[] instanceShape() {
    if (shape == null) {
      return null;
    }
    return shape.length == 0 ? new long[0] : Arrays.copyOfRange(shape, 1, shape.length);
  }

  /** Whether the declared shape has a leading batch dimension. */
  public boolean isBatched() {
    return shape == null || shape.length > 0;
  }

  @Override
  public String toString() {
    return name + ": " + typeName + (shape == null ? "[?]" : Arrays.toString(shape));
  }
}
