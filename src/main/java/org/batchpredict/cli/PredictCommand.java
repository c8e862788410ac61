package org.batchpredict.cli;

import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.batchpredict.jobs.InvalidJobException;
import org.batchpredict.jobs.Job;
import org.batchpredict.jobs.JobJson;
import org.batchpredict.jobs.JobState;
import org.batchpredict.jobs.JobValidator;
import org.batchpredict.jobs.ModelRegistry;
import org.batchpredict.jobs.PredictionInput;
import org.batchpredict.jobs.PredictionJob;
import org.batchpredict.jobs.UnsupportedJobException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code predict}: runs one prediction job and prints the final Job resource as JSON.
 *
 * <p>The job comes from {@code --job FILE} (the API's Job JSON), from flags named as {@code gcloud
 * ai-platform jobs submit prediction} names them, or both (flags win). Any other {@code
 * --name=value} is a Beam pipeline option, such as {@code --runner=FlinkRunner}. Progress goes to
 * stderr; the exit code is 0 when the job succeeded and 1 when it failed.
 */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = "Runs a batch prediction job and prints the final Job as JSON.")
final class PredictCommand implements Callable<Integer> {
  @Option(names = "--job", description = "A Job resource in the API's JSON.")
  Path jobFile;

  @Option(names = "--job-id", description = "The job's id (default: predict_<time>).")
  String jobId;

  @Option(names = "--model-dir", description = "The SavedModel directory (predictionInput.uri).")
  String modelDir;

  @Option(names = "--model", description = "A model name in the registry: projects/P/models/M.")
  String modelName;

  @Option(names = "--version", description = "projects/P/models/M/versions/V in the registry.")
  String versionName;

  @Option(
      names = "--input-paths",
      split = ",",
      description = "Input file patterns, comma-separated.")
  List<String> inputPaths;

  @Option(names = "--output-path", description = "The output directory.")
  String outputPath;

  @Option(names = "--data-format", description = "JSON, TEXT, TF_RECORD, TF_RECORD_GZIP or CSV.")
  String dataFormat;

  @Option(names = "--output-data-format", description = "JSON (default) or CSV.")
  String outputDataFormat;

  @Option(names = "--batch-size", description = "Instances per model call (default 64).")
  Long batchSize;

  @Option(names = "--signature-name", description = "Default: serving_default.")
  String signatureName;

  @Option(names = "--max-worker-count", description = "Cap on parallel workers (default 10).")
  Long maxWorkerCount;

  @Option(names = "--region", description = "The job's region (default: local).")
  String region;

  @Option(
      names = "--labels",
      split = ",",
      description = "Labels as KEY=VALUE pairs, comma-separated; added to the job file's.")
  Map<String, String> labels;

  @Option(
      names = "--model-registry",
      defaultValue = "models",
      description = "The root of the model registry (default: ${DEFAULT-VALUE}).")
  Path modelRegistry;

  @Unmatched List<String> pipelineArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintStream err = System.err;
    Job job;
    try {
      job = buildJob();
      JobValidator.validate(job);
    } catch (InvalidJobException | UnsupportedJobException | IllegalArgumentException e) {
      err.println("Invalid job: " + e.getMessage());
      return 2;
    } catch (UnrecognizedPropertyException e) {
      err.println(
          "Invalid job file " + jobFile + ": unknown field \"" + e.getPropertyName() + "\"");
      return 2;
    }
    ModelRegistry registry = new ModelRegistry(modelRegistry);

    // The model loads in the background while Beam builds its options: both take seconds.
    try (AutoCloseable warmModel = PredictionJob.warmUp(job, registry)) {
      PipelineOptions options;
      try {
        options = PipelineOptionsFactory.fromArgs(pipelineArgs.toArray(String[]::new)).create();
      } catch (IllegalArgumentException e) {
        err.println("Invalid pipeline option: " + e.getMessage());
        return 2;
      }
      job.state = JobState.QUEUED;
      job.createTime = java.time.Instant.now();

      ProgressLine progress = new ProgressLine(err, job.jobId);
      Job finished =
          new PredictionJob(job, registry, options, Duration.ofSeconds(2)).run(progress::show);
      progress.end();
      System.out.println(
          JobJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(finished));
      return finished.state == JobState.SUCCEEDED ? 0 : 1;
    }
  }

  private Job buildJob() throws IOException {
    Job job = jobFile == null ? new Job() : JobJson.MAPPER.readValue(jobFile.toFile(), Job.class);
    if (job.predictionInput == null) {
      job.predictionInput = new PredictionInput();
    }
    PredictionInput input = job.predictionInput;
    if (jobId != null) {
      job.jobId = jobId;
    }
    if (job.jobId == null) {
      job.jobId = "predict_" + System.currentTimeMillis();
    }
    if (modelDir != null || modelName != null || versionName != null) {
      input.uri = modelDir;
      input.modelName = modelName;
      input.versionName = versionName;
    }
    if (inputPaths != null) {
      input.inputPaths = inputPaths;
    }
    if (outputPath != null) {
      input.outputPath = outputPath;
    }
    if (dataFormat != null) {
      input.dataFormat = dataFormat.toUpperCase(Locale.ROOT);
    }
    if (outputDataFormat != null) {
      input.outputDataFormat = outputDataFormat.toUpperCase(Locale.ROOT);
    }
    if (batchSize != null) {
      input.batchSize = batchSize;
    }
    if (signatureName != null) {
      input.signatureName = signatureName;
    }
    if (maxWorkerCount != null) {
      input.maxWorkerCount = maxWorkerCount;
    }
    if (labels != null) {
      Map<String, String> merged = job.labels == null ? new TreeMap<>() : new TreeMap<>(job.labels);
      merged.putAll(labels);
      job.labels = merged;
    }
    if (region != null) {
      input.region = region;
    } else if (input.region == null) {
      input.region = "local";
    }
    return job;
  }

  /** The one-line progress report on stderr: state, counts and rate. */
  private static final class ProgressLine {
    private final PrintStream err;
    private final String jobId;
    private final long started = System.nanoTime();
    private JobState lastState;

    ProgressLine(PrintStream err, String jobId) {
      this.err = err;
      this.jobId = jobId;
    }

    void show(Job job) {
      if (job.state != lastState) {
        err.println("[" + jobId + "] " + job.state);
        lastState = job.state;
      }
      if (job.state == JobState.RUNNING
          && job.predictionOutput != null
          && job.predictionOutput.predictionCount != null) {
        long done = job.predictionOutput.predictionCount + job.predictionOutput.errorCount;
        double seconds = (System.nanoTime() - started) / 1e9;
        err.printf(
            Locale.ROOT,
            "[%s] %,d instances done, %,d errors, %,.0f instances/s%n",
            jobId,
            done,
            job.predictionOutput.errorCount,
            done / Math.max(seconds, 1e-3));
      }
    }

    void end() {
      err.flush();
    }
  }
}
