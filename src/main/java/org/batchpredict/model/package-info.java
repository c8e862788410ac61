/**
 * The model adapter: loads TensorFlow SavedModels, describes their signatures and runs them on
 * batches of plain Java arrays.
 *
 * <p>This is the only package that imports TensorFlow. Callers see {@link
 * org.batchpredict.model.ModelSignature} and {@link org.batchpredict.model.Column} values, never
 * tensors, so the pipeline stays free of native resources.
 */
package org.batchpredict.model;
