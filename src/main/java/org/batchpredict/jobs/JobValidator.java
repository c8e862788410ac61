package org.batchpredict.jobs;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.batchpredict.pipeline.DataFormat;

/**
 * The rules a job must meet to be created; each failure names the field. Defaults are not filled in
 * here: {@link PredictionJobs#toSpec} applies them when the job runs.
 */
public final class JobValidator {
  public static final int MAX_JOB_ID_LENGTH = 128;
  public static final long MAX_BATCH_SIZE = 100_000;
  public static final long MAX_WORKER_COUNT = 1_000;

  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
  private static final Pattern LABEL_KEY = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
  private static final Pattern LABEL_VALUE = Pattern.compile("[a-z0-9_-]{0,63}");
  static final Pattern MODEL_NAME = Pattern.compile("projects/([^/]+)/models/([A-Za-z0-9_]+)");
  static final Pattern VERSION_NAME =
      Pattern.compile("projects/([^/]+)/models/([A-Za-z0-9_]+)/versions/([A-Za-z0-9_]+)");
  private static final Set<String> OUTPUT_FORMATS = Set.of("JSON", "CSV");

  private JobValidator() {}

  /**
   * Checks a job for creation.
   *
   * @throws InvalidJobException naming the first field that breaks a rule
   * @throws UnsupportedJobException for a training job
   */
  public static void validate(Job job) {
    if (job.trainingInput != null) {
      throw new UnsupportedJobException(
          "trainingInput is not supported: this server runs batch prediction jobs only; "
              + "send a job with predictionInput");
    }
    validateJobId(job.jobId);
    validateLabels(job.labels);
    PredictionInput input = job.predictionInput;
    if (input == null) {
      throw new InvalidJobException("predictionInput", "predictionInput is required");
    }
    if (input.dataFormat == null || input.dataFormat.isEmpty()) {
      throw new InvalidJobException(
          "predictionInput.dataFormat",
          "predictionInput.dataFormat is required: one of " + formats());
    }
    parseFormat("predictionInput.dataFormat", input.dataFormat);
    if (input.outputDataFormat != null && !OUTPUT_FORMATS.contains(input.outputDataFormat)) {
      throw new InvalidJobException(
          "predictionInput.outputDataFormat",
          "Invalid predictionInput.outputDataFormat \""
              + input.outputDataFormat
              + "\": expected one of JSON, CSV");
    }
    if (input.inputPaths == null || input.inputPaths.isEmpty()) {
      throw new InvalidJobException(
          "predictionInput.inputPaths", "predictionInput.inputPaths needs at least one path");
    }
    for (int i = 0; i < input.inputPaths.size(); i++) {
      String path = input.inputPaths.get(i);
      if (path == null || path.isBlank()) {
        throw new InvalidJobException(
            "predictionInput.inputPaths[" + i + "]",
            "predictionInput.inputPaths[" + i + "] is empty");
      }
    }
    requireText("predictionInput.outputPath", input.outputPath);
    requireText("predictionInput.region", input.region);
    validateModel(input);
    if (input.batchSize != null && (input.batchSize < 1 || input.batchSize > MAX_BATCH_SIZE)) {
      throw new InvalidJobException(
          "predictionInput.batchSize",
          "predictionInput.batchSize must be between 1 and "
              + MAX_BATCH_SIZE
              + ", got "
              + input.batchSize);
    }
    if (input.maxWorkerCount != null
        && (input.maxWorkerCount < 1 || input.maxWorkerCount > MAX_WORKER_COUNT)) {
      throw new InvalidJobException(
          "predictionInput.maxWorkerCount",
          "predictionInput.maxWorkerCount must be between 1 and "
              + MAX_WORKER_COUNT
              + ", got "
              + input.maxWorkerCount);
    }
  }

  /** Checks a job id: letters, digits and underscores, starting with a letter. */
  public static void validateJobId(String jobId) {
    if (jobId == null || jobId.isEmpty()) {
      throw new InvalidJobException("jobId", "jobId is required");
    }
    if (jobId.length() > MAX_JOB_ID_LENGTH || !JOB_ID.matcher(jobId).matches()) {
      throw new InvalidJobException(
          "jobId",
          "Invalid jobId \""
              + jobId
              + "\": use letters, digits and underscores, start with a letter, at most "
              + MAX_JOB_ID_LENGTH
              + " characters");
    }
  }

  /** Checks labels: lowercase keys and values of letters, digits, {@code _} and {@code -}. */
  public static void validateLabels(Map<String, String> labels) {
    if (labels == null) {
      return;
    }
    if (labels.size() > 64) {
      throw new InvalidJobException("labels", "At most 64 labels, got " + labels.size());
    }
    for (Map.Entry<String, String> label : labels.entrySet()) {
      if (!LABEL_KEY.matcher(label.getKey()).matches()) {
        throw new InvalidJobException(
            "labels",
            "Invalid label key \""
                + label.getKey()
                + "\": lowercase letters, digits, _ and -, starting with a letter, at most 63");
      }
      String value = label.getValue() == null ? "" : label.getValue();
      if (!LABEL_VALUE.matcher(value).matches()) {
        throw new InvalidJobException(
            "labels." + label.getKey(),
            "Invalid value \""
                + value
                + "\" of label "
                + label.getKey()
                + ": lowercase letters, digits, _ and -, at most 63");
      }
    }
  }

  static DataFormat parseFormat(String field, String value) {
    try {
      return DataFormat.parse(field, value);
    } catch (IllegalArgumentException e) {
      throw new InvalidJobException(field, e.getMessage());
    }
  }

  private static void validateModel(PredictionInput input) {
    int given =
        (isSet(input.uri) ? 1 : 0)
            + (isSet(input.modelName) ? 1 : 0)
            + (isSet(input.versionName) ? 1 : 0);
    if (given != 1) {
      throw new InvalidJobException(
          "predictionInput.uri",
          "Give exactly one of predictionInput.uri, predictionInput.modelName and "
              + "predictionInput.versionName; got "
              + given);
    }
    if (isSet(input.modelName) && !MODEL_NAME.matcher(input.modelName).matches()) {
      throw new InvalidJobException(
          "predictionInput.modelName",
          "Invalid predictionInput.modelName \""
              + input.modelName
              + "\": expected projects/PROJECT/models/MODEL");
    }
    if (isSet(input.versionName) && !VERSION_NAME.matcher(input.versionName).matches()) {
      throw new InvalidJobException(
          "predictionInput.versionName",
          "Invalid predictionInput.versionName \""
              + input.versionName
              + "\": expected projects/PROJECT/models/MODEL/versions/VERSION");
    }
  }

  private static void requireText(String field, String value) {
    if (!isSet(value)) {
      throw new InvalidJobException(field, field + " is required");
    }
  }

  private static boolean isSet(String value) {
    return value != null && !value.isEmpty();
  }

  private static String formats() {
    return Arrays.stream(DataFormat.values()).map(Enum::name).collect(Collectors.joining(", "));
  }
}
