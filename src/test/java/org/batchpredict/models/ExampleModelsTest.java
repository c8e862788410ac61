package org.batchpredict.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.batchpredict.models.ExampleInputs.CensusInstance;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * Specifies the checked-in example models under {@code models/}: their signatures, and that their
 * predictions equal the closed formulas of {@link CensusWeights} and {@link ExampleWeights}
 * recomputed here in doubles.
 */
class ExampleModelsTest {

  private static final double FLOAT_TOLERANCE = 1e-5;

  @Test
  void censusServingDefaultHasDocumentedInputsAndOutputs() {
    try (SavedModelBundle census = load("census")) {
      Signature signature = signature(census, Signature.DEFAULT_KEY);

      assertThat(describe(signature.getInputs()))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  "key", "DT_STRING [-1]",
                  "age", "DT_FLOAT [-1]",
                  "hours_per_week", "DT_INT64 [-1]",
                  "capital_gain", "DT_DOUBLE [-1]",
                  "is_married", "DT_BOOL [-1]",
                  "education_code", "DT_INT32 [-1]",
                  "features", "DT_FLOAT [-1, 4]"));
      assertThat(describe(signature.getOutputs()))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  "key", "DT_STRING [-1]",
                  "probabilities", "DT_FLOAT [-1, 3]",
                  "class_id", "DT_INT64 [-1]",
                  "label", "DT_STRING [-1]",
                  "label_bytes", "DT_STRING [-1]",
                  "score", "DT_DOUBLE [-1]"));
    }
  }

  @Test
  void censusFeaturesOnlyHasOneInputAndOneOutput() {
    try (SavedModelBundle census = load("census")) {
      Signature signature = signature(census, "features_only");

      assertThat(describe(signature.getInputs()))
          .containsExactly(Map.entry("features", "DT_FLOAT [-1, 4]"));
      assertThat(describe(signature.getOutputs()))
          .containsExactly(Map.entry("score", "DT_FLOAT [-1]"));
    }
  }

  @Test
  void censusPredictionsEqualTheFormula() {
    List<CensusInstance> instances = new ArrayList<>();
    for (int i = 0; i < GenerateTestData.CENSUS_JSON_COUNT; i++) {
      instances.add(ExampleInputs.census(GenerateTestData.censusKey(i), i));
    }
    int n = instances.size();
    float[] ages = new float[n];
    long[] hours = new long[n];
    double[] gains = new double[n];
    boolean[] married = new boolean[n];
    int[] education = new int[n];
    float[] features = new float[n * 4];
    for (int i = 0; i < n; i++) {
      CensusInstance instance = instances.get(i);
      ages[i] = instance.age();
      hours[i] = instance.hoursPerWeek();
      gains[i] = instance.capitalGain();
      married[i] = instance.isMarried();
      education[i] = instance.educationCode();
      System.arraycopy(instance.features(), 0, features, i * 4, 4);
    }

    try (SavedModelBundle census = load("census");
        Feed feed = new Feed()) {
      feed.put(
          "key",
          TString.vectorOf(instances.stream().map(CensusInstance::key).toArray(String[]::new)));
      feed.put("age", TFloat32.vectorOf(ages));
      feed.put("hours_per_week", TInt64.vectorOf(hours));
      feed.put("capital_gain", TFloat64.vectorOf(gains));
      feed.put("is_married", TBool.vectorOf(married));
      feed.put("education_code", TInt32.vectorOf(education));
      feed.put(
          "features", TFloat32.tensorOf(Shape.of(n, 4), DataBuffers.of(features, true, false)));

      try (Result result = census.function(Signature.DEFAULT_KEY).call(feed.tensors())) {
        TString keys = (TString) result.get("key").orElseThrow();
        TFloat32 probabilities = (TFloat32) result.get("probabilities").orElseThrow();
        TInt64 classIds = (TInt64) result.get("class_id").orElseThrow();
        TString labels = (TString) result.get("label").orElseThrow();
        TString labelBytes = (TString) result.get("label_bytes").orElseThrow();
        TFloat64 scores = (TFloat64) result.get("score").orElseThrow();

        for (int i = 0; i < n; i++) {
          double[] expected = CensusWeights.censusProbabilities(instances.get(i).row());
          int expectedClass = argMax(expected);
          String expectedLabel = CensusWeights.LABELS.get(expectedClass);
          for (int k = 0; k < CensusWeights.CLASSES; k++) {
            assertThat((double) probabilities.getFloat(i, k))
                .as("probabilities[%d][%d]", i, k)
                .isCloseTo(expected[k], within(FLOAT_TOLERANCE));
          }
          assertThat(keys.getObject(i)).isEqualTo(instances.get(i).key());
          assertThat(classIds.getLong(i)).as("class_id[%d]", i).isEqualTo(expectedClass);
          assertThat(labels.getObject(i)).isEqualTo(expectedLabel);
          assertThat(labelBytes.asBytes().getObject(i))
              .isEqualTo(expectedLabel.getBytes(StandardCharsets.UTF_8));
          assertThat(scores.getDouble(i))
              .isCloseTo(expected[expectedClass], within(FLOAT_TOLERANCE));
        }
      }
    }
  }

  @Test
  void censusInstancesCoverEveryClass() {
    Map<Integer, Long> perClass = new LinkedHashMap<>();
    for (int i = 0; i < GenerateTestData.CENSUS_JSON_COUNT; i++) {
      double[] p = CensusWeights.censusProbabilities(ExampleInputs.census("k", i).row());
      perClass.merge(argMax(p), 1L, Long::sum);
    }

    assertThat(perClass).containsOnlyKeys(0, 1, 2);
  }

  @Test
  void censusFeaturesOnlyEqualsTheFormula() {
    int n = GenerateTestData.FEATURES_ONLY_COUNT;
    float[] features = new float[n * 4];
    for (int i = 0; i < n; i++) {
      System.arraycopy(ExampleInputs.censusFeatures(i), 0, features, i * 4, 4);
    }

    try (SavedModelBundle census = load("census");
        TFloat32 input = TFloat32.tensorOf(Shape.of(n, 4), DataBuffers.of(features, true, false));
        Result result = census.function("features_only").call(Map.of("features", input))) {
      TFloat32 scores = (TFloat32) result.get("score").orElseThrow();

      assertThat(scores.shape()).isEqualTo(Shape.of(n));
      for (int i = 0; i < n; i++) {
        double expected =
            CensusWeights.featuresOnlyScore(toDoubles(ExampleInputs.censusFeatures(i)));
        assertThat((double) scores.getFloat(i)).isCloseTo(expected, within(FLOAT_TOLERANCE));
      }
    }
  }

  @Test
  void tfExampleHasDocumentedSignature() {
    try (SavedModelBundle model = load("tf_example")) {
      Signature signature = signature(model, Signature.DEFAULT_KEY);

      assertThat(describe(signature.getInputs()))
          .containsExactly(Map.entry("examples", "DT_STRING [-1]"));
      assertThat(describe(signature.getOutputs()))
          .containsExactlyInAnyOrderEntriesOf(Map.of("id", "DT_INT64 [-1]", "y", "DT_FLOAT [-1]"));
    }
  }

  @Test
  void tfExampleParsesExamplesInsideTheGraph() {
    int n = GenerateTestData.TF_RECORD_COUNT;
    byte[][] examples = new byte[n][];
    for (int i = 0; i < n; i++) {
      examples[i] = GenerateTestData.tfExample(i).toByteArray();
    }

    try (SavedModelBundle model = load("tf_example");
        TString input = TString.tensorOfBytes(NdArrays.vectorOfObjects(examples));
        Result result = model.function(Signature.DEFAULT_KEY).call(Map.of("examples", input))) {
      TInt64 ids = (TInt64) result.get("id").orElseThrow();
      TFloat32 ys = (TFloat32) result.get("y").orElseThrow();

      for (int i = 0; i < n; i++) {
        double expected = ExampleWeights.tfExampleY(toDoubles(ExampleInputs.tfExampleX(i)));
        assertThat(ids.getLong(i)).isEqualTo(i);
        assertThat((double) ys.getFloat(i)).isCloseTo(expected, within(FLOAT_TOLERANCE));
      }
    }
  }

  @Test
  void tfExampleMissingFeatureXFailsTheCall() {
    byte[] withoutX =
        org.tensorflow.proto.Example.newBuilder()
            .setFeatures(
                org.tensorflow.proto.Features.newBuilder()
                    .putFeature(
                        "id",
                        org.tensorflow.proto.Feature.newBuilder()
                            .setInt64List(org.tensorflow.proto.Int64List.newBuilder().addValue(7))
                            .build()))
            .build()
            .toByteArray();

    try (SavedModelBundle model = load("tf_example");
        TString input =
            TString.tensorOfBytes(
                NdArrays.vectorOfObjects(GenerateTestData.tfExample(0).toByteArray(), withoutX))) {
      assertThatThrownBy(
              () -> model.function(Signature.DEFAULT_KEY).call(Map.of("examples", input)))
          .isInstanceOf(TFInvalidArgumentException.class)
          .hasMessageContaining("Feature: x (data type: float) is required");
    }
  }

  @Test
  void imageHasDocumentedSignature() {
    try (SavedModelBundle model = load("image")) {
      Signature signature = signature(model, Signature.DEFAULT_KEY);

      assertThat(describe(signature.getInputs()))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("key", "DT_STRING [-1]", "image_bytes", "DT_STRING [-1]"));
      assertThat(describe(signature.getOutputs()))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  "key", "DT_STRING [-1]",
                  "mean_rgb", "DT_FLOAT [-1, 3]",
                  "probabilities", "DT_FLOAT [-1, 2]"));
    }
  }

  @Test
  void imageDecodesEveryImageOfTheBatchInsideTheGraph() {
    int n = GenerateTestData.IMAGE_COUNT;
    String[] keys = new String[n];
    byte[][] pngs = new byte[n][];
    for (int i = 0; i < n; i++) {
      keys[i] = GenerateTestData.imageKey(i);
      pngs[i] = ExampleInputs.imagePng(i);
    }

    try (SavedModelBundle model = load("image");
        Feed feed = new Feed()) {
      feed.put("key", TString.vectorOf(keys));
      feed.put("image_bytes", TString.tensorOfBytes(NdArrays.vectorOfObjects(pngs)));
      try (Result result = model.function(Signature.DEFAULT_KEY).call(feed.tensors())) {
        TString keysOut = (TString) result.get("key").orElseThrow();
        TFloat32 meanRgb = (TFloat32) result.get("mean_rgb").orElseThrow();
        TFloat32 probabilities = (TFloat32) result.get("probabilities").orElseThrow();

        for (int i = 0; i < n; i++) {
          double[] expectedMean = ExampleInputs.imageMeanRgb(i);
          double[] expectedProbabilities = ExampleWeights.imageProbabilities(expectedMean);
          assertThat(keysOut.getObject(i)).isEqualTo(keys[i]);
          for (int c = 0; c < 3; c++) {
            assertThat((double) meanRgb.getFloat(i, c))
                .as("mean_rgb[%d][%d]", i, c)
                .isCloseTo(expectedMean[c], within(FLOAT_TOLERANCE));
          }
          for (int k = 0; k < 2; k++) {
            assertThat((double) probabilities.getFloat(i, k))
                .isCloseTo(expectedProbabilities[k], within(FLOAT_TOLERANCE));
          }
        }
      }
    }
  }

  @Test
  void imageAcceptsAnEmptyBatch() {
    try (SavedModelBundle model = load("image");
        Feed feed = new Feed()) {
      feed.put("key", TString.tensorOf(NdArrays.ofObjects(String.class, Shape.of(0))));
      feed.put("image_bytes", TString.tensorOfBytes(NdArrays.ofObjects(byte[].class, Shape.of(0))));
      try (Result result = model.function(Signature.DEFAULT_KEY).call(feed.tensors())) {
        assertThat(result.get("mean_rgb").orElseThrow().shape()).isEqualTo(Shape.of(0, 3));
      }
    }
  }

  @Test
  void imageBytesThatAreNotAnImageFailTheCall() {
    try (SavedModelBundle model = load("image");
        Feed feed = new Feed()) {
      feed.put("key", TString.vectorOf("good", "bad"));
      feed.put(
          "image_bytes",
          TString.tensorOfBytes(
              NdArrays.vectorOfObjects(
                  ExampleInputs.imagePng(0),
                  "this is not an image".getBytes(StandardCharsets.US_ASCII))));

      assertThatThrownBy(() -> model.function(Signature.DEFAULT_KEY).call(feed.tensors()))
          .isInstanceOf(TFInvalidArgumentException.class)
          .hasMessageContaining("Unknown image file format");
    }
  }

  private static SavedModelBundle load(String model) {
    return SavedModelBundle.load("models/" + model + "/" + BuildModels.VERSION, "serve");
  }

  private static Signature signature(SavedModelBundle bundle, String key) {
    return bundle.signatures().stream()
        .filter(s -> s.key().equals(key))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("No signature " + key + " in " + bundle.signatures()));
  }

  /** Each tensor as "DTYPE [dims]", e.g. "DT_FLOAT [-1, 4]". */
  private static Map<String, String> describe(Map<String, Signature.TensorDescription> tensors) {
    return tensors.entrySet().stream()
        .collect(
            Collectors.toMap(
                Map.Entry::getKey,
                e ->
                    e.getValue().dataType
                        + " "
                        + java.util.Arrays.toString(e.getValue().shape.asArray())));
  }

  private static int argMax(double[] values) {
    int best = 0;
    for (int k = 1; k < values.length; k++) {
      if (values[k] > values[best]) {
        best = k;
      }
    }
    return best;
  }

  private static double[] toDoubles(float[] values) {
    double[] doubles = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      doubles[i] = values[i];
    }
    return doubles;
  }

  /** Input tensors by name, all closed together. */
  private static final class Feed implements AutoCloseable {
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    void put(String name, Tensor tensor) {
      tensors.put(name, tensor);
    }

    Map<String, Tensor> tensors() {
      return tensors;
    }

    @Override
    public void close() {
      tensors.values().forEach(Tensor::close);
    }
  }
}
