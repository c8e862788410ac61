package org.batchpredict.pipeline;

/**
 * The names of the pipeline's counters, all in {@link #NAMESPACE}. Every instance read is counted
 * once in {@link #READ} and then once in either {@link #PREDICTIONS} or {@link #ERRORS}.
 */
final class MetricNames {
  static final String NAMESPACE = "batch-predict";
  static final String READ = "instances-read";
  static final String PREDICTIONS = "ml-predictions";
  static final String ERRORS = "ml-failed-predictions";
  static final String BATCHES = "batches";

  /** Time worker threads spent reading, parsing, predicting and formatting, in microseconds. */
  static final String WORKER_MICROS = "worker-micros";

  private MetricNames() {}
}
