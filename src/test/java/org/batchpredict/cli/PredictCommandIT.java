package org.batchpredict.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.batchpredict.models.CensusWeights;
import org.batchpredict.models.ExampleInputs;
import org.batchpredict.models.ExampleWeights;
import org.batchpredict.models.GenerateTestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code predict} command end to end, as a user runs it: the packaged jar in its own JVM, the
 * example models and test files of this repository, the DirectRunner. Expected predictions are
 * computed here from the models' weight formulas, not read from the models.
 */
class PredictCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path out;

  @Test
  void jsonPredictionsEqualIndependentlyComputedValues() throws Exception {
    Run run =
        predict(
            "--model-dir=models/census/v1",
            "--input-paths=testdata/census/instances.json",
            "--data-format=JSON",
            "--batch-size=16",
            "--labels=team=ml,stage=test",
            "--output-path=" + out);

    assertThat(run.exitCode).as(run.stderr).isZero();
    assertThat(run.job.get("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(run.job.at("/labels/team").asText()).isEqualTo("ml");
    assertThat(run.job.at("/predictionInput/batchSize").asText()).isEqualTo("16");
    assertThat(run.job.at("/predictionOutput/predictionCount").asText()).isEqualTo("200");
    assertThat(run.job.at("/predictionOutput/errorCount").asText()).isEqualTo("0");
    assertThat(run.job.at("/predictionOutput/nodeHours").asDouble()).isPositive();
    assertThat(run.job.get("startTime").asText()).endsWith("Z");
    List<JsonNode> results = jsonLines(out, "prediction.results-*");
    assertThat(results).hasSize(200);
    for (JsonNode result : results) {
      assertCensusPrediction(result);
    }
    assertThat(Files.readString(out.resolve("prediction.errors_stats-00000-of-00001"))).isEmpty();
  }

  @Test
  void gzippedJsonGivesTheSamePredictionsAsPlainJson() throws Exception {
    Run run =
        predict(
            "--model-dir=models/census/v1",
            "--input-paths=testdata/census/instances.json.gz",
            "--data-format=JSON",
            "--output-path=" + out);

    assertThat(run.exitCode).as(run.stderr).isZero();
    List<JsonNode> results = jsonLines(out, "prediction.results-*");
    assertThat(results).hasSize(200);
    results.forEach(PredictCommandIT::assertCensusPrediction);
  }

  @Test
  void csvRowsMapByHeaderAndCsvOutputHasAHeaderFile() throws Exception {
    Run run =
        predict(
            "--model-dir=models/census/v1",
            "--input-paths=testdata/census/instances.csv",
            "--data-format=CSV",
            "--output-data-format=CSV",
            "--output-path=" + out);

    assertThat(run.exitCode).as(run.stderr).isZero();
    assertThat(run.job.at("/predictionOutput/predictionCount").asText()).isEqualTo("50");
    String header = Files.readString(out.resolve("prediction.results.header")).strip();
    assertThat(header).isEqualTo("class_id,key,label,label_bytes,probabilities,score");
    List<String> rows = lines(out, "prediction.results-*");
    assertThat(rows).hasSize(50);
    for (String row : rows) {
      // key is column 2; probabilities (a JSON array in a quoted cell) column 5.
      String[] cells = row.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)");
      int index = Integer.parseInt(cells[1].substring(1));
      double[] expected = expectedCensusProbabilities(index);
      JsonNode probabilities = JSON.readTree(cells[4].replace("\"", ""));
      for (int k = 0; k < 3; k++) {
        assertThat(probabilities.get(k).asDouble()).isCloseTo(expected[k], within(1e-5));
      }
      assertThat(cells[2]).isEqualTo(CensusWeights.LABELS.get(CensusWeights.argMax(expected)));
    }
  }

  @Test
  void csvWithoutHeaderMapsColumnsInInputOrder() throws Exception {
    Run run =
        predict(
            "--model-dir=models/census/v1",
            "--input-paths=testdata/census/instances_noheader.csv",
            "--data-format=CSV",
            "--output-path=" + out);

    assertThat(run.exitCode).as(run.stderr).isZero();
    List<JsonNode> results = jsonLines(out, "prediction.results-*");
    assertThat(results).hasSize(GenerateTestData.CENSUS_NOHEADER_CSV_COUNT);
    results.forEach(PredictCommandIT::assertCensusPrediction);
  }

  @Test
  void mixedInputCountsEveryInstanceOnceAndReportsEachBadLine() throws Exception {
    Run run = predict("--job=pipelines/census-mixed.json", "--output-path=" + out);

    assertThat(run.exitCode).as(run.stderr).isZero();
    long predictions = run.job.at("/predictionOutput/predictionCount").asLong();
    long errors = run.job.at("/predictionOutput/errorCount").asLong();
    assertThat(predictions + errors).isEqualTo(GenerateTestData.MIXED_LINE_COUNT);
    assertThat(errors).isEqualTo(GenerateTestData.MIXED_BAD_LINES.size());
    assertThat(jsonLines(out, "prediction.results-*")).hasSize((int) predictions);

    Map<Integer, String> errorByLine = new HashMap<>();
    for (JsonNode error : jsonLines(out, "prediction.errors-*")) {
      assertThat(error.get("source").asText()).endsWith("testdata/census/mixed.json");
      errorByLine.put(error.get("line").asInt(), error.get("error").asText());
    }
    assertThat(errorByLine.keySet()).isEqualTo(GenerateTestData.MIXED_BAD_LINES.keySet());
    assertThat(errorByLine.get(3)).startsWith("Malformed JSON");
    assertThat(errorByLine.get(7))
        .isEqualTo("Input \"features\" expects shape [4] per instance," + " got [3]");
    assertThat(errorByLine.get(11)).contains("\"age\"").contains("got a string");
    assertThat(errorByLine.get(15)).contains("\"is_married\"").contains("got a number");
    assertThat(errorByLine.get(19)).startsWith("Missing input \"hours_per_week\"");
    assertThat(errorByLine.get(23)).startsWith("Unknown input \"zip_code\"");
    assertThat(errorByLine.get(26)).contains("out of the range of INT32");
    assertThat(errorByLine.get(29)).contains("got an array");

    List<String> stats = lines(out, "prediction.errors_stats-00000-of-00001");
    assertThat(stats).hasSize(8).allMatch(line -> line.matches("\\('.*', 1\\)"));
  }

  @Test
  void tfRecordPredictionsEqualTheFormula() throws Exception {
    Run plain = predict("--job=pipelines/tf-example.json", "--output-path=" + out.resolve("a"));
    Run gzip = predict("--job=pipelines/tf-example-gzip.json", "--output-path=" + out.resolve("b"));

    for (Path dir : List.of(out.resolve("a"), out.resolve("b"))) {
      List<JsonNode> results = jsonLines(dir, "prediction.results-*");
      assertThat(results).hasSize(GenerateTestData.TF_RECORD_COUNT);
      for (JsonNode result : results) {
        int id = result.get("id").asInt();
        double[] x = ExampleInputs.toDoubles(ExampleInputs.tfExampleX(id));
        assertThat(result.get("y").asDouble())
            .isCloseTo(ExampleWeights.tfExampleY(x), within(1e-5));
      }
    }
    assertThat(plain.exitCode).as(plain.stderr).isZero();
    assertThat(gzip.exitCode).as(gzip.stderr).isZero();
  }

  @Test
  void corruptTfRecordsFailAloneWhileTheirBatchSucceeds() throws Exception {
    Run run =
        predict(
            "--model-dir=models/tf_example/v1",
            "--input-paths=testdata/tf_example/corrupt.tfrecord",
            "--data-format=TF_RECORD",
            "--output-path=" + out);

    assertThat(run.exitCode).as(run.stderr).isZero();
    assertThat(run.job.at("/predictionOutput/predictionCount").asText()).isEqualTo("17");
    assertThat(run.job.at("/predictionOutput/errorCount").asText()).isEqualTo("3");
    Map<Integer, JsonNode> errors = new HashMap<>();
    for (JsonNode error : jsonLines(out, "prediction.errors-*")) {
      errors.put(error.get("record").asInt(), error);
    }
    // Record numbers are 1-based in our errors; the test data's README counts from 0.
    List<Integer> expected =
        GenerateTestData.CORRUPT_BAD_RECORDS.keySet().stream().map(r -> r + 1).toList();
    assertThat(errors.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(errors.get(6).get("error").asText()).contains("checksum mismatch");
    assertThat(errors.get(6).get("stage").asText()).isEqualTo("READ");
    assertThat(errors.get(10).get("stage").asText()).isEqualTo("PREDICT");
    assertThat(errors.get(13).get("error").asText()).contains("Feature: x");
  }

  @Test
  void imageBytesAreDecodedInTheGraphAndBadImagesAreIsolated() throws Exception {
    Run run = predict("--job=pipelines/image.json", "--output-path=" + out);

    assertThat(run.exitCode).as(run.stderr).isZero();
    List<JsonNode> results = jsonLines(out, "prediction.results-*");
    assertThat(results).hasSize(12);
    for (JsonNode result : results) {
      int n = Integer.parseInt(result.get("key").asText().substring(3));
      double[] mean = ExampleInputs.imageMeanRgb(n);
      for (int c = 0; c < 3; c++) {
        assertThat(result.get("mean_rgb").get(c).asDouble()).isCloseTo(mean[c], within(1e-5));
      }
    }
    Map<Integer, String> errors = new HashMap<>();
    for (JsonNode error : jsonLines(out, "prediction.errors-*")) {
      errors.put(error.get("line").asInt(), error.get("error").asText());
    }
    assertThat(errors).containsOnlyKeys(5, 10);
    assertThat(errors.get(5)).contains("invalid base64");
    assertThat(errors.get(10)).startsWith("Prediction failed");
  }

  @Test
  void modelNameResolvesThroughTheRegistryAndAWildcardReadsEveryMatch() throws Exception {
    Run run =
        predict(
            "--job=pipelines/census-registry.json",
            "--input-paths=testdata/census/instances.js*",
            "--output-path=" + out);

    assertThat(run.exitCode).as(run.stderr).isZero();
    assertThat(run.job.at("/predictionOutput/predictionCount").asText()).isEqualTo("400");
  }

  @Test
  void aBareValueFeedsASingleInputSignature() throws Exception {
    Run run = predict("--job=pipelines/census-features-only.json", "--output-path=" + out);

    assertThat(run.exitCode).as(run.stderr).isZero();
    List<JsonNode> results = jsonLines(out, "prediction.results-*");
    List<Double> scores = results.stream().map(r -> r.get("score").asDouble()).sorted().toList();
    List<Double> expected = new ArrayList<>();
    for (int i = 0; i < GenerateTestData.FEATURES_ONLY_COUNT; i++) {
      expected.add(
          CensusWeights.featuresOnlyScore(
              ExampleInputs.toDoubles(ExampleInputs.censusFeatures(i))));
    }
    expected.sort(Double::compare);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(scores.get(i)).isCloseTo(expected.get(i), within(1e-5));
    }
  }

  @Test
  void aPatternThatMatchesNothingFailsTheJobNamingThePattern() throws Exception {
    Run run =
        predict(
            "--model-dir=models/census/v1",
            "--input-paths=testdata/census/instances.json,testdata/nowhere/*.json",
            "--data-format=JSON",
            "--output-path=" + out);

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.job.get("state").asText()).isEqualTo("FAILED");
    assertThat(run.job.get("errorMessage").asText())
        .contains("testdata/nowhere/*.json")
        .contains("matched no files");
    assertThat(run.job.get("endTime").asText()).endsWith("Z");
  }

  @Test
  void aMissingSignatureFailsTheJobListingTheSignatures() throws Exception {
    Run run =
        predict(
            "--model-dir=models/census/v1",
            "--signature-name=predict_proba",
            "--input-paths=testdata/census/instances.json",
            "--data-format=JSON",
            "--output-path=" + out);

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.job.get("errorMessage").asText())
        .contains("\"predict_proba\"")
        .contains("[features_only, serving_default]");
  }

  @Test
  void anEmptyFileIsAJobWithNoInstances() throws Exception {
    Run run =
        predict(
            "--model-dir=models/census/v1",
            "--input-paths=testdata/census/empty.json",
            "--data-format=JSON",
            "--output-path=" + out);

    assertThat(run.exitCode).as(run.stderr).isZero();
    assertThat(run.job.at("/predictionOutput/predictionCount").asText()).isEqualTo("0");
    assertThat(run.job.at("/predictionOutput/errorCount").asText()).isEqualTo("0");
  }

  @Test
  void anInvalidRequestIsRefusedBeforeAnythingRuns() throws Exception {
    Run run =
        predict(
            "--model-dir=models/census/v1",
            "--input-paths=testdata/census/instances.json",
            "--data-format=JSONL",
            "--output-path=" + out);

    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.stderr)
        .contains("Invalid predictionInput.dataFormat \"JSONL\": expected one of JSON, TEXT");
  }

  // ---------------------------------------------------------------------------------------------

  private static void assertCensusPrediction(JsonNode result) {
    int index = Integer.parseInt(result.get("key").asText().substring(1));
    double[] expected = expectedCensusProbabilities(index);
    for (int k = 0; k < 3; k++) {
      assertThat(result.get("probabilities").get(k).asDouble())
          .as("probability %d of %s", k, result)
          .isCloseTo(expected[k], within(1e-5));
    }
    int best = CensusWeights.argMax(expected);
    assertThat(result.get("class_id").asInt()).isEqualTo(best);
    assertThat(result.get("label").asText()).isEqualTo(CensusWeights.LABELS.get(best));
    assertThat(Base64.getDecoder().decode(result.get("label_bytes").get("b64").asText()))
        .isEqualTo(CensusWeights.LABELS.get(best).getBytes(StandardCharsets.UTF_8));
    assertThat(result.get("score").asDouble()).isCloseTo(expected[best], within(1e-5));
  }

  private static double[] expectedCensusProbabilities(int index) {
    ExampleInputs.CensusInstance instance = ExampleInputs.census("c", index);
    return CensusWeights.censusProbabilities(instance.row());
  }

  private static List<String> lines(Path dir, String glob) throws IOException {
    List<String> lines = new ArrayList<>();
    try (var files = Files.newDirectoryStream(dir, glob)) {
      for (Path file : files) {
        lines.addAll(Files.readAllLines(file));
      }
    }
    return lines.stream().filter(line -> !line.isEmpty()).collect(Collectors.toList());
  }

  private static List<JsonNode> jsonLines(Path dir, String glob) throws IOException {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : lines(dir, glob)) {
      nodes.add(JSON.readTree(line));
    }
    return nodes;
  }

  /** A finished {@code predict} process: exit code, stderr, and the Job it printed. */
  private record Run(int exitCode, String stderr, JsonNode job) {}

  static Run predict(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(System.getProperty("batchpredict.jar", "target/batch-predict.jar"));
    command.add("predict");
    command.addAll(List.of(args));
    Path stdout = Files.createTempFile("predict", ".out");
    Path stderr = Files.createTempFile("predict", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process process = builder.start();
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("predict did not finish in 3 minutes: " + command);
    }
    String out = Files.readString(stdout);
    String err = Files.readString(stderr);
    Files.delete(stdout);
    Files.delete(stderr);
    JsonNode job = out.isBlank() ? JSON.createObjectNode() : JSON.readTree(out);
    return new Run(process.exitValue(), err, job);
  }
}
