package org.batchpredict.models;

import java.util.List;

/**
 * The weights of the census example model, as closed formulas.
 *
 * <p>This is the one place the numbers are defined: the model builders put them into the graphs as
 * float32, and tests recompute predictions from these methods in plain Java doubles. The same
 * formulas are written out in {@code models/README.md}.
 *
 * <p>Census ({@code models/census}), signature {@code serving_default}: {@code x} is the 9-column
 * row of {@link #censusRow}, {@code h = relu(x·W1 + b1)}, {@code logits = h·W2 + b2}, {@code
 * probabilities = softmax(logits)}. Signature {@code features_only}: {@code score = sum(features *
 * FEATURES_ONLY_WEIGHTS) + FEATURES_ONLY_BIAS}.
 */
public final class CensusWeights {

  /** Width of the census input row {@code x}. */
  public static final int INPUTS = 9;

  /** Width of the census hidden layer {@code h}. */
  public static final int HIDDEN = 8;

  /** Number of census classes. */
  public static final int CLASSES = 3;

  /** Census class names, indexed by {@code class_id}. */
  public static final List<String> LABELS = List.of("low", "medium", "high");

  /** Per-feature weights of the census {@code features_only} signature. */
  public static final List<Double> FEATURES_ONLY_WEIGHTS = List.of(0.5, -1.0, 2.0, 0.25);

  /** Bias of the census {@code features_only} signature. */
  public static final double FEATURES_ONLY_BIAS = 0.125;

  private CensusWeights() {}

  /** First census layer, {@code W1[i][j] = sin(1 + 8i + j) / 2}, i in [0, 9), j in [0, 8). */
  public static double w1(int i, int j) {
    return Math.sin(1 + 8 * i + j) / 2;
  }

  /** First census bias, {@code b1[j] = 0.1j - 0.3}. */
  public static double b1(int j) {
    return 0.1 * j - 0.3;
  }

  /** Second census layer, {@code W2[j][k] = cos(1 + 3j + k)}, j in [0, 8), k in [0, 3). */
  public static double w2(int j, int k) {
    return Math.cos(1 + 3 * j + k);
  }

  /** Second census bias, {@code b2[k] = 0.05k}. */
  public static double b2(int k) {
    return 0.05 * k;
  }

  /**
   * The census input row {@code x} the graph builds from the seven inputs: {@code [age/100,
   * hours_per_week/100, capital_gain/10000, is_married ? 1 : 0, education_code/16,
   * features[0..3]]}.
   */
  public static double[] censusRow(
      double age,
      long hoursPerWeek,
      double capitalGain,
      boolean isMarried,
      int educationCode,
      double[] features) {
    return new double[] {
      age / 100,
      hoursPerWeek / 100.0,
      capitalGain / 10000,
      isMarried ? 1 : 0,
      educationCode / 16.0,
      features[0],
      features[1],
      features[2],
      features[3]
    };
  }

  /** Census class probabilities for one row {@code x}, computed in doubles. */
  public static double[] censusProbabilities(double[] x) {
    double[] h = new double[HIDDEN];
    for (int j = 0; j < HIDDEN; j++) {
      double sum = b1(j);
      for (int i = 0; i < INPUTS; i++) {
        sum += x[i] * w1(i, j);
      }
      h[j] = Math.max(0, sum);
    }
    double[] logits = new double[CLASSES];
    for (int k = 0; k < CLASSES; k++) {
      double sum = b2(k);
      for (int j = 0; j < HIDDEN; j++) {
        sum += h[j] * w2(j, k);
      }
      logits[k] = sum;
    }
    return softmax(logits);
  }

  /** Score of the census {@code features_only} signature for one features row. */
  public static double featuresOnlyScore(double[] features) {
    double sum = FEATURES_ONLY_BIAS;
    for (int i = 0; i < 4; i++) {
      sum += features[i] * FEATURES_ONLY_WEIGHTS.get(i);
    }
    return sum;
  }

  static double[] softmax(double[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logits) {
      max = Math.max(max, l);
    }
    double total = 0;
    double[] p = new double[logits.length];
    for (int k = 0; k < logits.length; k++) {
      p[k] = Math.exp(logits[k] - max);
      total += p[k];
    }
    for (int k = 0; k < logits.length; k++) {
      p[k] /= total;
    }
    return p;
  }
}
