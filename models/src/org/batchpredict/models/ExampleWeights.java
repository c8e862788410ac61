package org.batchpredict.models;

import java.util.List;

/**
 * The weights of the tf_example and image example models, as closed formulas.
 *
 * <p>Like {@link CensusWeights}, this is the one place the numbers are defined: the builders put
 * them into the graphs as float32 and tests recompute predictions from here in doubles.
 */
public final class ExampleWeights {

  /** Weights of the tf_example model: {@code y = x·TF_EXAMPLE_WEIGHTS + TF_EXAMPLE_BIAS}. */
  public static final List<Double> TF_EXAMPLE_WEIGHTS = List.of(0.5, -1.0, 2.0);

  /** Bias of the tf_example model. */
  public static final double TF_EXAMPLE_BIAS = 0.25;

  private ExampleWeights() {}

  /** Image model weights, {@code Wimg[c][k] = (c + 1) * (k == 0 ? 1 : -1)}, c in [0, 3). */
  public static double wImage(int c, int k) {
    return (c + 1) * (k == 0 ? 1 : -1);
  }

  /** Image model bias, {@code bimg = [0, 0.5]}. */
  public static double bImage(int k) {
    return k == 0 ? 0.0 : 0.5;
  }

  /** Image class probabilities for one per-channel mean (pixel values / 255). */
  public static double[] imageProbabilities(double[] meanRgb) {
    double[] logits = new double[2];
    for (int k = 0; k < 2; k++) {
      logits[k] = bImage(k);
      for (int c = 0; c < 3; c++) {
        logits[k] += meanRgb[c] * wImage(c, k);
      }
    }
    return CensusWeights.softmax(logits);
  }

  /** Output {@code y} of the tf_example model for one {@code x}. */
  public static double tfExampleY(double[] x) {
    double sum = TF_EXAMPLE_BIAS;
    for (int i = 0; i < 3; i++) {
      sum += x[i] * TF_EXAMPLE_WEIGHTS.get(i);
    }
    return sum;
  }
}
