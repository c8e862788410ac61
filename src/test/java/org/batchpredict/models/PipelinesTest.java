package org.batchpredict.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.ml.v1.model.GoogleCloudMlV1Job;
import com.google.api.services.ml.v1.model.GoogleCloudMlV1PredictionInput;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Specifies that every example job under {@code pipelines/} is a valid Job resource of the AI
 * Platform v1 API, and that the files and models it names are checked in.
 */
class PipelinesTest {

  @Test
  void everyPipelineParsesAsAJobWithOnlyKnownFieldsAndExistingPaths() throws IOException {
    List<Path> pipelines;
    try (Stream<Path> files = Files.list(Path.of("pipelines"))) {
      pipelines = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(pipelines).hasSizeGreaterThanOrEqualTo(7);

    for (Path pipeline : pipelines) {
      GoogleCloudMlV1Job job;
      try (Reader reader = Files.newBufferedReader(pipeline)) {
        job = GsonFactory.getDefaultInstance().fromReader(reader, GoogleCloudMlV1Job.class);
      }
      GoogleCloudMlV1PredictionInput input = job.getPredictionInput();

      assertThat(job.getUnknownKeys()).as("unknown Job fields in %s", pipeline).isEmpty();
      assertThat(input.getUnknownKeys()).as("unknown input fields in %s", pipeline).isEmpty();
      assertThat(job.getJobId()).matches("[A-Za-z][A-Za-z0-9_]*");
      assertThat(input.getBatchSize()).isEqualTo(64L);
      for (String inputPath : input.getInputPaths()) {
        assertThat(Path.of(inputPath)).as("input of %s", pipeline).isRegularFile();
      }
      if (input.getUri() != null) {
        assertThat(Path.of(input.getUri()).resolve("saved_model.pb")).isRegularFile();
      } else {
        String model = input.getModelName().substring("projects/local/models/".length());
        assertThat(Path.of("models", model, "default_version")).isRegularFile();
      }
    }
  }
}
