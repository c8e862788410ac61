package org.batchpredict.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: measures throughput against the machine's limit and prints it, also as JSON.
 *
 * <pre>
 * java -jar target/batch-predict.jar bench --instances 1000000 --out bench.json
 * </pre>
 *
 * <p>For each workload it generates the instances once, then runs each measurement in a child JVM
 * with {@code -Xmx} of {@code --heap}: the model alone, I/O alone, the plain Java job (the
 * practical limit the other figures are divided by), and {@code predict} on the DirectRunner and
 * the local FlinkRunner. It also times a one-instance {@code predict} in a fresh JVM.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measures throughput against the machine's limit; prints it and writes JSON.")
public final class BenchCommand implements Callable<Integer> {
  private static final String RESULT_PREFIX = "BENCH-RESULT ";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Option(names = "--instances", defaultValue = "1000000", description = "Per workload.")
  long instances;

  @Option(
      names = "--workloads",
      split = ",",
      defaultValue = "tabular,mlp",
      description = "tabular, mlp (default: both).")
  List<String> workloads;

  @Option(
      names = "--measures",
      split = ",",
      defaultValue = "model,io,plain,direct,flink",
      description = "Which figures (default: all): model, io, plain, direct, flink.")
  List<String> measures;

  @Option(names = "--batch-size", defaultValue = "64", description = "Default: 64.")
  int batchSize;

  @Option(names = "--threads", description = "Worker threads (default: the number of cores).")
  Integer threads;

  @Option(names = "--files", defaultValue = "2", description = "Input files per workload.")
  int files;

  @Option(names = "--heap", defaultValue = "512m", description = "-Xmx of each measured JVM.")
  String heap;

  @Option(names = "--census-model", defaultValue = "models/census/v1")
  Path censusModel;

  @Option(names = "--work-dir", description = "Where inputs and outputs go (default: a temp dir).")
  Path workDir;

  @Option(names = "--one-instance-runs", defaultValue = "3", description = "0 to skip.")
  int oneInstanceRuns;

  @Option(names = "--out", description = "The JSON report (default: none).")
  Path out;

  @Option(
      names = "--engine-classpath",
      description =
          "Jars put before this one on the measured JVMs' class path, to measure another build of"
              + " the engine (say, an earlier jar) with this benchmark.")
  String engineClasspath;

  @Option(names = "--child", hidden = true)
  String child;

  @Option(names = "--inputs", hidden = true)
  Path inputs;

  @Option(names = "--model-dir", hidden = true)
  Path modelDir;

  @Option(names = "--output", hidden = true)
  Path output;

