package org.batchpredict.models;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.io.ParseExample;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * Builds {@code models/tf_example}: a model fed serialized {@code tf.Example} protos.
 *
 * <p>Signature {@code serving_default} takes {@code examples} string {@code [-1]} and parses them
 * inside the graph (op {@code ParseExampleV2}) into dense features {@code x} float {@code [3]} and
 * {@code id} int64 {@code [1]}. Neither feature has a default, so a record missing one makes the
 * whole call fail. Outputs: {@code id} int64 {@code [-1]} and {@code y} float32 {@code [-1]} with
 * {@code y = x·[0.5, -1, 2] + 0.25} ({@link ExampleWeights}).
 */
final class TfExampleModel {

  private TfExampleModel() {}

  /** Writes the tf_example SavedModel into {@code dir}, which must not exist yet. */
  static void export(Path dir) throws IOException {
    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      var examples = Graphs.batchInput(tf, "examples", TString.class);

      // Dense features with empty defaults, which ParseExampleV2 reads as "required".
      var noKeys = tf.constant(NdArrays.ofObjects(String.class, Shape.of(0)));
      ParseExample parsed =
          tf.withName("parse_examples")
              .io
              .parseExample(
                  examples,
                  noKeys,
                  noKeys,
                  tf.constant(NdArrays.vectorOfObjects("x", "id")),
                  noKeys,
                  List.of(tf.constant(new float[0]), tf.constant(new long[0])),
                  0L,
                  List.of(),
                  List.of(),
                  List.of(),
                  List.of(Shape.of(3), Shape.of(1)));
      @SuppressWarnings("unchecked")
      Operand<TFloat32> x = (Operand<TFloat32>) parsed.denseValues().get(0);
      @SuppressWarnings("unchecked")
      Operand<TInt64> id = (Operand<TInt64>) parsed.denseValues().get(1);

      var weights =
          Graphs.vectorVariable(
              tf, "weights", 3, i -> ExampleWeights.TF_EXAMPLE_WEIGHTS.get(i).doubleValue());
      var y =
          tf.withName("y")
              .math
              .add(
                  tf.sum(tf.math.mul(x, weights), tf.constant(1)),
                  tf.constant((float) ExampleWeights.TF_EXAMPLE_BIAS));

      Signature signature =
          Signature.builder()
              .key(Signature.DEFAULT_KEY)
              .input("examples", examples)
              .output("id", tf.withName("id").reshape(id, tf.constant(new long[] {-1})))
              .output("y", y)
              .build();
      Graphs.export(dir, session, signature);
    }
  }
}
