package org.batchpredict.model;

import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/** Copies between {@link Column}s and tensors: primitive arrays in, primitive arrays out. */
final class Tensors {
  private Tensors() {}

  /** A new tensor holding the column's values; the caller closes it. */
  static Tensor toTensor(Column column) {
    Shape shape = Shape.of(column.shape());
    Object data = column.data();
    switch (column.dtype()) {
      case FLOAT:
        return TFloat32.tensorOf(shape, DataBuffers.of((float[]) data, true, false));
      case DOUBLE:
        return TFloat64.tensorOf(shape, DataBuffers.of((double[]) data, true, false));
      case INT32:
        return TInt32.tensorOf(shape, DataBuffers.of((int[]) data, true, false));
      case INT64:
        return TInt64.tensorOf(shape, DataBuffers.of((long[]) data, true, false));
      case UINT8:
        return TUint8.tensorOf(shape, DataBuffers.of((byte[]) data, true, false));
      case BOOL:
        return TBool.tensorOf(shape, DataBuffers.of((boolean[]) data, true, false));
      case STRING:
        return TString.tensorOfBytes(shape, DataBuffers.ofObjects((byte[][]) data));
      default:
        throw new IllegalArgumentException("Cannot feed a tensor of type " + column.dtype());
    }
  }

  /** The values of an output tensor, copied out of native memory. */
  static Column toColumn(Tensor tensor) {
    long[] shape = tensor.shape().asArray();
    int size = Math.toIntExact(tensor.shape().size());
    if (tensor instanceof TFloat32) {
      float[] values = new float[size];
      ((TFloat32) tensor).copyTo(DataBuffers.of(values, false, false));
      return new Column(DType.FLOAT, shape, values);
    } else if (tensor instanceof TFloat64) {
      double[] values = new double[size];
      ((TFloat64) tensor).copyTo(DataBuffers.of(values, false, false));
      return new Column(DType.DOUBLE, shape, values);
    } else if (tensor instanceof TInt32) {
      int[] values = new int[size];
      ((TInt32) tensor).copyTo(DataBuffers.of(values, false, false));
      return new Column(DType.INT32, shape, values);
    } else if (tensor instanceof TInt64) {
      long[] values = new long[size];
      ((TInt64) tensor).copyTo(DataBuffers.of(values, false, false));
      return new Column(DType.INT64, shape, values);
    } else if (tensor instanceof TUint8) {
      byte[] values = new byte[size];
      ((TUint8) tensor).copyTo(DataBuffers.of(values, false, false));
      return new Column(DType.UINT8, shape, values);
    } else if (tensor instanceof TBool) {
      boolean[] values = new boolean[size];
      ((TBool) tensor).copyTo(DataBuffers.of(values, false, false));
      return new Column(DType.BOOL, shape, values);
    } else if (tensor instanceof TString) {
      byte[][] values = new byte[size][];
      ((TString) tensor).asBytes().copyTo(DataBuffers.ofObjects(values));
      return new Column(DType.STRING, shape, values);
    }
    throw new PredictionException(
        "The model returned a tensor of type " + tensor.dataType() + ", which cannot be written");
  }
}
