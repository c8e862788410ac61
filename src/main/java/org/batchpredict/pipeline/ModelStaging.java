package org.batchpredict.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a local directory for a SavedModel URI: the directory itself for a local path, or a copy
 * made once per JVM through Beam's file systems for a remote one ({@code gs://...}).
 */
final class ModelStaging {
  private static final Logger LOG = LoggerFactory.getLogger(ModelStaging.class);
  private static final Map<String, Path> COPIES = new HashMap<>();

  private ModelStaging() {}

  static boolean isLocal(String uri) {
    return !uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]+://.*") || uri.startsWith("file://");
  }

  static Path localDirectory(String uri) throws IOException {
    if (isLocal(uri)) {
      return Path.of(uri.startsWith("file://") ? uri.substring("file://".length()) : uri);
    }
    synchronized (COPIES) {
      Path copy = COPIES.get(uri);
      if (copy == null) {
        copy = copy(uri);
        COPIES.put(uri, copy);
      }
      return copy;
    }
  }

  private static Path copy(String uri) throws IOException {
    String base = uri.endsWith("/") ? uri : uri + "/";
    List<MatchResult.Metadata> files =
        FileSystems.match(base + "**", EmptyMatchTreatment.ALLOW).metadata();
    if (files.isEmpty()) {
      throw new IOException("No files under the model URI " + uri);
    }
    Path target = Files.createTempDirectory("batch-predict-model-");
    for (MatchResult.Metadata file : files) {
      String name = file.resourceId().toString();
      if (!name.startsWith(base) || name.endsWith("/")) {
        continue;
      }
      Path local = target.resolve(name.substring(base.length())).normalize();
      if (!local.startsWith(target)) {
        continue;
      }
      Files.createDirectories(local.getParent());
      try (InputStream in = Channels.newInputStream(FileSystems.open(file.resourceId()))) {
        Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    LOG.info("Copied the model at {} ({} files) to {}", uri, files.size(), target);
    return target;
  }
}
