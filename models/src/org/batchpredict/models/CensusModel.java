package org.batchpredict.models;

import static org.batchpredict.models.Graphs.batchInput;
import static org.batchpredict.models.Graphs.column;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * Builds {@code models/census}: a tabular classifier with one input of each common dtype.
 *
 * <p>Signature {@code serving_default} takes {@code key} string, {@code age} float32, {@code
 * hours_per_week} int64, {@code capital_gain} float64, {@code is_married} bool, {@code
 * education_code} int32 (all {@code [-1]}) and {@code features} float32 {@code [-1, 4]}; it returns
 * {@code key} (echoed), {@code probabilities} float32 {@code [-1, 3]}, {@code class_id} int64,
 * {@code label} and {@code label_bytes} string, {@code score} float64. Signature {@code
 * features_only} maps {@code features} float32 {@code [-1, 4]} to {@code score} float32 {@code
 * [-1]}. The weights are in {@link CensusWeights}.
 */
final class CensusModel {

  /** Signature name of the second, single-input signature. */
  static final String FEATURES_ONLY = "features_only";

  private CensusModel() {}

  /** Writes the census SavedModel into {@code dir}, which must not exist yet. */
  static void export(Path dir) throws IOException {
    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Graphs.export(dir, session, servingDefault(tf), featuresOnly(tf.withSubScope(FEATURES_ONLY)));
    }
  }

  private static Signature servingDefault(Ops tf) {
    var key = batchInput(tf, "key", TString.class);
    var age = batchInput(tf, "age", TFloat32.class);
    var hoursPerWeek = batchInput(tf, "hours_per_week", TInt64.class);
    var capitalGain = batchInput(tf, "capital_gain", TFloat64.class);
    var isMarried = batchInput(tf, "is_married", TBool.class);
    var educationCode = batchInput(tf, "education_code", TInt32.class);
    var features = batchInput(tf, "features", TFloat32.class, 4);

    // The 9-column row x, scaled exactly as CensusWeights.censusRow documents it.
    List<Operand<TFloat32>> columns =
        List.of(
            column(tf, tf.math.div(age, tf.constant(100f))),
            column(
                tf, tf.math.div(tf.dtypes.cast(hoursPerWeek, TFloat32.class), tf.constant(100f))),
            column(
                tf, tf.dtypes.cast(tf.math.div(capitalGain, tf.constant(10000.0)), TFloat32.class)),
            column(tf, tf.dtypes.cast(isMarried, TFloat32.class)),
            column(
                tf, tf.math.div(tf.dtypes.cast(educationCode, TFloat32.class), tf.constant(16f))),
            features);
    Operand<TFloat32> x = tf.withName("x").concat(columns, tf.constant(1));

    // Two dense layers and a softmax.
    var w1 =
        Graphs.matrixVariable(
            tf, "w1", CensusWeights.INPUTS, CensusWeights.HIDDEN, CensusWeights::w1);
    var b1 = Graphs.vectorVariable(tf, "b1", CensusWeights.HIDDEN, CensusWeights::b1);
    var w2 =
        Graphs.matrixVariable(
            tf, "w2", CensusWeights.HIDDEN, CensusWeights.CLASSES, CensusWeights::w2);
    var b2 = Graphs.vectorVariable(tf, "b2", CensusWeights.CLASSES, CensusWeights::b2);
    var hidden = tf.withName("hidden").nn.relu(tf.math.add(tf.linalg.matMul(x, w1), b1));
    var logits = tf.withName("logits").math.add(tf.linalg.matMul(hidden, w2), b2);
    var probabilities = tf.withName("probabilities").nn.softmax(logits);

    // Derived outputs: the winning class, its name twice (text and bytes alias) and its score.
    var classId = tf.withName("class_id").math.argMax(probabilities, tf.constant(1));
    var labels = tf.constant(NdArrays.vectorOfObjects(CensusWeights.LABELS.toArray(String[]::new)));
    var label = tf.withName("label").gather(labels, classId, tf.constant(0));
    var labelBytes = tf.withName("label_bytes").identity(label);
    var score =
        tf.withName("score").dtypes.cast(tf.max(probabilities, tf.constant(1)), TFloat64.class);

    return Signature.builder()
        .key(Signature.DEFAULT_KEY)
        .input("key", key)
        .input("age", age)
        .input("hours_per_week", hoursPerWeek)
        .input("capital_gain", capitalGain)
        .input("is_married", isMarried)
        .input("education_code", educationCode)
        .input("features", features)
        .output("key", tf.withName("key_echo").identity(key))
        .output("probabilities", probabilities)
        .output("class_id", classId)
        .output("label", label)
        .output("label_bytes", labelBytes)
        .output("score", score)
        .build();
  }

  private static Signature featuresOnly(Ops tf) {
    var features = batchInput(tf, "features", TFloat32.class, 4);
    var weights =
        Graphs.vectorVariable(
            tf, "weights", 4, i -> CensusWeights.FEATURES_ONLY_WEIGHTS.get(i).doubleValue());
    var score =
        tf.withName("score")
            .math
            .add(
                tf.sum(tf.math.mul(features, weights), tf.constant(1)),
                tf.constant((float) CensusWeights.FEATURES_ONLY_BIAS));
    return Signature.builder()
        .key(FEATURES_ONLY)
        .input("features", features)
        .output("score", score)
        .build();
  }
}
