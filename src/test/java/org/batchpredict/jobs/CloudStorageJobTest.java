package org.batchpredict.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.batchpredict.testing.FakeGcs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Specifies that a job reads {@code gs://} inputs and a {@code gs://} model and writes {@code
 * gs://} outputs through Beam's GCS file system, with the same results as the job on local files.
 * Runs against {@link FakeGcs} on loopback.
 */
class CloudStorageJobTest {
  @TempDir Path temp;

  @Test
  void jobFromCloudStorageToCloudStorageMatchesTheSameJobOnLocalFiles() throws IOException {
    try (FakeGcs gcs = FakeGcs.start()) {
      gcs.putTree("bucket", "models/census/v1/", Path.of("models/census/v1"));
      gcs.put("bucket", "in/mixed.json", Files.readAllBytes(Path.of("testdata/census/mixed.json")));
      gcs.put(
          "bucket",
          "in/instances.json",
          Files.readAllBytes(Path.of("testdata/census/instances.json")));
      gcs.put(
          "bucket",
          "in/instances.csv",
          Files.readAllBytes(Path.of("testdata/census/instances.csv")));
      gcs.put(
          "bucket",
          "out/prediction.results-00000-of-00999",
          "stale".getBytes(StandardCharsets.UTF_8));
      Job local =
          job(
              List.of("testdata/census/mixed.json", "testdata/census/instances.json"),
              "models/census/v1",
              temp.toString());
      Job remote =
          job(List.of("gs://bucket/in/*.json"), "gs://bucket/models/census/v1", "gs://bucket/out");

      Job localDone = run(local, "--runner=DirectRunner");
      Job remoteDone =
          run(
              remote,
              "--runner=DirectRunner",
              "--gcsEndpoint=" + gcs.endpoint(),
              "--project=batch-predict-test",
              "--credentialFactoryClass="
                  + "org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory");

      assertThat(gcs.unknownRequests()).isEmpty();
      assertThat(remoteDone.state).as(remoteDone.errorMessage).isEqualTo(JobState.SUCCEEDED);
      assertThat(remoteDone.predictionOutput.predictionCount).isEqualTo(222L);
      assertThat(remoteDone.predictionOutput.errorCount).isEqualTo(8L);
      assertThat(remoteDone.predictionOutput.predictionCount)
          .isEqualTo(localDone.predictionOutput.predictionCount);
      assertThat(gcs.list("bucket", "out/"))
          .allMatch(
              name ->
                  name.matches("out/prediction\\.(results|errors|errors_stats)-\\d{5}-of-\\d{5}"))
          .doesNotContain("out/prediction.results-00000-of-00999");
      assertThat(lines(gcs, "out/prediction.results-"))
          .hasSize(222)
          .isEqualTo(FlinkRunnerTest.lines(temp, "prediction.results-"));
      assertThat(lines(gcs, "out/prediction.errors_stats-"))
          .isEqualTo(FlinkRunnerTest.lines(temp, "prediction.errors_stats-"));
      assertThat(lines(gcs, "out/prediction.errors-"))
          .hasSize(8)
          .allMatch(line -> line.contains("\"source\":\"gs://bucket/in/mixed.json\""));
    }
  }

  private static Job job(List<String> inputs, String model, String output) {
    Job job = new Job();
    job.jobId = "gcs_job";
    job.predictionInput = new PredictionInput();
    job.predictionInput.dataFormat = "JSON";
    job.predictionInput.inputPaths = inputs;
    job.predictionInput.outputPath = output;
    job.predictionInput.uri = model;
    job.predictionInput.region = "local";
    job.predictionInput.maxWorkerCount = 2L;
    JobValidator.validate(job);
    return job;
  }

  private static Job run(Job job, String... pipelineArgs) {
    return new PredictionJob(
            job,
            new ModelRegistry(Path.of("models")),
            PipelineOptionsFactory.fromArgs(pipelineArgs).create(),
            Duration.ofMillis(500))
        .run(changed -> {});
  }

  private static List<String> lines(FakeGcs gcs, String prefix) {
    return gcs.list("bucket", prefix).stream()
        .flatMap(name -> new String(gcs.get("bucket", name), StandardCharsets.UTF_8).lines())
        .sorted()
        .toList();
  }
}
