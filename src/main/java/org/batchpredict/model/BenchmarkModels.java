package org.batchpredict.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Model-side pieces of the {@code bench} command: a compute-heavy SavedModel built at run time, and
 * the "model alone" measurement, which calls a signature in a tight loop on tensors built once.
 *
 * <pre>{@code
 * BenchmarkModels.exportMlp(dir, 32, 1024, 10);
 * try (SavedModel model = SavedModel.load(dir, 1)) {
 *   double rowsPerSecond = BenchmarkModels.callLoop(model, "serving_default", batch, 2, 10_000);
 * }
 * }</pre>
 */
public final class BenchmarkModels {
  /** The input of the MLP built by {@link #exportMlp}: float32 {@code [-1, inputs]}. */
  public static final String MLP_INPUT = "features";

  private BenchmarkModels() {}

  /**
   * Writes a SavedModel to {@code dir} (which must not exist): an MLP {@code inputs -> hidden ->
   * hidden -> classes} with ReLU layers and a softmax, weights from a fixed formula. Signature
   * {@code serving_default} takes {@value #MLP_INPUT} float32 {@code [-1, inputs]} and returns
   * {@code probabilities} float32 {@code [-1, classes]} and {@code class_id} int64 {@code [-1]}.
   *
   * @return the number of weights (parameters)
   */
  public static long exportMlp(Path dir, int inputs, int hidden, int classes) throws IOException {
    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> x =
          tf.withName(MLP_INPUT)
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, inputs)));
      var h1 =
          tf.nn.relu(
              tf.math.add(
                  tf.linalg.matMul(x, weights(tf, "w1", inputs, hidden)), bias(tf, "b1", hidden)));
      var h2 =
          tf.nn.relu(
              tf.math.add(
                  tf.linalg.matMul(h1, weights(tf, "w2", hidden, hidden)), bias(tf, "b2", hidden)));
      var logits =
          tf.math.add(
              tf.linalg.matMul(h2, weights(tf, "w3", hidden, classes)), bias(tf, "b3", classes));
      var probabilities = tf.withName("probabilities").nn.softmax(logits);
      var classId = tf.withName("class_id").math.argMax(probabilities, tf.constant(1));
      Signature signature =
          Signature.builder()
              .key(Signature.DEFAULT_KEY)
              .input(MLP_INPUT, x)
              .output("probabilities", probabilities)
              .output("class_id", classId)
              .build();
      session.initialize();
      SavedModelBundle.exporter(dir.toString())
          .withSession(session)
          .withFunction(SessionFunction.create(signature, session))
          .export();
    }
    return (long) inputs * hidden
        + hidden
        + (long) hidden * hidden
        + hidden
        + (long) hidden * classes
        + classes;
  }

  /**
   * Calls signature {@code key} {@code calls} times in all, spread over {@code threads} threads,
   * each thread on its own copy of {@code batch} as tensors built before the clock starts.
   *
   * @return rows per second (batch rows times calls, over the wall time of the loop)
   */
  public static double callLoop(
      SavedModel model, String key, Map<String, Column> batch, int threads, long calls)
      throws InterruptedException {
    SessionFunction function = model.function(key);
    int rows = batch.values().iterator().next().rows();
    List<Map<String, Tensor>> feeds = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Map<String, Tensor> feed = new LinkedHashMap<>();
      batch.forEach((name, column) -> feed.put(name, Tensors.toTensor(column)));
      feeds.add(feed);
    }
    try {
      // One untimed call per thread loads the kernels.
      for (Map<String, Tensor> feed : feeds) {
        function.call(feed).close();
      }
      AtomicLong remaining = new AtomicLong(calls);
      List<Thread> workers = new ArrayList<>();
      long start = System.nanoTime();
      for (Map<String, Tensor> feed : feeds) {
        Thread worker =
            new Thread(
                () -> {
                  while (remaining.getAndDecrement() > 0) {
                    try (Result result = function.call(feed)) {
                      // Outputs stay in native memory: the model alone is measured.
                    }
                  }
                },
                "model-loop");
        workers.add(worker);
        worker.start();
      }
      for (Thread worker : workers) {
        worker.join();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return rows * (double) calls / seconds;
    } finally {
      feeds.forEach(feed -> feed.values().forEach(Tensor::close));
    }
  }

  private static Variable<TFloat32> weights(Ops tf, String name, int rows, int cols) {
    float[][] m = new float[rows][cols];
    float scale = (float) Math.sqrt(2.0 / rows);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        m[r][c] = scale * (float) Math.sin(r * 0.37 + c * 0.11 + name.length());
      }
    }
    return tf.withName(name).variable(tf.constant(m));
  }

  private static Variable<TFloat32> bias(Ops tf, String name, int size) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = 0.01f * (float) Math.cos(i);
    }
    return tf.withName(name).variable(tf.constant(v));
  }
}
