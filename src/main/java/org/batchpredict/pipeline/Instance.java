package org.batchpredict.pipeline;

import java.util.Arrays;

/**
 * One parsed instance: a value per signature input, in the signature's input order. Each value is a
 * flat primitive array as {@link org.batchpredict.model.Column} holds it, with the instance's own
 * shape (no batch dimension).
 */
final class Instance {
  final Position position;
  final byte[] record;
  final Object[] values;
  final long[][] shapes;

  Instance(Position position, byte[] record, Object[] values, long[][] shapes) {
    this.position = position;
    this.record = record;
    this.values = values;
    this.shapes = shapes;
  }

  /** Instances with equal shape keys can share a signature call. */
  String shapeKey() {
    StringBuilder key = new StringBuilder();
    for (long[] shape : shapes) {
      key.append(Arrays.toString(shape));
    }
    return key.toString();
  }
}
