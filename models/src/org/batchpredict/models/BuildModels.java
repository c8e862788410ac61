package org.batchpredict.models;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the example model registry: {@code <root>/<model>/v1/} holds a SavedModel and {@code
 * <root>/<model>/default_version} names {@code v1}.
 *
 * <p>Usage: {@code BuildModels [root]}, root defaulting to {@code models}. Existing version
 * directories are replaced; nothing else under the root is touched. The weights are closed
 * formulas, so every rebuild gives the same values. See {@code models/README.md}.
 */
public final class BuildModels {

  private static final Logger LOG = LoggerFactory.getLogger(BuildModels.class);

  /** The version every example model is built as, and the default version of each. */
  public static final String VERSION = "v1";

  private BuildModels() {}

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : "models");
    build(root);
  }

  /** Builds every example model under {@code root}. */
  public static void build(Path root) throws IOException {
    build(root, "census", CensusModel::export);
    build(root, "tf_example", TfExampleModel::export);
    build(root, "image", ImageModel::export);
  }

  private static void build(Path root, String model, Exporter exporter) throws IOException {
    Path modelDir = root.resolve(model);
    Path versionDir = modelDir.resolve(VERSION);
    deleteRecursively(versionDir);
    Files.createDirectories(modelDir);
    exporter.export(versionDir);
    Files.writeString(modelDir.resolve("default_version"), VERSION + "\n", StandardCharsets.UTF_8);
    LOG.info("Wrote model {} version {} to {}", model, VERSION, versionDir);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** Writes one model's SavedModel into a directory that does not exist yet. */
  @FunctionalInterface
  private interface Exporter {
    void export(Path dir) throws IOException;
  }
}
