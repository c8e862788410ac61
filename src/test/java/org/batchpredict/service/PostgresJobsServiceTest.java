package org.batchpredict.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.batchpredict.service.ServiceTesting.await;
import static org.batchpredict.service.ServiceTesting.client;
import static org.batchpredict.service.ServiceTesting.config;
import static org.batchpredict.service.ServiceTesting.isFinal;
import static org.batchpredict.service.ServiceTesting.job;
import static org.batchpredict.service.ServiceTesting.results;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.services.ml.v1.CloudMachineLearningEngine;
import com.google.api.services.ml.v1.model.GoogleCloudMlV1Job;
import com.google.api.services.ml.v1.model.GoogleIamV1Policy;
import com.google.api.services.ml.v1.model.GoogleIamV1SetIamPolicyRequest;
import java.nio.file.Path;
import java.util.Map;
import org.batchpredict.testing.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs service on PostgreSQL instead of the embedded database: the schema is created at the
 * first start, jobs run and survive a restart of the service, and the database refuses a duplicate
 * job as it does on H2. {@code .ci/run} makes sure the PostgreSQL server is installed.
 */
class PostgresJobsServiceTest {
  private static final String PROJECT = "projects/pg";
  private static LocalPostgres postgres;

  @TempDir Path temp;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = LocalPostgres.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void jobsRunAndSurviveARestartOnPostgresql() throws Exception {
    Path output = temp.resolve("out");
    try (JobsServer first = JobsServer.start(config(temp.resolve("a"), postgres.jdbcUrl(), 1))) {
      CloudMachineLearningEngine.Projects.Jobs jobs = client(first.port()).projects().jobs();
      jobs.create(PROJECT, job("on_postgres", output).setLabels(Map.of("db", "pg"))).execute();
      GoogleCloudMlV1Job done =
          await(jobs, PROJECT + "/jobs/on_postgres", job -> isFinal(job.getState()));
      assertThat(done.getState()).as(done.getErrorMessage()).isEqualTo("SUCCEEDED");
      assertThat(done.getPredictionOutput().getPredictionCount()).isEqualTo(200L);
      jobs.setIamPolicy(
              PROJECT + "/jobs/on_postgres",
              new GoogleIamV1SetIamPolicyRequest().setPolicy(new GoogleIamV1Policy()))
          .execute();
    }

    try (JobsServer second = JobsServer.start(config(temp.resolve("b"), postgres.jdbcUrl(), 1))) {
      CloudMachineLearningEngine.Projects.Jobs jobs = client(second.port()).projects().jobs();
      GoogleCloudMlV1Job kept = jobs.get(PROJECT + "/jobs/on_postgres").execute();
      assertThat(kept.getState()).isEqualTo("SUCCEEDED");
      assertThat(kept.getLabels()).containsEntry("db", "pg");
      assertThat(jobs.list(PROJECT).setFilter("labels.db=pg").execute().getJobs()).hasSize(1);
      assertThatThrownBy(() -> jobs.create(PROJECT, job("on_postgres", output)).execute())
          .isInstanceOfSatisfying(
              GoogleJsonResponseException.class,
              e -> assertThat(e.getContent()).contains("ALREADY_EXISTS"));
    }
    assertThat(results(output)).hasSize(200);
  }
}
