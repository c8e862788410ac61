package org.batchpredict.jobs;

import java.nio.file.Path;
import java.util.List;
import org.batchpredict.model.SavedModel;
import org.batchpredict.pipeline.DataFormat;
import org.batchpredict.pipeline.PredictionSpec;

/** Turns a job's {@code predictionInput} into the pipeline's {@link PredictionSpec}. */
public final class PredictionJobs {
  private PredictionJobs() {}

  /**
   * The spec for a validated input, with the API's defaults applied and local paths made absolute
   * (relative to the working directory).
   *
   * @throws InvalidJobException when the model name is not in the registry
   */
  public static PredictionSpec toSpec(PredictionInput input, ModelRegistry registry) {
    String model;
    if (input.uri != null && !input.uri.isEmpty()) {
      model = absolute(input.uri);
    } else if (input.versionName != null && !input.versionName.isEmpty()) {
      model = registry.resolve("predictionInput.versionName", input.versionName).toString();
    } else {
      model = registry.resolve("predictionInput.modelName", input.modelName).toString();
    }
    DataFormat format = JobValidator.parseFormat("predictionInput.dataFormat", input.dataFormat);
    DataFormat outputFormat =
        input.outputDataFormat == null
            ? DataFormat.JSON
            : JobValidator.parseFormat("predictionInput.outputDataFormat", input.outputDataFormat);
    List<String> patterns = input.inputPaths.stream().map(PredictionJobs::absolute).toList();
    return new PredictionSpec(
        patterns,
        format,
        absolute(input.outputPath),
        outputFormat,
        model,
        input.signatureName == null || input.signatureName.isEmpty()
            ? SavedModel.DEFAULT_SIGNATURE
            : input.signatureName,
        input.batchSize == null
            ? PredictionSpec.DEFAULT_BATCH_SIZE
            : Math.toIntExact(input.batchSize),
        input.maxWorkerCount == null
            ? PredictionSpec.DEFAULT_MAX_WORKER_COUNT
            : Math.toIntExact(input.maxWorkerCount),
        input.region);
  }

  /** A local path made absolute; a URI ({@code gs://...}) as it is. */
  static String absolute(String path) {
    if (path.matches("^[a-zA-Z][a-zA-Z0-9+.-]+://.*")) {
      return path;
    }
    return Path.of(path).toAbsolutePath().normalize().toString();
  }
}
