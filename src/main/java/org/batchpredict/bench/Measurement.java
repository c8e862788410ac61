package org.batchpredict.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.batchpredict.model.BenchmarkModels;
import org.batchpredict.model.Column;
import org.batchpredict.model.SavedModel;
import org.batchpredict.pipeline.DataFormat;
import org.batchpredict.pipeline.PredictionRun;
import org.batchpredict.pipeline.PredictionSpec;

/** One measurement of one workload, run inside the JVM that reports it. */
final class Measurement {
  /** What is measured; {@link #label} is the figure's name in the report and the JSON. */
  enum Kind {
    MODEL("model alone"),
    IO("I/O alone"),
    PLAIN("plain Java job (practical limit)"),
    DIRECT("predict, DirectRunner"),
    FLINK("predict, FlinkRunner local");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /**
   * A measured figure: instances per second over the wall time; the CPU time the JVM spent over
   * that interval (all its threads, TensorFlow's included), which a shared machine disturbs far
   * less than wall time; the steady rate, once the first predictions are counted (for {@code
   * predict}: its rate net of start-up, measured from its one-second progress reports; for the
   * others the plain rate); and the JVM's peak memory.
   */
  record Result(
      String workload,
      String measure,
      long instances,
      double seconds,
      double instancesPerSecond,
      double cpuSeconds,
      double instancesPerCpuSecond,
      double steadyInstancesPerSecond,
      long peakRssMb,
      long peakHeapMb) {}

  private Measurement() {}

  static Result run(
      Kind kind,
      Workload workload,
      Path inputs,
      Path model,
      Path output,
      int batchSize,
      int threads)
      throws Exception {
    List<Path> files;
    try (Stream<Path> listed = Files.list(inputs)) {
      files = listed.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    Timed timed =
        switch (kind) {
          case MODEL -> modelAlone(files, model, batchSize, threads);
          case IO, PLAIN -> timed(() -> plain(kind, files, model, output, batchSize, threads));
          case DIRECT, FLINK ->
              timed(() -> predict(kind, inputs, model, output, batchSize, threads));
        };
    return new Result(
        workload.id,
        kind.name().toLowerCase(java.util.Locale.ROOT),
        timed.instances(),
        timed.seconds(),
        timed.instances() / timed.seconds(),
        timed.cpuSeconds(),
        timed.instances() / timed.cpuSeconds(),
        Double.isNaN(steadyRate) ? timed.instances() / timed.seconds() : steadyRate,
        peakRssMb(),
        peakHeapMb());
  }

  private record Timed(long instances, double seconds, double cpuSeconds) {}

  private interface Counted {
    long run() throws Exception;
  }

  private static Timed timed(Counted work) throws Exception {
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    long instances = work.run();
    return new Timed(
        instances, (System.nanoTime() - start) / 1e9, (processCpuNanos() - cpuStart) / 1e9);
  }

  /** The signature on one pre-built batch, called as many times as the files hold batches. */
  /** The rate of the last {@code predict} measured from its first counted predictions on. */
  private static double steadyRate = Double.NaN;

  private static Timed modelAlone(List<Path> files, Path model, int batchSize, int threads)
      throws Exception {
    long lines = 0;
    for (Path file : files) {
      try (Stream<String> read = Files.lines(file)) {
        lines += read.count();
      }
    }
    byte[][] first = new byte[batchSize][];
    try (Stream<String> read = Files.lines(files.get(0))) {
      List<String> head = read.limit(batchSize).toList();
      for (int i = 0; i < batchSize; i++) {
        first[i] = head.get(i % head.size()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    try (SavedModel loaded = SavedModel.load(model, 1)) {
      Map<String, Column> batch =
          new BatchColumns(loaded.signature(SavedModel.DEFAULT_SIGNATURE).inputs())
              .parse(first, batchSize);
      long calls = (lines + batchSize - 1) / batchSize;
      long cpuStart = processCpuNanos();
      double rate =
          BenchmarkModels.callLoop(loaded, SavedModel.DEFAULT_SIGNATURE, batch, threads, calls);
      long rows = calls * batchSize;
      return new Timed(rows, rows / rate, (processCpuNanos() - cpuStart) / 1e9);
    }
  }

  private static long plain(
      Kind kind, List<Path> files, Path model, Path output, int batchSize, int threads)
      throws Exception {
    try (SavedModel loaded = SavedModel.load(model, 1)) {
      PlainJob job =
          new PlainJob(
              loaded.signature(SavedModel.DEFAULT_SIGNATURE),
              kind == Kind.PLAIN ? loaded : null,
              batchSize,
              threads);
      return job.run(files, output);
    }
  }

  private static long predict(
      Kind kind, Path inputs, Path model, Path output, int batchSize, int threads) {
    List<String> args = new ArrayList<>();
    if (kind == Kind.FLINK) {
      args.add("--runner=FlinkRunner");
      args.add("--flinkMaster=[local]");
    }
    PipelineOptions options = PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).create();
    PredictionSpec spec =
        new PredictionSpec(
            List.of(inputs.resolve("*.json").toString()),
            DataFormat.JSON,
            output.toString(),
            DataFormat.JSON,
            model.toString(),
            SavedModel.DEFAULT_SIGNATURE,
            batchSize,
            threads);
    long[] firstCounted = new long[2]; // nanoTime, predictions at the first non-zero report
    PredictionRun.Outcome outcome =
        PredictionRun.prepare(spec, options)
            .start()
            .waitUntilFinish(
                Duration.ofSeconds(1),
                progress -> {
                  if (firstCounted[0] == 0 && progress.predictionCount() > 0) {
                    firstCounted[0] = System.nanoTime();
                    firstCounted[1] = progress.predictionCount();
                  }
                });
    if (firstCounted[0] != 0) {
      double seconds = (System.nanoTime() - firstCounted[0]) / 1e9;
      steadyRate = (outcome.progress().predictionCount() - firstCounted[1]) / seconds;
    }
    if (outcome.state() != PredictionRun.State.SUCCEEDED || outcome.progress().errorCount() != 0) {
      throw new IllegalStateException(
          "The " + kind.label + " run did not succeed cleanly: " + outcome);
    }
    return outcome.progress().predictionCount();
  }

  /** CPU time of the whole process so far, all threads (native ones included). */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The process's peak resident set (VmHWM), or -1 where /proc is not there. */
  static long peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** The sum of the heap pools' peak usage. */
  static long peakHeapMb() {
    long bytes = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        bytes += pool.getPeakUsage().getUsed();
      }
    }
    return bytes / (1024 * 1024);
  }
}