  /** The measured JVMs' entry point: the class path may put another engine's jar first. */
  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new BenchCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    int workers = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (child != null) {
      Measurement.Result result =
          Measurement.run(
              Measurement.Kind.valueOf(child.toUpperCase(Locale.ROOT)),
              Workload.of(workloads.get(0)),
              inputs,
              modelDir,
              output,
              batchSize,
              workers);
      System.out.println(RESULT_PREFIX + new ObjectMapper().writeValueAsString(result));
      return 0;
    }
    Path work = workDir != null ? workDir : Files.createTempDirectory("batch-predict-bench");
    PrintStream err = System.err;
    List<Measurement.Result> results = new ArrayList<>();
    for (String id : workloads) {
      Workload workload = Workload.of(id);
      Path workloadDir = work.resolve(workload.id);
      Path model = workload.modelDirectory(work, censusModel);
      Path input = workloadDir.resolve("input");
      deleteTree(input);
      err.printf(Locale.ROOT, "[bench] %s: writing %,d instances%n", workload.id, instances);
      workload.generate(input, instances, files);
      for (String measure : measures) {
        Path output = workloadDir.resolve("output-" + measure);
        deleteTree(output);
        Measurement.Result result = runChild(measure, workload, input, model, output, workers);
        err.printf(
            Locale.ROOT,
            "[bench] %s %s: %,.0f instances/s%n",
            workload.id,
            measure,
            result.instancesPerSecond());
        results.add(result);
        deleteTree(output);
      }
    }
    List<Double> oneInstance = oneInstanceSeconds(work);
    Map<String, Object> report = report(results, oneInstance, workers);
    printTable(results, oneInstance, System.out);
    if (out != null) {
      JSON.writeValue(out.toFile(), report);
    }
    if (workDir == null) {
      deleteTree(work);
    }
    return 0;
  }

  private Measurement.Result runChild(
      String measure, Workload workload, Path input, Path model, Path output, int workers)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(javaCommand(BenchCommand.class.getName()));
    command.addAll(
        List.of(
            "--child=" + measure,
            "--workloads=" + workload.id,
            "--inputs=" + input,
            "--model-dir=" + model,
            "--output=" + output,
            "--batch-size=" + batchSize,
            "--threads=" + workers));
    Path log = output.resolveSibling(measure + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
    builder.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "1");
    Process process = builder.start();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    for (String line : stdout.split("\n")) {
      if (exit == 0 && line.startsWith(RESULT_PREFIX)) {
        return new ObjectMapper()
            .readValue(line.substring(RESULT_PREFIX.length()), Measurement.Result.class);
      }
    }
    List<String> errLines = Files.readAllLines(log);
    throw new IllegalStateException(
        "The "
            + measure
            + " measurement of "
            + workload.id
            + " failed (exit "
            + exit
            + "); the end of its log "
            + log
            + ":\n"
            + String.join(
                "\n", errLines.subList(Math.max(0, errLines.size() - 30), errLines.size())));
  }

  /** This JVM's java and class path, with the measured heap. */
  private List<String> javaCommand(String mainClass) {
    String java = ProcessHandle.current().info().command().orElse("java");
    return List.of(
        java,
        "-Xmx" + heap,
        "-cp",
        (engineClasspath == null ? "" : engineClasspath + File.pathSeparator)
            + System.getProperty("java.class.path"),
        mainClass);
  }

  /** Wall seconds of {@code predict} on one census instance, each in a fresh JVM. */
  private List<Double> oneInstanceSeconds(Path work) throws IOException, InterruptedException {
    List<Double> seconds = new ArrayList<>();
    if (oneInstanceRuns <= 0) {
      return seconds;
    }
    Path dir = work.resolve("one-instance");
    Path input = Workload.TABULAR.generate(dir.resolve("input"), 1, 1).get(0);
    for (int run = 0; run < oneInstanceRuns; run++) {
      List<String> command = new ArrayList<>(javaCommand("org.batchpredict.cli.Main"));
      command.addAll(
          List.of(
              "predict",
              "--model-dir=" + censusModel.toAbsolutePath(),
              "--input-paths=" + input,
              "--output-path=" + dir.resolve("output"),
              "--data-format=JSON"));
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectOutput(dir.resolve("predict.out").toFile())
              .redirectError(dir.resolve("predict.log").toFile());
      builder.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "1");
      long start = System.nanoTime();
      int exit = builder.start().waitFor();
      double wall = (System.nanoTime() - start) / 1e9;
      if (exit != 0) {
        throw new IllegalStateException(
            "The one-instance predict failed (exit " + exit + "); see " + dir);
      }
      seconds.add(wall);
      System.err.printf(Locale.ROOT, "[bench] one-instance predict: %.2f s%n", wall);
    }
    return seconds;
  }

  private Map<String, Object> report(
      List<Measurement.Result> results, List<Double> oneInstance, int workers) {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put("threads", workers);
    report.put("java", System.getProperty("java.version"));
    report.put("heap", heap);
    report.put("instances", instances);
    report.put("batchSize", batchSize);
    List<Map<String, Object>> figures = new ArrayList<>();
    for (Measurement.Result result : results) {
      Map<String, Object> figure = JSON.convertValue(result, LinkedHashMap.class);
      Double ratio = ratioToPlain(results, result, Measurement.Result::instancesPerSecond);
      if (ratio != null) {
        figure.put("ratioToPlain", ratio);
        figure.put(
            "cpuRatioToPlain",
            ratioToPlain(results, result, Measurement.Result::instancesPerCpuSecond));
        figure.put(
            "steadyRatioToPlain",
            ratioToPlain(results, result, Measurement.Result::steadyInstancesPerSecond));
      }
      figures.add(figure);
    }
    report.put("results", figures);
    if (!oneInstance.isEmpty()) {
      report.put("oneInstanceSeconds", oneInstance);
      report.put("oneInstanceMedianSeconds", median(oneInstance));
    }
    return report;
  }

  /** The figure divided by the same workload's plain-job figure, or null without one. */
  private static Double ratioToPlain(
      List<Measurement.Result> results,
      Measurement.Result result,
      ToDoubleFunction<Measurement.Result> figure) {
    return results.stream()
        .filter(r -> r.workload().equals(result.workload()) && r.measure().equals("plain"))
        .findFirst()
        .map(plain -> figure.applyAsDouble(result) / figure.applyAsDouble(plain))
        .orElse(null);
  }

  private static void printTable(
      List<Measurement.Result> results, List<Double> oneInstance, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "%-8s %-34s %12s %9s %9s %12s %9s %12s %9s %10s %10s%n",
        "workload",
        "measure",
        "instances/s",
        "vs plain",
        "seconds",
        "steady/s",
        "vs plain",
        "inst/CPU-s",
        "vs plain",
        "peak RSS",
        "peak heap");
    for (Measurement.Result result : results) {
      Double ratio = ratioToPlain(results, result, Measurement.Result::instancesPerSecond);
      Double cpuRatio = ratioToPlain(results, result, Measurement.Result::instancesPerCpuSecond);
      Double steadyRatio =
          ratioToPlain(results, result, Measurement.Result::steadyInstancesPerSecond);
      out.printf(
          Locale.ROOT,
          "%-8s %-34s %,12.0f %9s %9.1f %,12.0f %9s %,12.0f %9s %7d MB %7d MB%n",
          result.workload(),
          Measurement.Kind.valueOf(result.measure().toUpperCase(Locale.ROOT)).label,
          result.instancesPerSecond(),
          format(ratio),
          result.seconds(),
          result.steadyInstancesPerSecond(),
          format(steadyRatio),
          result.instancesPerCpuSecond(),
          format(cpuRatio),
          result.peakRssMb(),
          result.peakHeapMb());
    }
    if (!oneInstance.isEmpty()) {
      out.printf(
          Locale.ROOT,
          "one-instance predict, fresh JVM: median %.2f s of %s%n",
          median(oneInstance),
          oneInstance.stream().map(s -> String.format(Locale.ROOT, "%.2f", s)).toList());
    }
  }

  private static String format(Double ratio) {
    return ratio == null ? "-" : String.format(Locale.ROOT, "%.2f", ratio);
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
