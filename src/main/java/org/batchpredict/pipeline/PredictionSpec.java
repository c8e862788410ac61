package org.batchpredict.pipeline;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * What one prediction run does: which files, which model and signature, where the output goes, and
 * how work is batched and spread.
 *
 * @param inputPatterns file patterns (local or {@code gs://}) with {@code *}, {@code **} and {@code
 *     ?}
 * @param dataFormat the format of the input files
 * @param outputPath the directory that receives the output files
 * @param outputDataFormat JSON or CSV
 * @param modelDirectory the SavedModel directory (local or {@code gs://})
 * @param signatureName the signature to call
 * @param batchSize instances per signature call
 * @param maxWorkerCount the cap on parallel workers (threads on the DirectRunner)
 * @param region the job's region: the Dataflow region on the DataflowRunner; {@code local} or null
 *     elsewhere
 */
public record PredictionSpec(
    List<String> inputPatterns,
    DataFormat dataFormat,
    String outputPath,
    DataFormat outputDataFormat,
    String modelDirectory,
    String signatureName,
    int batchSize,
    int maxWorkerCount,
    String region)
    implements Serializable {
  public static final int DEFAULT_BATCH_SIZE = 64;
  public static final int DEFAULT_MAX_WORKER_COUNT = 10;

  /** A spec without a region, for runners other than Dataflow. */
  public PredictionSpec(
      List<String> inputPatterns,
      DataFormat dataFormat,
      String outputPath,
      DataFormat outputDataFormat,
      String modelDirectory,
      String signatureName,
      int batchSize,
      int maxWorkerCount) {
    this(
        inputPatterns,
        dataFormat,
        outputPath,
        outputDataFormat,
        modelDirectory,
        signatureName,
        batchSize,
        maxWorkerCount,
        null);
  }

  public PredictionSpec {
    inputPatterns = List.copyOf(inputPatterns);
    Objects.requireNonNull(dataFormat, "dataFormat");
    Objects.requireNonNull(outputPath, "outputPath");
    Objects.requireNonNull(outputDataFormat, "outputDataFormat");
    Objects.requireNonNull(modelDirectory, "modelDirectory");
    Objects.requireNonNull(signatureName, "signatureName");
    if (inputPatterns.isEmpty()) {
      throw new IllegalArgumentException("inputPaths is empty: give at least one file pattern");
    }
    if (outputDataFormat != DataFormat.JSON && outputDataFormat != DataFormat.CSV) {
      throw new IllegalArgumentException(
          "Invalid outputDataFormat \"" + outputDataFormat + "\": expected one of JSON, CSV");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    if (maxWorkerCount < 1) {
      throw new IllegalArgumentException(
          "maxWorkerCount must be at least 1, got " + maxWorkerCount);
    }
  }
}
