package org.batchpredict.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Specifies that a job run on an embedded Flink cluster ({@code --runner=FlinkRunner}) writes the
 * same results, errors and error stats, and reports the same counts, as the same job on the
 * DirectRunner.
 */
class FlinkRunnerTest {
  @TempDir Path temp;

  @Test
  void jsonJobWithBadLinesGivesTheSameOutputOnFlinkAsOnTheDirectRunner() throws IOException {
    Ran direct =
        run(
            "pipelines/census-mixed.json",
            "testdata/census/mixed.json",
            temp.resolve("direct"),
            "--runner=DirectRunner");

    Ran flink =
        run(
            "pipelines/census-mixed.json",
            "testdata/census/mixed.json",
            temp.resolve("flink"),
            "--runner=FlinkRunner");

    assertThat(direct.job.predictionOutput.predictionCount).isEqualTo(22L);
    assertThat(direct.job.predictionOutput.errorCount).isEqualTo(8L);
    assertSameRun(flink, direct);
  }

  @Test
  void tfRecordJobWithDamagedRecordsGivesTheSameOutputOnFlinkAsOnTheDirectRunner()
      throws IOException {
    Ran direct =
        run(
            "pipelines/tf-example.json",
            "testdata/tf_example/corrupt.tfrecord",
            temp.resolve("direct"),
            "--runner=DirectRunner");

    Ran flink =
        run(
            "pipelines/tf-example.json",
            "testdata/tf_example/corrupt.tfrecord",
            temp.resolve("flink"),
            "--runner=FlinkRunner",
            "--flinkMaster=[local]");

    assertThat(direct.job.predictionOutput.predictionCount).isEqualTo(17L);
    assertThat(direct.job.predictionOutput.errorCount).isEqualTo(3L);
    assertSameRun(flink, direct);
  }

  /** A finished job and the sorted lines of its three kinds of output files. */
  private record Ran(Job job, List<String> results, List<String> errors, List<String> stats) {}

  private static Ran run(String jobFile, String input, Path output, String... pipelineArgs)
      throws IOException {
    Job job = JobJson.MAPPER.readValue(Path.of(jobFile).toFile(), Job.class);
    job.predictionInput.inputPaths = List.of(input);
    job.predictionInput.outputPath = output.toString();
    job.predictionInput.maxWorkerCount = 2L;
    JobValidator.validate(job);

    Job finished =
        new PredictionJob(
                job,
                new ModelRegistry(Path.of("models")),
                PipelineOptionsFactory.fromArgs(pipelineArgs).create(),
                Duration.ofMillis(500))
            .run(changed -> {});

    assertThat(finished.state)
        .as("%s: %s", jobFile, finished.errorMessage)
        .isEqualTo(JobState.SUCCEEDED);
    return new Ran(
        finished,
        lines(output, "prediction.results-"),
        lines(output, "prediction.errors-"),
        lines(output, "prediction.errors_stats-"));
  }

  private static void assertSameRun(Ran actual, Ran expected) {
    assertThat(actual.job.predictionOutput.predictionCount)
        .isEqualTo(expected.job.predictionOutput.predictionCount);
    assertThat(actual.job.predictionOutput.errorCount)
        .isEqualTo(expected.job.predictionOutput.errorCount);
    assertThat(actual.job.predictionOutput.nodeHours).isPositive();
    assertThat(actual.results).hasSize(expected.job.predictionOutput.predictionCount.intValue());
    assertThat(actual.results).isEqualTo(expected.results);
    assertThat(actual.errors).hasSize(expected.job.predictionOutput.errorCount.intValue());
    assertThat(actual.errors).isEqualTo(expected.errors);
    assertThat(actual.stats).isNotEmpty().isEqualTo(expected.stats);
  }

  /** The lines of every file in {@code dir} whose name starts with {@code prefix}, sorted. */
  static List<String> lines(Path dir, String prefix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(file -> file.getFileName().toString().startsWith(prefix))
          .flatMap(
              file -> {
                try {
                  return Files.readAllLines(file).stream();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .sorted()
          .toList();
    }
  }
}
