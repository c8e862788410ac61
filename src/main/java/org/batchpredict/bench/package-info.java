/**
 * The {@code bench} command: measures batch-predict's throughput against what the machine allows.
 *
 * <p>For each workload it times the model alone, input and output alone, the whole job as a plain
 * multi-threaded Java program ({@link org.batchpredict.bench.PlainJob}, the practical limit), and
 * {@code predict} end to end on the DirectRunner and the local FlinkRunner, each measurement in a
 * child JVM of its own so that peak memory and JIT state belong to that measurement alone.
 */
package org.batchpredict.bench;
