/**
 * The prediction pipeline: an Apache Beam pipeline that reads instances from files, runs them
 * through a SavedModel signature in batches, and writes predictions, per-instance errors and error
 * statistics.
 *
 * <p>{@link org.batchpredict.pipeline.PredictionRun} is the entry point: it prepares a {@link
 * org.batchpredict.pipeline.PredictionSpec} (matches the inputs, checks the model), runs the
 * pipeline on any Beam runner and reports progress and final counts. The transforms are {@link
 * org.batchpredict.pipeline.ReadRecords} and {@link org.batchpredict.pipeline.PredictBatches}.
 * Models are reached only through {@code org.batchpredict.model}.
 */
package org.batchpredict.pipeline;
