package org.batchpredict.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobValidatorTest {
  @Test
  void aCompleteJobIsValid() {
    assertThatCode(() -> JobValidator.validate(job())).doesNotThrowAnyException();
  }

  @Test
  void eachBrokenRuleNamesItsField() {
    assertField(j -> j.jobId = "1abc", "jobId");
    assertField(j -> j.jobId = "a".repeat(129), "jobId");
    assertField(j -> j.predictionInput.dataFormat = "JSONL", "predictionInput.dataFormat");
    assertField(j -> j.predictionInput.dataFormat = null, "predictionInput.dataFormat");
    assertField(
        j -> j.predictionInput.outputDataFormat = "TF_RECORD", "predictionInput.outputDataFormat");
    assertField(j -> j.predictionInput.inputPaths = List.of(), "predictionInput.inputPaths");
    assertField(j -> j.predictionInput.outputPath = "", "predictionInput.outputPath");
    assertField(j -> j.predictionInput.region = null, "predictionInput.region");
    assertField(j -> j.predictionInput.modelName = "projects/p/models/m", "predictionInput.uri");
    assertField(j -> j.predictionInput.batchSize = 0L, "predictionInput.batchSize");
    assertField(j -> j.predictionInput.maxWorkerCount = 5000L, "predictionInput.maxWorkerCount");
    assertField(j -> j.labels = Map.of("Team", "x"), "labels");
  }

  @Test
  void aModelNameMustBeAFullResourceName() {
    Job job = job();
    job.predictionInput.uri = null;
    job.predictionInput.modelName = "census";

    assertThatThrownBy(() -> JobValidator.validate(job))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("expected projects/PROJECT/models/MODEL");
  }

  @Test
  void aTrainingJobIsRefusedAsUnsupported() throws Exception {
    Job job = JobJson.MAPPER.readValue("{\"jobId\": \"t\", \"trainingInput\": {}}", Job.class);

    assertThatThrownBy(() -> JobValidator.validate(job))
        .isInstanceOf(UnsupportedJobException.class)
        .hasMessageContaining("batch prediction jobs only");
  }

  @Test
  void int64FieldsReadFromStringsOrNumbersAndWriteAsStrings() throws Exception {
    Job job =
        JobJson.MAPPER.readValue(
            "{\"jobId\": \"j\", \"predictionInput\": {\"batchSize\": \"32\","
                + " \"maxWorkerCount\": 4}}",
            Job.class);

    assertThat(job.predictionInput.batchSize).isEqualTo(32L);
    assertThat(job.predictionInput.maxWorkerCount).isEqualTo(4L);
    assertThat(JobJson.MAPPER.writeValueAsString(job.predictionInput))
        .isEqualTo("{\"batchSize\":\"32\",\"maxWorkerCount\":\"4\"}");
  }

  @Test
  void unknownFieldsAreRefusedByName() {
    assertThatThrownBy(
            () -> JobJson.MAPPER.readValue("{\"jobId\": \"j\", \"jobid\": \"k\"}", Job.class))
        .isInstanceOfSatisfying(
            UnrecognizedPropertyException.class,
            e -> assertThat(e.getPropertyName()).isEqualTo("jobid"));
  }

  private static Job job() {
    Job job = new Job();
    job.jobId = "census_2026";
    job.labels = Map.of("team", "ml");
    job.predictionInput = new PredictionInput();
    job.predictionInput.dataFormat = "JSON";
    job.predictionInput.inputPaths = List.of("gs://bucket/in/*.json");
    job.predictionInput.outputPath = "gs://bucket/out";
    job.predictionInput.region = "us-central1";
    job.predictionInput.uri = "gs://bucket/model";
    return job;
  }

  private static void assertField(java.util.function.Consumer<Job> breakIt, String field) {
    Job job = job();
    breakIt.accept(job);
    assertThatThrownBy(() -> JobValidator.validate(job))
        .isInstanceOfSatisfying(
            InvalidJobException.class, e -> assertThat(e.field()).isEqualTo(field));
  }
}
