package org.batchpredict.models;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/** Small graph-building steps shared by the example model builders. */
final class Graphs {

  private Graphs() {}

  /** A placeholder named {@code name} with a leading batch dimension and the given inner dims. */
  static <T extends TType> Placeholder<T> batchInput(
      Ops tf, String name, Class<T> type, long... innerDims) {
    long[] dims = new long[innerDims.length + 1];
    dims[0] = -1;
    System.arraycopy(innerDims, 0, dims, 1, innerDims.length);
    return tf.withName(name).placeholder(type, Placeholder.shape(Shape.of(dims)));
  }

  /** Turns a batch vector {@code [-1]} into a one-column matrix {@code [-1, 1]}. */
  static <T extends TType> Operand<T> column(Ops tf, Operand<T> vector) {
    return tf.expandDims(vector, tf.constant(1));
  }

  /** A float32 variable {@code [rows, cols]} holding {@code value(r, c)}, named {@code name}. */
  static Variable<TFloat32> matrixVariable(
      Ops tf, String name, int rows, int cols, MatrixEntry value) {
    float[][] m = new float[rows][cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        m[r][c] = (float) value.at(r, c);
      }
    }
    return tf.withName(name).variable(tf.constant(m));
  }

  /** A float32 variable {@code [size]} holding {@code value(i)}, named {@code name}. */
  static Variable<TFloat32> vectorVariable(
      Ops tf, String name, int size, IntFunction<Double> value) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = value.apply(i).floatValue();
    }
    return tf.withName(name).variable(tf.constant(v));
  }

  /**
   * Initialises the session's variables and writes a SavedModel with the tag {@code serve} and one
   * signature per entry of {@code signatures}.
   */
  static void export(Path dir, Session session, Signature... signatures) throws IOException {
    session.initialize();
    SavedModelBundle.Exporter exporter = SavedModelBundle.exporter(dir.toString());
    exporter.withSession(session);
    for (Signature signature : signatures) {
      exporter.withFunction(SessionFunction.create(signature, session));
    }
    exporter.export();
    rewriteDeterministically(dir.resolve("saved_model.pb"));
  }

  /**
   * Re-serialises a {@code saved_model.pb} with sorted map entries. TensorFlow writes node
   * attributes in hash order, so without this every rebuild of the same graph gives other bytes.
   */
  private static void rewriteDeterministically(Path savedModelPb) throws IOException {
    SavedModel savedModel = SavedModel.parseFrom(Files.readAllBytes(savedModelPb));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.useDeterministicSerialization();
    savedModel.writeTo(out);
    out.flush();
    Files.write(savedModelPb, bytes.toByteArray());
  }

  /** One entry of a weight matrix, given by its row and column. */
  @FunctionalInterface
  interface MatrixEntry {
    double at(int row, int col);
  }
}
