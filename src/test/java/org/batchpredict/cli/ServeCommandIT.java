package org.batchpredict.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.services.ml.v1.CloudMachineLearningEngine;
import com.google.api.services.ml.v1.model.GoogleCloudMlV1Job;
import com.google.api.services.ml.v1.model.GoogleCloudMlV1PredictionInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.batchpredict.service.ServiceTesting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar batch-predict.jar serve} as a user runs it: killed hard (SIGKILL) in the middle
 * of a job, started again on the same data directory, it keeps the job and runs it to the end.
 */
class ServeCommandIT {
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)/");

  @TempDir Path temp;

  @Test
  void serviceKilledMidJobKeepsTheJobAndRunsItAgainAfterRestart() throws Exception {
    // setup: 20,000 census instances
    List<String> lines = Files.readAllLines(Path.of("testdata/census/instances.json"));
    List<String> big = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      big.addAll(lines);
    }
    Path input = Files.write(temp.resolve("big.json"), big);
    Path data = temp.resolve("data");
    String name = "projects/it/jobs/killed";

    // act: create, wait until RUNNING, kill -9, start again
    String stateAtKill;
    Process first = serve(data, temp.resolve("first.log"));
    try {
      CloudMachineLearningEngine.Projects.Jobs jobs =
          ServiceTesting.client(port(temp.resolve("first.log"))).projects().jobs();
      jobs.create(
              "projects/it",
              new GoogleCloudMlV1Job()
                  .setJobId("killed")
                  .setPredictionInput(
                      new GoogleCloudMlV1PredictionInput()
                          .setDataFormat("JSON")
                          .setInputPaths(List.of(input.toString()))
                          .setOutputPath(temp.resolve("out").toString())
                          .setModelName("projects/it/models/census")
                          .setRegion("local")))
          .execute();
      stateAtKill =
          ServiceTesting.await(jobs, name, job -> job.getState().equals("RUNNING")).getState();
    } finally {
      first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    GoogleCloudMlV1Job done;
    Process second = serve(data, temp.resolve("second.log"));
    try {
      CloudMachineLearningEngine.Projects.Jobs jobs =
          ServiceTesting.client(port(temp.resolve("second.log"))).projects().jobs();
      done =
          ServiceTesting.await(
              jobs,
              name,
              job -> Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(job.getState()));
    } finally {
      second.destroy();
      second.waitFor(30, TimeUnit.SECONDS);
    }

    // check
    assertThat(stateAtKill).isEqualTo("RUNNING");
    assertThat(done.getState()).as(String.valueOf(done.getErrorMessage())).isEqualTo("SUCCEEDED");
    assertThat(done.getPredictionOutput().getPredictionCount()).isEqualTo(20_000L);
    assertThat(Files.readString(temp.resolve("second.log")))
        .contains("was RUNNING when the service stopped: queued again");
  }

  private static Process serve(Path data, Path log) throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            System.getProperty("batchpredict.jar", "target/batch-predict.jar"),
            "serve",
            "--port=0",
            "--data-dir=" + data,
            "--progress-interval=PT0.5S");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    return builder.start();
  }

  private static int port(Path log) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      Matcher matcher = LISTENING.matcher(Files.readString(log));
      if (matcher.find()) {
        return Integer.parseInt(matcher.group(1));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("serve did not start in 60 s:\n" + Files.readString(log));
  }
}
