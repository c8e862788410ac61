package org.batchpredict.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.batchpredict.service.ServiceTesting.await;
import static org.batchpredict.service.ServiceTesting.client;
import static org.batchpredict.service.ServiceTesting.config;
import static org.batchpredict.service.ServiceTesting.isFinal;
import static org.batchpredict.service.ServiceTesting.job;
import static org.batchpredict.service.ServiceTesting.results;

import com.google.api.services.ml.v1.CloudMachineLearningEngine;
import com.google.api.services.ml.v1.model.GoogleCloudMlV1CancelJobRequest;
import com.google.api.services.ml.v1.model.GoogleCloudMlV1Job;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarOutputStream;
import org.batchpredict.cli.Main;
import org.batchpredict.testing.FakeDataflow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs service configured to run its jobs on Flink (an embedded cluster) or on Dataflow (the
 * loopback {@link FakeDataflow}), seen through the real ml v1 Java client: states, counts, results
 * and cancel.
 */
class ServiceRunnersTest {
  private static final String PROJECT = "projects/runners";

  @TempDir Path temp;

  @Test
  void flinkJobsSucceedWithTheDirectRunnersResultsAndCancelWhileRunning() throws Exception {
    // setup: a job to finish and, beside it, one big enough to be cancelled while it runs
    Path output = temp.resolve("flink_out");
    Path directOutput = temp.resolve("direct_out");
    Path big = bigInput(500);
    List<String> pipelineArgs = List.of("--runner=FlinkRunner");

    // act
    GoogleCloudMlV1Job done;
    GoogleCloudMlV1Job running;
    String afterCancel;
    GoogleCloudMlV1Job cancelled;
    try (JobsServer server = JobsServer.start(config(temp.resolve("data"), 2, pipelineArgs))) {
      CloudMachineLearningEngine.Projects.Jobs jobs = client(server.port()).projects().jobs();
      jobs.create(PROJECT, job("on_flink", output)).execute();
      jobs.create(PROJECT, job("cancelled_on_flink", big.toString(), temp.resolve("big")))
          .execute();
      String name = PROJECT + "/jobs/cancelled_on_flink";
      running = await(jobs, name, job -> !job.getState().matches("QUEUED|PREPARING"));
      jobs.cancel(name, new GoogleCloudMlV1CancelJobRequest()).execute();
      afterCancel = jobs.get(name).execute().getState();
      cancelled = await(jobs, name, job -> isFinal(job.getState()));
      done = await(jobs, PROJECT + "/jobs/on_flink", job -> isFinal(job.getState()));
    }
    int exit =
        Main.run(
            "predict",
            "--model-dir=models/census/v1",
            "--input-paths=" + ServiceTesting.INSTANCES_FILE,
            "--output-path=" + directOutput,
            "--data-format=JSON",
            "--region=local");

    // check
    assertThat(done.getState()).as(String.valueOf(done.getErrorMessage())).isEqualTo("SUCCEEDED");
    assertThat(done.getPredictionOutput().getPredictionCount()).isEqualTo(200L);
    assertThat(done.getPredictionOutput().getErrorCount()).isZero();
    assertThat(done.getPredictionOutput().getNodeHours()).isPositive();
    assertThat(exit).isZero();
    assertThat(results(output)).hasSize(200).isEqualTo(results(directOutput));
    assertThat(running.getState()).isEqualTo("RUNNING");
    assertThat(afterCancel).isIn("CANCELLING", "CANCELLED");
    assertThat(cancelled.getState()).isEqualTo("CANCELLED");
    assertThat(cancelled.getErrorMessage()).containsIgnoringCase("cancelled");
    assertThat(cancelled.getPredictionOutput().getPredictionCount()).isLessThan(100_000L);
  }

