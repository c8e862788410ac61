package org.batchpredict.pipeline;

import org.apache.beam.runners.dataflow.options.DataflowPipelineOptions;
import org.apache.beam.runners.dataflow.options.DataflowPipelineWorkerPoolOptions;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;

/** Maps {@code maxWorkerCount} and {@code region} onto each distributed runner's own options. */
final class RunnerOptions {
  /** The region of a job that runs on this machine. */
  static final String LOCAL_REGION = "local";

  private RunnerOptions() {}

  static void applyWorkerLimit(String runner, PipelineOptions options, int maxWorkerCount) {
    switch (runner) {
      case "FlinkRunner":
        FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
        flink.setParallelism(maxWorkerCount);
        // Our DoFns never mutate their inputs, so Flink may pass elements on without copying.
        flink.setFasterCopy(true);
        // Submit without blocking, so that the job can be followed, counted and cancelled while
        // it runs (FlinkJobResult).
        flink.setAttachedMode(false);
        break;
      case "DataflowRunner":
        options.as(DataflowPipelineWorkerPoolOptions.class).setMaxNumWorkers(maxWorkerCount);
        break;
      default:
        break;
    }
  }

  /**
   * On Dataflow, runs the job in its {@code region}. A job left in region {@code local} (the
   * command's default) keeps the region the pipeline options give, and must have one there.
   *
   * @throws PredictionSetupException when a Dataflow job has no region at all
   */
  static void applyRegion(String runner, PipelineOptions options, String region) {
    if (!runner.equals("DataflowRunner")) {
      return;
    }
    DataflowPipelineOptions dataflow = options.as(DataflowPipelineOptions.class);
    if (region != null && !region.isBlank() && !region.equals(LOCAL_REGION)) {
      dataflow.setRegion(region);
    } else if (dataflow.getRegion() == null || dataflow.getRegion().isBlank()) {
      throw new PredictionSetupException(
          "predictionInput.region is \""
              + (region == null ? "" : region)
              + "\", but the DataflowRunner needs a Google Cloud region: give the job's region"
              + " (--region=us-central1)");
    }
  }
}
