/**
 * Prediction jobs: the API's Job resource, its validation, the model registry, and the lifecycle
 * that runs a job's {@code predictionInput} through the prediction pipeline.
 *
 * <p>The command line and the jobs service both run jobs through {@link
 * org.batchpredict.jobs.PredictionJob}; this package uses {@code org.batchpredict.pipeline} and is
 * used by {@code org.batchpredict.cli} and {@code org.batchpredict.service}.
 */
package org.batchpredict.jobs;
