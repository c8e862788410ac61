package org.batchpredict.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.stream.Stream;

/**
 * Resolves {@code modelName} and {@code versionName} to SavedModel directories under a root laid
 * out as {@code <root>/<model>/<version>/}. A model's default version is named by the one-line file
 * {@code <root>/<model>/default_version}; a model with a single version needs none.
 *
 * <p>The project part of the names is not used: one registry serves every project.
 */
public final class ModelRegistry {
  public static final String DEFAULT_VERSION_FILE = "default_version";

  private final Path root;

  public ModelRegistry(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /**
   * The SavedModel directory of {@code projects/P/models/M} (its default version) or {@code
   * projects/P/models/M/versions/V}.
   *
   * @throws InvalidJobException when the model or version is not in the registry
   */
  public Path resolve(String field, String name) {
    Matcher version = JobValidator.VERSION_NAME.matcher(name);
    if (version.matches()) {
      return existing(field, name, root.resolve(version.group(2)).resolve(version.group(3)));
    }
    Matcher model = JobValidator.MODEL_NAME.matcher(name);
    if (!model.matches()) {
      throw new InvalidJobException(field, "Invalid model name \"" + name + "\"");
    }
    Path modelDirectory = existing(field, name, root.resolve(model.group(2)));
    return existing(field, name, modelDirectory.resolve(defaultVersion(field, modelDirectory)));
  }

  private String defaultVersion(String field, Path modelDirectory) {
    Path marker = modelDirectory.resolve(DEFAULT_VERSION_FILE);
    try {
      if (Files.isRegularFile(marker)) {
        return Files.readString(marker, StandardCharsets.UTF_8).strip();
      }
      try (Stream<Path> children = Files.list(modelDirectory)) {
        List<Path> versions = children.filter(Files::isDirectory).toList();
        if (versions.size() == 1) {
          return versions.get(0).getFileName().toString();
        }
        throw new InvalidJobException(
            field,
            "Model "
                + modelDirectory.getFileName()
                + " has "
                + versions.size()
                + " versions and no default: write the default's name into "
                + marker);
      }
    } catch (IOException e) {
      throw new InvalidJobException(field, "Cannot read the model registry: " + e.getMessage());
    }
  }

  private Path existing(String field, String name, Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new InvalidJobException(
          field,
          "Model "
              + name
              + " is not in the model registry at "
              + root
              + " ("
              + directory
              + " does not exist)");
    }
    return directory;
  }
}
