package org.batchpredict.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.ml.v1.CloudMachineLearningEngine;
import com.google.api.services.ml.v1.model.GoogleCloudMlV1Job;
import com.google.api.services.ml.v1.model.GoogleCloudMlV1PredictionInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What the tests of the jobs service share: a service configuration on a free port, the real ml v1
 * Java client pointed at it, census prediction jobs, waiting for a job's state, and reading
 * results.
 */
public final class ServiceTesting {
  static final String INSTANCES_FILE = "testdata/census/instances.json";

  private static final List<String> DIRECT_RUNNER_ARGS =
      List.of("--enforceImmutability=false", "--enforceEncodability=false");

  private ServiceTesting() {}

  /** A service on a free loopback port, its jobs on the DirectRunner. */
  static JobsServer.Config config(Path dataDirectory, int maxConcurrentJobs) {
    return config(dataDirectory, maxConcurrentJobs, DIRECT_RUNNER_ARGS);
  }

  /** A service like {@link #config(Path, int)} guarded by the access configuration given. */
  static JobsServer.Config guardedConfig(
      Path dataDirectory, int maxConcurrentJobs, Path accessConfig) {
    return config(dataDirectory, maxConcurrentJobs, DIRECT_RUNNER_ARGS, accessConfig);
  }

  /** A service on a free loopback port whose jobs run with {@code pipelineArgs}. */
  static JobsServer.Config config(
      Path dataDirectory, int maxConcurrentJobs, List<String> pipelineArgs) {
    return config(dataDirectory, maxConcurrentJobs, pipelineArgs, null);
  }

  /**
   * A service on a free loopback port whose jobs run with {@code pipelineArgs}, guarded by the
   * access configuration {@code accessConfig} (null for the local owner alone).
   */
  static JobsServer.Config config(
      Path dataDirectory, int maxConcurrentJobs, List<String> pipelineArgs, Path accessConfig) {
    return config(dataDirectory, null, maxConcurrentJobs, pipelineArgs, accessConfig);
  }

  /** A service like {@link #config(Path, int)} that keeps its jobs in the database given. */
  static JobsServer.Config config(Path dataDirectory, String databaseUrl, int maxConcurrentJobs) {
    return config(dataDirectory, databaseUrl, maxConcurrentJobs, DIRECT_RUNNER_ARGS, null);
  }

  private static JobsServer.Config config(
      Path dataDirectory,
      String databaseUrl,
      int maxConcurrentJobs,
      List<String> pipelineArgs,
      Path accessConfig) {
    return new JobsServer.Config(
        "127.0.0.1",
        0,
        dataDirectory,
        databaseUrl,
        null,
        null,
        maxConcurrentJobs,
        Path.of("models"),
        pipelineArgs,
        Duration.ofMillis(500),
        accessConfig);
  }

  public static CloudMachineLearningEngine client(int port) {
    return client(port, null);
  }

  /** A client whose requests {@code initializer} prepares, such as by adding a bearer token. */
  static CloudMachineLearningEngine client(int port, HttpRequestInitializer initializer) {
    return new CloudMachineLearningEngine.Builder(
            new NetHttpTransport(), GsonFactory.getDefaultInstance(), initializer)
        .setRootUrl("http://127.0.0.1:" + port + "/")
        .setApplicationName("batch-predict-test")
        .build();
  }

  /** A job of the census model on the 200 example instances. */
  static GoogleCloudMlV1Job job(String jobId, Path output) {
    return job(jobId, INSTANCES_FILE, output);
  }

  static GoogleCloudMlV1Job job(String jobId, String input, Path output) {
    return new GoogleCloudMlV1Job()
        .setJobId(jobId)
        .setPredictionInput(
            new GoogleCloudMlV1PredictionInput()
                .setDataFormat("JSON")
                .setInputPaths(List.of(input))
                .setOutputPath(output.toString())
                .setUri("models/census/v1")
                .setRegion("local"));
  }

  /** Gets the job every 200 ms until it meets {@code condition}; fails after 120 s. */
  public static GoogleCloudMlV1Job await(
      CloudMachineLearningEngine.Projects.Jobs jobs,
      String name,
      Predicate<GoogleCloudMlV1Job> condition)
      throws Exception {
    Instant deadline = Instant.now().plusSeconds(120);
    while (true) {
      GoogleCloudMlV1Job job = jobs.get(name).execute();
      if (condition.test(job)) {
        return job;
      }
      assertThat(Instant.now())
          .as("waiting for %s, now %s", name, job.getState())
          .isBefore(deadline);
      Thread.sleep(200);
    }
  }

  static boolean isFinal(String state) {
    return Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(state);
  }

  /** The lines of every {@code prediction.results*} file in the directory, sorted. */
  static List<String> results(Path outputDirectory) throws IOException {
    try (Stream<Path> files = Files.list(outputDirectory)) {
      List<Path> shards =
          files.filter(f -> f.getFileName().toString().startsWith("prediction.results")).toList();
      List<String> lines = new ArrayList<>();
      for (Path shard : shards) {
        lines.addAll(Files.readAllLines(shard));
      }
      return lines.stream().sorted().toList();
    }
  }
}
