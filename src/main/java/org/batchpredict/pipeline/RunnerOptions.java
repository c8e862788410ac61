package org.batchpredict.pipeline;

import org.apache.beam.runners.dataflow.options.DataflowPipelineWorkerPoolOptions;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;

/** Maps {@code maxWorkerCount} onto each distributed runner's own option. */
final class RunnerOptions {
  private RunnerOptions() {}

  static void applyWorkerLimit(String runner, PipelineOptions options, int maxWorkerCount) {
    switch (runner) {
      case "FlinkRunner":
        FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
        flink.setParallelism(maxWorkerCount);
        // Our DoFns never mutate their inputs, so Flink may pass elements on without copying.
        flink.setFasterCopy(true);
        break;
      case "DataflowRunner":
        options.as(DataflowPipelineWorkerPoolOptions.class).setMaxNumWorkers(maxWorkerCount);
        break;
      default:
        break;
    }
  }
}
