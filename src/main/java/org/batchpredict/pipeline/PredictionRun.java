package org.batchpredict.pipeline;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.beam.runners.dataflow.util.DataflowTemplateJob;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.flink.FlinkDetachedRunnerResult;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.batchpredict.model.DType;
import org.batchpredict.model.ModelCache;
import org.batchpredict.model.ModelException;
import org.batchpredict.model.ModelSignature;
import org.batchpredict.model.SavedModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One prediction job on a Beam runner, from preparation to its final counts.
 *
 * <pre>{@code
 * PredictionRun.Prepared prepared = PredictionRun.prepare(spec, options); // matches, loads
 * PredictionRun run = prepared.start();
 * PredictionRun.Outcome outcome = run.waitUntilFinish(Duration.ofSeconds(1), progress -> {});
 * }</pre>
 *
 * <p>{@link #prepare} does what can fail fast before any worker starts: it matches every input
 * pattern (one that matches nothing fails the job, naming the pattern), loads the model to check
 * the signature, and clears earlier prediction files from the output directory. Counts come from
 * the pipeline's metrics, so they grow while the job runs on any runner that reports metrics.
 */
public final class PredictionRun {
  private static final Logger LOG = LoggerFactory.getLogger(PredictionRun.class);

  /** Where a run is. */
  public enum State {
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED
  }

  /**
   * Counts so far: instances read, predicted and failed, and worker time in node hours (the time
   * worker threads spent reading, parsing, predicting and formatting).
   */
  public record Progress(
      long instancesRead, long predictionCount, long errorCount, double nodeHours) {
    static final Progress NONE = new Progress(0, 0, 0, 0);
  }

  /** How a run ended: its state, the failure message if it failed, and its final counts. */
  public record Outcome(State state, String errorMessage, Progress progress) {}

  /** A run whose inputs are matched and whose model is checked, ready to start. */
  public static final class Prepared {
    private final PredictionSpec spec;
    private final List<MatchResult.Metadata> files;
    private final ModelSignature signature;
    private final Pipeline pipeline;

    private Prepared(
        PredictionSpec spec,
        List<MatchResult.Metadata> files,
        ModelSignature signature,
        Pipeline pipeline) {
      this.spec = spec;
      this.files = files;
      this.signature = signature;
      this.pipeline = pipeline;
    }

    public List<String> files() {
      return files.stream().map(file -> file.resourceId().toString()).toList();
    }

    public ModelSignature signature() {
      return signature;
    }

    /** Starts the pipeline and returns at once. */
    public PredictionRun start() {
      LOG.info(
          "Predicting on {} file(s) with signature {} of {}, batches of {}, up to {} workers",
          files.size(),
          spec.signatureName(),
          spec.modelDirectory(),
          spec.batchSize(),
          spec.maxWorkerCount());
      PipelineResult result = pipeline.run();
      if (result instanceof FlinkDetachedRunnerResult detached) {
        result = FlinkJobResult.of(detached);
      }
      return new PredictionRun(result);
    }
  }

  private final PipelineResult result;

  private PredictionRun(PipelineResult result) {
    this.result = result;
  }

  /**
   * Matches the inputs, checks the model and builds the pipeline.
   *
   * @throws PredictionSetupException when the job cannot run as specified
   */
  public static Prepared prepare(PredictionSpec spec, PipelineOptions options) {
    FileSystems.setDefaultPipelineOptions(options);
    applyWorkerLimit(spec, options);
    List<MatchResult.Metadata> files = matchInputs(spec.inputPatterns());
    ModelSignature signature = checkModel(spec);
    String outputDirectory = prepareOutput(spec, signature);
    Pipeline pipeline = PredictionPipeline.build(spec, files, signature, outputDirectory, options);
    return new Prepared(spec, files, signature, pipeline);
  }

  /**
   * Starts loading a local model on a background thread and returns at once: TensorFlow's classes
   * and the graph then load while the caller builds its pipeline options, and {@link #prepare} and
   * the workers find the model loaded. The handle holds the model until it is closed; a model that
   * fails to load here is reported by {@link #prepare} as usual. A remote model is not loaded here,
   * only TensorFlow's native library.
   */
  public static AutoCloseable warmUp(PredictionSpec spec) {
    if (!ModelStaging.isLocal(spec.modelDirectory())) {
      // The model must be copied first; TensorFlow's native library can load meanwhile.
      ModelCache.preloadRuntime();
      return () -> {};
    }
    Path directory = Path.of(spec.modelDirectory());
    CompletableFuture<SavedModel> loading = new CompletableFuture<>();
    Thread loader =
        new Thread(
            () -> {
              try {
                loading.complete(
                    ModelCache.acquire(directory, PredictBatches.opThreads(spec.maxWorkerCount())));
              } catch (RuntimeException e) {
                loading.completeExceptionally(e);
              }
            },
            "model-warm-up");
    loader.setDaemon(true);
    loader.start();
    return () -> loading.thenAccept(ModelCache::release);
  }

  /** The counts so far. */
  public Progress progress() {
    if (result instanceof DataflowTemplateJob) {
      return Progress.NONE;
    }
    return readProgress(result, false);
  }

  public State state() {
    if (result instanceof DataflowTemplateJob) {
      return State.SUCCEEDED;
    }
    return stateOf(result.getState());
  }

  /** Asks the runner to stop the pipeline; {@link #waitUntilFinish} then reports CANCELLED. */
  public void cancel() {
    try {
      result.cancel();
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException("The runner could not cancel the pipeline: " + e, e);
    }
  }

  /**
   * Waits for the run to end, calling {@code onProgress} with the counts every {@code interval}. A
   * run that only wrote a Dataflow template ({@code --templateLocation}) has ended SUCCEEDED with
   * no counts.
   */
  public Outcome waitUntilFinish(Duration interval, Consumer<Progress> onProgress) {
    if (result instanceof DataflowTemplateJob) {
      // --templateLocation: the runner wrote a Dataflow template instead of starting a job.
      LOG.info("Wrote a Dataflow template; the job runs when the template is launched");
      return new Outcome(State.SUCCEEDED, null, Progress.NONE);
    }
    PipelineResult.State state = PipelineResult.State.UNKNOWN;
    String failure = null;
    try {
      state = result.getState();
      while (!state.isTerminal()) {
        state = result.waitUntilFinish(org.joda.time.Duration.millis(interval.toMillis()));
        if (state == null) {
          state = result.getState();
        }
        if (!state.isTerminal()) {
          onProgress.accept(progress());
        }
      }
    } catch (RuntimeException e) {
      state = PipelineResult.State.FAILED;
      failure = rootMessage(e);
    }
    Progress progress = readProgress(result, state == PipelineResult.State.DONE);
    State ended = stateOf(state);
    if (ended == State.FAILED && failure == null) {
      failure = "The pipeline failed on the runner (state " + state + ")";
    }
    return new Outcome(ended, failure, progress);
  }

  private static State stateOf(PipelineResult.State state) {
    switch (state) {
      case DONE:
        return State.SUCCEEDED;
      case FAILED:
        return State.FAILED;
      case CANCELLED:
        return State.CANCELLED;
      default:
        return State.RUNNING;
    }
  }

  /**
   * Caps the workers on the runners that have a knob for it and places a Dataflow job in the job's
   * region; see the README.
   */
  private static void applyWorkerLimit(PredictionSpec spec, PipelineOptions options) {
    String runner = options.getRunner().getSimpleName();
    if (runner.equals("DirectRunner")) {
      DirectOptions direct = options.as(DirectOptions.class);
      direct.setTargetParallelism(spec.maxWorkerCount());
      direct.setBlockOnRun(false);
      // Our coders are deterministic and our DoFns never mutate their inputs: skip the checks
      // that re-encode every element.
      direct.setEnforceImmutability(false);
      direct.setEnforceEncodability(false);
    }
    RunnerOptions.applyWorkerLimit(runner, options, spec.maxWorkerCount());
    RunnerOptions.applyRegion(runner, options, spec.region());
  }

  private static List<MatchResult.Metadata> matchInputs(List<String> patterns) {
    Map<String, MatchResult.Metadata> files = new LinkedHashMap<>();
    for (String pattern : patterns) {
      MatchResult match;
      List<MatchResult.Metadata> found;
      try {
        match = FileSystems.match(pattern, EmptyMatchTreatment.ALLOW);
        found = match.status() == MatchResult.Status.OK ? match.metadata() : List.of();
      } catch (IOException | IllegalArgumentException e) {
        throw new PredictionSetupException(
            "Cannot match the input pattern \"" + pattern + "\": " + e.getMessage(), e);
      }
      int before = files.size();
      for (MatchResult.Metadata file : found) {
        if (!file.resourceId().isDirectory()) {
          files.putIfAbsent(file.resourceId().toString(), file);
        }
      }
      if (found.isEmpty()) {
        throw new PredictionSetupException(
            "The input pattern \"" + pattern + "\" matched no files");
      }
      LOG.info("Input pattern {} matched {} file(s)", pattern, files.size() - before);
    }
    return new ArrayList<>(files.values());
  }

  private static ModelSignature checkModel(PredictionSpec spec) {
    Path directory;
    try {
      directory = ModelStaging.localDirectory(spec.modelDirectory());
    } catch (IOException e) {
      throw new PredictionSetupException(
          "Cannot read the model at " + spec.modelDirectory() + ": " + e.getMessage(), e);
    }
    SavedModel model;
    try {
      model = ModelCache.acquire(directory, PredictBatches.opThreads(spec.maxWorkerCount()));
    } catch (ModelException e) {
      throw new PredictionSetupException(e.getMessage(), e);
    }
    try {
      ModelSignature signature = model.signature(spec.signatureName());
      if (spec.dataFormat().isTfRecord() && !signature.takesSingleString()) {
        throw new PredictionSetupException(
            "dataFormat "
                + spec.dataFormat()
                + " passes each record as bytes to one string input, but signature \""
                + signature.key()
                + "\" takes "
                + signature.inputs());
      }
      if (signature.outputs().stream().anyMatch(output -> output.dtype() == DType.UNSUPPORTED)) {
        throw new PredictionSetupException(
            "Signature \""
                + signature.key()
                + "\" returns a type batch-predict cannot write: "
                + signature.outputs());
      }
      return signature;
    } catch (ModelException e) {
      throw new PredictionSetupException(e.getMessage(), e);
    } finally {
      ModelCache.release(model);
    }
  }

  /**
   * Resolves the output directory, removes prediction files an earlier run left there (their shard
   * counts would not match this run's), and writes the CSV header file.
   *
   * @return the directory, ending in a separator
   */
  private static String prepareOutput(PredictionSpec spec, ModelSignature signature) {
    ResourceId directory = FileSystems.matchNewResource(spec.outputPath(), true);
    try {
      MatchResult earlier =
          FileSystems.match(
              directory
                  .resolve("prediction.*", ResolveOptions.StandardResolveOptions.RESOLVE_FILE)
                  .toString(),
              EmptyMatchTreatment.ALLOW);
      if (earlier.status() == MatchResult.Status.OK && !earlier.metadata().isEmpty()) {
        List<ResourceId> stale =
            earlier.metadata().stream().map(MatchResult.Metadata::resourceId).toList();
        LOG.info("Replacing {} earlier prediction file(s) in {}", stale.size(), directory);
        FileSystems.delete(stale, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      }
      if (spec.outputDataFormat() == DataFormat.CSV) {
        ResourceId header =
            directory.resolve(
                PredictionPipeline.CSV_HEADER_FILE,
                ResolveOptions.StandardResolveOptions.RESOLVE_FILE);
        try (OutputStream out = Channels.newOutputStream(FileSystems.create(header, "text/csv"))) {
          out.write(
              (ResultFormatter.csvHeader(signature.outputs()) + "\n")
                  .getBytes(StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new PredictionSetupException(
          "Cannot prepare the output path " + spec.outputPath() + ": " + e.getMessage(), e);
    }
    return directory.toString();
  }

  private static Progress readProgress(PipelineResult result, boolean finished) {
    MetricQueryResults metrics;
    try {
      metrics =
          result
              .metrics()
              .queryMetrics(
                  MetricsFilter.builder()
                      .addNameFilter(
                          org.apache.beam.sdk.metrics.MetricNameFilter.inNamespace(
                              MetricNames.NAMESPACE))
                      .build());
    } catch (RuntimeException e) {
      return Progress.NONE;
    }
    Map<String, Long> counters = new LinkedHashMap<>();
    for (MetricResult<Long> counter : metrics.getCounters()) {
      counters.merge(counter.getName().getName(), value(counter, finished), Long::sum);
    }
    return new Progress(
        counters.getOrDefault(MetricNames.READ, 0L),
        counters.getOrDefault(MetricNames.PREDICTIONS, 0L),
        counters.getOrDefault(MetricNames.ERRORS, 0L),
        counters.getOrDefault(MetricNames.WORKER_MICROS, 0L) / 3.6e9);
  }

  private static long value(MetricResult<Long> counter, boolean finished) {
    if (finished) {
      try {
        return counter.getCommitted();
      } catch (UnsupportedOperationException e) {
        // Not every runner commits metrics; attempted is then the best figure there is.
      }
    }
    Long attempted = counter.getAttempted();
    return attempted == null ? 0 : attempted;
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    return "The pipeline failed: " + message;
  }
}
