package org.batchpredict.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.jar.JarOutputStream;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.batchpredict.testing.FakeDataflow;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Specifies how a job runs on {@code --runner=DataflowRunner}, offline: the translated job (a
 * template written to a local file) has our steps, the job's region and the worker options; and a
 * job submitted to {@link FakeDataflow} on loopback follows the Dataflow job's state and forwards a
 * cancel.
 */
class DataflowRunnerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCELERATOR =
      "worker_accelerator=type:nvidia-tesla-t4;count:1;install-nvidia-driver";

  @TempDir Path temp;
  private Path stagedJar;

  @BeforeEach
  void smallJarToStage() throws IOException {
    // Stage one small jar instead of the whole test class path.
    stagedJar = temp.resolve("stage.jar");
    try (OutputStream out = Files.newOutputStream(stagedJar)) {
      new JarOutputStream(out).close();
    }
  }

  @Test
  void templateHasOurStepsTheJobsRegionAndTheWorkerOptions() throws IOException {
    Path template = temp.resolve("template.json");
    Job job = job("europe-west4", 7);

    Job done =
        run(
            job,
            "--templateLocation=" + template,
            "--workerMachineType=n1-standard-8",
            "--dataflowServiceOptions=" + ACCELERATOR);

    assertThat(done.state).as(done.errorMessage).isEqualTo(JobState.SUCCEEDED);
    JsonNode translated = JSON.readTree(template.toFile());
    List<String> steps = new ArrayList<>();
    translated
        .path("steps")
        .forEach(s -> steps.add(s.path("properties").path("user_name").path("value").asText()));
    assertThat(steps)
        .contains(
            "SpreadFiles/Reshuffle/GroupByKey",
            "SpreadChunks/Reshuffle/GroupByKey",
            "PredictBatches/Predict",
            "AllErrors")
        .anyMatch(step -> step.startsWith("MatchedFiles/"))
        .anyMatch(step -> step.startsWith("ReadRecords/"))
        .anyMatch(step -> step.startsWith("WriteResults/"))
        .anyMatch(step -> step.startsWith("WriteErrors/"))
        .anyMatch(step -> step.startsWith("WriteErrorStats/"));
    JsonNode environment = translated.path("environment");
    JsonNode options = environment.path("sdkPipelineOptions").path("options");
    assertThat(options.path("region").asText()).isEqualTo("europe-west4");
    assertThat(options.path("maxNumWorkers").asInt()).isEqualTo(7);
    JsonNode pool = environment.path("workerPools").path(0);
    assertThat(pool.path("autoscalingSettings").path("maxNumWorkers").asInt()).isEqualTo(7);
    assertThat(pool.path("machineType").asText()).isEqualTo("n1-standard-8");
    assertThat(environment.path("serviceOptions").get(0).asText()).isEqualTo(ACCELERATOR);
  }

  @Test
  void submittedJobRunsWhileDataflowRunsAndSucceedsWhenItIsDone() throws Exception {
    try (FakeDataflow dataflow = FakeDataflow.start()) {
      dataflow.setState("JOB_STATE_RUNNING");
      List<JobState> states = new CopyOnWriteArrayList<>();

      CompletableFuture<Job> running = start(job("us-central1", 3), dataflow, states);
      awaitTrue(() -> getsOfJob(dataflow) >= 2, dataflow);
      boolean finishedWhileRunning = running.isDone();
      dataflow.setState("JOB_STATE_DONE");
      Job done = running.get(60, TimeUnit.SECONDS);

      assertThat(finishedWhileRunning).isFalse();
      assertThat(done.state).as(done.errorMessage).isEqualTo(JobState.SUCCEEDED);
      assertThat(states)
          .containsSubsequence(JobState.PREPARING, JobState.RUNNING, JobState.SUCCEEDED);
      FakeDataflow.Request create = dataflow.requests().get(0);
      assertThat(create.method()).isEqualTo("POST");
      assertThat(create.path())
          .isEqualTo("/v1b3/projects/my-project-123/locations/us-central1/jobs");
      assertThat(create.body().path("type").asText()).isEqualTo("JOB_TYPE_BATCH");
      assertThat(create.body().path("name").asText()).isNotEmpty();
      assertThat(
              create
                  .body()
                  .path("environment")
                  .path("workerPools")
                  .path(0)
                  .path("autoscalingSettings")
                  .path("maxNumWorkers")
                  .asInt())
          .isEqualTo(3);
      assertThat(
              StreamSupport.stream(create.body().path("steps").spliterator(), false)
                  .map(s -> s.path("properties").path("user_name").path("value").asText()))
          .contains("PredictBatches/Predict");
      assertThat(dataflow.requests())
          .allMatch(
              r -> r.path().startsWith("/v1b3/projects/my-project-123/locations/us-central1/jobs"));
    }
  }

  @Test
  void failedDataflowJobFailsTheJob() throws Exception {
    try (FakeDataflow dataflow = FakeDataflow.start()) {
      dataflow.setState("JOB_STATE_FAILED");

      Job done =
          start(job("us-central1", 3), dataflow, new ArrayList<>()).get(60, TimeUnit.SECONDS);

      assertThat(done.state).isEqualTo(JobState.FAILED);
      assertThat(done.errorMessage).contains("FAILED");
    }
  }

  @Test
  void cancelIsForwardedToDataflowAndTheJobEndsCancelled() throws Exception {
    try (FakeDataflow dataflow = FakeDataflow.start()) {
      dataflow.setState("JOB_STATE_RUNNING");
      List<JobState> states = new CopyOnWriteArrayList<>();
      PredictionJob[] job = new PredictionJob[1];

      CompletableFuture<Job> running = start(job("us-central1", 3), dataflow, states, job);
      awaitTrue(() -> states.contains(JobState.RUNNING), dataflow);
      job[0].cancel();
      Job done = running.get(60, TimeUnit.SECONDS);

      assertThat(done.state).isEqualTo(JobState.CANCELLED);
      assertThat(dataflow.requests())
          .anyMatch(
              r ->
                  r.method().equals("PUT")
                      && r.path().endsWith("/jobs/" + FakeDataflow.JOB_ID)
                      && r.body().path("requestedState").asText().equals("JOB_STATE_CANCELLED"));
    }
  }

  @Test
  void localRegionOnDataflowFailsTheJobAskingForARegion() {
    Job job = job("local", 3);

    Job done = run(job);

    assertThat(done.state).isEqualTo(JobState.FAILED);
    assertThat(done.errorMessage)
        .isEqualTo(
            "predictionInput.region is \"local\", but the DataflowRunner needs a Google Cloud"
                + " region: give the job's region (--region=us-central1)");
  }

  private Job job(String region, long maxWorkerCount) {
    Job job = new Job();
    job.jobId = "dataflow_job";
    job.predictionInput = new PredictionInput();
    job.predictionInput.dataFormat = "JSON";
    job.predictionInput.inputPaths = List.of("testdata/census/mixed.json");
    job.predictionInput.outputPath = temp.resolve("out").toString();
    job.predictionInput.uri = "models/census/v1";
    job.predictionInput.region = region;
    job.predictionInput.maxWorkerCount = maxWorkerCount;
    JobValidator.validate(job);
    return job;
  }

  private String[] dataflowArgs(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--runner=DataflowRunner",
                "--project=my-project-123",
                "--pathValidatorClass=org.apache.beam.sdk.extensions.gcp.storage.NoopPathValidator",
                "--credentialFactoryClass="
                    + "org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory",
                "--tempLocation=" + temp.resolve("tmp"),
                "--gcpTempLocation=" + temp.resolve("tmp"),
                "--filesToStage=" + stagedJar));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private Job run(Job job, String... args) {
    return new PredictionJob(
            job,
            new ModelRegistry(Path.of("models")),
            PipelineOptionsFactory.fromArgs(dataflowArgs(args)).create(),
            Duration.ofMillis(200))
        .run(changed -> {});
  }

  private CompletableFuture<Job> start(
      Job job, FakeDataflow dataflow, List<JobState> states, PredictionJob... handle) {
    PredictionJob predictionJob =
        new PredictionJob(
            job,
            new ModelRegistry(Path.of("models")),
            PipelineOptionsFactory.fromArgs(
                    dataflowArgs("--dataflowEndpoint=" + dataflow.endpoint()))
                .create(),
            Duration.ofMillis(200));
    if (handle.length > 0) {
      handle[0] = predictionJob;
    }
    return CompletableFuture.supplyAsync(
        () -> predictionJob.run(changed -> states.add(changed.state)));
  }

  private static long getsOfJob(FakeDataflow dataflow) {
    return dataflow.requests().stream()
        .filter(r -> r.method().equals("GET") && r.path().endsWith("/jobs/" + FakeDataflow.JOB_ID))
        .count();
  }

  private static void awaitTrue(BooleanSupplier condition, FakeDataflow dataflow)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime())
          .as("waited 60 s; requests: %s", dataflow.requests())
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
