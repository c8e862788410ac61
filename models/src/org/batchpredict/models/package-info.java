/**
 * Builders for the example SavedModels under {@code models/} and the input files under {@code
 * testdata/}.
 *
 * <p>Everything here is test code: it is compiled with the tests (the pom adds {@code models/src}
 * as a test source root) and never ships in the engine jar. {@link
 * org.batchpredict.models.BuildModels} writes the model registry, {@link
 * org.batchpredict.models.GenerateTestData} writes the input files. The weights and the input
 * values are closed formulas ({@link org.batchpredict.models.CensusWeights}, {@link
 * org.batchpredict.models.ExampleInputs}) so that a test can recompute every expected prediction in
 * plain Java without trusting the graph.
 */
package org.batchpredict.models;
