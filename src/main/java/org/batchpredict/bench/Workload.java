package org.batchpredict.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.batchpredict.model.BenchmarkModels;

/**
 * The two benchmark workloads: {@code tabular}, the census model (seven small inputs of six types,
 * bound by input and output), and {@code mlp}, a dense net with about a million weights on 32
 * features (bound by compute).
 */
enum Workload {
  TABULAR("tabular"),
  MLP("mlp");

  static final int MLP_FEATURES = 32;
  static final int MLP_HIDDEN = 1024;
  static final int MLP_CLASSES = 10;

  final String id;

  Workload(String id) {
    this.id = id;
  }

  /** The model directory under the benchmark's work directory, built there for {@code mlp}. */
  Path modelDirectory(Path workDir, Path censusModel) throws IOException {
    if (this == TABULAR) {
      return censusModel.toAbsolutePath();
    }
    Path dir = workDir.resolve("mlp-model").toAbsolutePath();
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      long weights = BenchmarkModels.exportMlp(dir, MLP_FEATURES, MLP_HIDDEN, MLP_CLASSES);
      System.err.printf(Locale.ROOT, "Built the mlp model (%,d weights) in %s%n", weights, dir);
    }
    return dir;
  }

  /** Writes {@code instances} JSON lines spread over {@code files} files; returns them. */
  List<Path> generate(Path directory, long instances, int files) throws IOException {
    Files.createDirectories(directory);
    List<Path> paths = new ArrayList<>();
    long next = 0;
    for (int f = 0; f < files; f++) {
      Path path = directory.resolve(String.format("instances-%05d.json", f));
      long end = instances * (f + 1) / files;
      try (BufferedWriter out = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
        StringBuilder line = new StringBuilder(256);
        for (; next < end; next++) {
          line.setLength(0);
          appendInstance(next, line);
          out.append(line).append('\n');
        }
      }
      paths.add(path);
    }
    return paths;
  }

  /** One instance, varied by {@code i} so that parsing sees realistic numbers. */
  void appendInstance(long i, StringBuilder line) {
    if (this == TABULAR) {
      line.append("{\"key\":\"c")
          .append(i)
          .append("\",\"age\":")
          .append(18 + (i % 700) / 10.0)
          .append(",\"hours_per_week\":")
          .append(i % 80)
          .append(",\"capital_gain\":")
          .append((i * 7919 % 1_000_000) / 100.0)
          .append(",\"is_married\":")
          .append(i % 3 == 0)
          .append(",\"education_code\":")
          .append(i % 16)
          .append(",\"features\":[");
      for (int k = 0; k < 4; k++) {
        line.append(k == 0 ? "" : ",").append(((i * (k + 3)) % 400 - 200) / 100.0);
      }
      line.append("]}");
    } else {
      line.append("{\"" + BenchmarkModels.MLP_INPUT + "\":[");
      for (int k = 0; k < MLP_FEATURES; k++) {
        line.append(k == 0 ? "" : ",").append(((i * 31 + k * 17) % 2000 - 1000) / 1000.0);
      }
      line.append("]}");
    }
  }

  static Workload of(String id) {
    for (Workload workload : values()) {
      if (workload.id.equals(id)) {
        return workload;
      }
    }
    throw new IllegalArgumentException("Unknown workload \"" + id + "\": expected tabular or mlp");
  }
}
