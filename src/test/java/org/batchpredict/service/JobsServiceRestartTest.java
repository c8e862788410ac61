package org.batchpredict.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.services.ml.v1.CloudMachineLearningEngine;
import com.google.api.services.ml.v1.model.GoogleCloudMlV1Job;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service stopped in the middle of a job keeps its jobs and runs the interrupted one again. */
class JobsServiceRestartTest {
  @TempDir Path temp;

  @Test
  void jobInterruptedByARestartRunsAgainAndSucceeds() throws Exception {
    // setup: an input big enough that the job is still running when the service stops
    List<String> lines = Files.readAllLines(Path.of(ServiceTesting.INSTANCES_FILE));
    List<String> big = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      big.addAll(lines);
    }
    Path input = temp.resolve("big.json");
    Files.write(input, big);
    Path data = temp.resolve("data");
    Path output = temp.resolve("out");
    String name = "projects/restart/jobs/interrupted";

    // act: start a job, stop the service while it runs, start a new service on the same data
    String stateAtStop;
    try (JobsServer first = JobsServer.start(ServiceTesting.config(data, 1))) {
      CloudMachineLearningEngine.Projects.Jobs jobs =
          ServiceTesting.client(first.port()).projects().jobs();
      jobs.create("projects/restart", ServiceTesting.job("interrupted", input.toString(), output))
          .execute();
      jobs.create(
              "projects/restart",
              ServiceTesting.job("waiting", input.toString(), temp.resolve("out_waiting")))
          .execute();
      GoogleCloudMlV1Job running =
          ServiceTesting.await(jobs, name, job -> job.getState().equals("RUNNING"));
      stateAtStop = running.getState();
    }
    GoogleCloudMlV1Job done;
    String waitingAfterRestart;
    try (JobsServer second = JobsServer.start(ServiceTesting.config(data, 1))) {
      CloudMachineLearningEngine.Projects.Jobs jobs =
          ServiceTesting.client(second.port()).projects().jobs();
      waitingAfterRestart = jobs.get("projects/restart/jobs/waiting").execute().getState();
      done = ServiceTesting.await(jobs, name, job -> ServiceTesting.isFinal(job.getState()));
      jobs.cancel(
              "projects/restart/jobs/waiting",
              new com.google.api.services.ml.v1.model.GoogleCloudMlV1CancelJobRequest())
          .execute();
    }

    // check
    assertThat(stateAtStop).isEqualTo("RUNNING");
    assertThat(waitingAfterRestart).isIn("QUEUED", "PREPARING");
    assertThat(done.getState()).as(String.valueOf(done.getErrorMessage())).isEqualTo("SUCCEEDED");
    assertThat(done.getPredictionOutput().getPredictionCount()).isEqualTo(20_000L);
    assertThat(ServiceTesting.results(output)).hasSize(20_000);
  }
}
