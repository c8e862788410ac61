/**
 * Prediction jobs: the API's Job resource, its validation, the model registry, and the lifecycle
 * that runs a job's {@code predictionInput} through the prediction pipeline.
 *
 * <p>For the jobs service it also holds the durable {@link org.batchpredict.jobs.JobStore} (JDBC,
 * Flyway migrations under {@code db/migration}), the {@link org.batchpredict.jobs.JobQueue} that
 * runs queued jobs in creation order and recovers them after a restart, the list {@link
 * org.batchpredict.jobs.JobFilter} and the {@link org.batchpredict.jobs.PageToken}.
 *
 * <p>The command line and the jobs service both run jobs through {@link
 * org.batchpredict.jobs.PredictionJob}; this package uses {@code org.batchpredict.pipeline} and is
 * used by {@code org.batchpredict.cli} and {@code org.batchpredict.service}.
 */
package org.batchpredict.jobs;