  @Test
  void dataflowJobsFollowDataflowsStateAndCountsAndForwardCancel() throws Exception {
    try (FakeDataflow dataflow = FakeDataflow.start();
        JobsServer server =
            JobsServer.start(config(temp.resolve("data"), 1, dataflowArgs(dataflow)))) {
      // setup
      CloudMachineLearningEngine.Projects.Jobs jobs = client(server.port()).projects().jobs();
      dataflow.setState("JOB_STATE_RUNNING");
      dataflow.setCounter("instances-read", 120);
      dataflow.setCounter("ml-predictions", 100);
      dataflow.setCounter("ml-failed-predictions", 20);
      dataflow.setCounter("worker-micros", 3_600_000_000L);
      String first = PROJECT + "/jobs/on_dataflow";

      // act: a job runs, shows Dataflow's counts, and ends as the Dataflow job ends
      jobs.create(PROJECT, dataflowJob("on_dataflow")).execute();
      GoogleCloudMlV1Job running =
          await(
              jobs,
              first,
              job ->
                  job.getState().equals("RUNNING")
                      && job.getPredictionOutput() != null
                      && job.getPredictionOutput().getPredictionCount() != null
                      && job.getPredictionOutput().getPredictionCount() == 100L);
      dataflow.setCounter("instances-read", 200);
      dataflow.setCounter("ml-predictions", 170);
      dataflow.setCounter("ml-failed-predictions", 30);
      dataflow.setState("JOB_STATE_DONE");
      GoogleCloudMlV1Job done = await(jobs, first, job -> isFinal(job.getState()));

      // act: a failed Dataflow job fails the job
      dataflow.setState("JOB_STATE_FAILED");
      jobs.create(PROJECT, dataflowJob("failing_on_dataflow")).execute();
      GoogleCloudMlV1Job failed =
          await(jobs, PROJECT + "/jobs/failing_on_dataflow", job -> isFinal(job.getState()));

      // act: cancel through the API reaches Dataflow
      dataflow.setState("JOB_STATE_RUNNING");
      String third = PROJECT + "/jobs/cancelled_on_dataflow";
      jobs.create(PROJECT, dataflowJob("cancelled_on_dataflow")).execute();
      await(jobs, third, job -> job.getState().equals("RUNNING"));
      jobs.cancel(third, new GoogleCloudMlV1CancelJobRequest()).execute();
      String afterCancel = jobs.get(third).execute().getState();
      GoogleCloudMlV1Job cancelled = await(jobs, third, job -> isFinal(job.getState()));

      // check
      assertThat(running.getPredictionOutput().getErrorCount()).isEqualTo(20L);
      assertThat(running.getPredictionOutput().getNodeHours()).isEqualTo(1.0);
      assertThat(done.getState()).as(String.valueOf(done.getErrorMessage())).isEqualTo("SUCCEEDED");
      assertThat(done.getPredictionOutput().getPredictionCount()).isEqualTo(170L);
      assertThat(done.getPredictionOutput().getErrorCount()).isEqualTo(30L);
      assertThat(failed.getState()).isEqualTo("FAILED");
      assertThat(failed.getErrorMessage()).contains("FAILED");
      assertThat(afterCancel).isIn("CANCELLING", "CANCELLED");
      assertThat(cancelled.getState()).isEqualTo("CANCELLED");
      assertThat(dataflow.requests())
          .anyMatch(
              r ->
                  r.method().equals("PUT")
                      && r.path().endsWith("/jobs/" + FakeDataflow.JOB_ID)
                      && r.body().path("requestedState").asText().equals("JOB_STATE_CANCELLED"));
      assertThat(dataflow.requests())
          .filteredOn(r -> r.method().equals("POST"))
          .hasSize(3)
          .allMatch(
              r -> r.path().equals("/v1b3/projects/my-project-123/locations/us-central1/jobs"));
    }
  }

  /** The census instances repeated {@code times} times. */
  private Path bigInput(int times) throws Exception {
    List<String> lines = Files.readAllLines(Path.of(ServiceTesting.INSTANCES_FILE));
    List<String> big = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      big.addAll(lines);
    }
    Path input = temp.resolve("big.json");
    Files.write(input, big);
    return input;
  }

  private GoogleCloudMlV1Job dataflowJob(String jobId) {
    GoogleCloudMlV1Job job = job(jobId, temp.resolve(jobId));
    job.getPredictionInput().setRegion("us-central1");
    return job;
  }

  /** Offline Dataflow options: no credentials, no GCS, one small jar to stage. */
  private List<String> dataflowArgs(FakeDataflow dataflow) throws Exception {
    Path stagedJar = temp.resolve("stage.jar");
    try (OutputStream out = Files.newOutputStream(stagedJar)) {
      new JarOutputStream(out).close();
    }
    return List.of(
        "--runner=DataflowRunner",
        "--project=my-project-123",
        "--dataflowEndpoint=" + dataflow.endpoint(),
        "--pathValidatorClass=org.apache.beam.sdk.extensions.gcp.storage.NoopPathValidator",
        "--credentialFactoryClass=org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory",
        "--tempLocation=" + temp.resolve("tmp"),
        "--gcpTempLocation=" + temp.resolve("tmp"),
        "--filesToStage=" + stagedJar);
  }
}
