package org.batchpredict.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.batchpredict.service.ServiceTesting.client;
import static org.batchpredict.service.ServiceTesting.config;
import static org.batchpredict.service.ServiceTesting.isFinal;
import static org.batchpredict.service.ServiceTesting.job;
import static org.batchpredict.service.ServiceTesting.results;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.services.ml.v1.CloudMachineLearningEngine;
import com.google.api.services.ml.v1.model.GoogleCloudMlV1CancelJobRequest;
import com.google.api.services.ml.v1.model.GoogleCloudMlV1Job;
import com.google.api.services.ml.v1.model.GoogleCloudMlV1ListJobsResponse;
import com.google.api.services.ml.v1.model.GoogleCloudMlV1TrainingInput;
import com.google.api.services.ml.v1.model.GoogleIamV1Binding;
import com.google.api.services.ml.v1.model.GoogleIamV1Policy;
import com.google.api.services.ml.v1.model.GoogleIamV1SetIamPolicyRequest;
import com.google.api.services.ml.v1.model.GoogleIamV1TestIamPermissionsRequest;
import com.google.api.services.ml.v1.model.GoogleIamV1TestIamPermissionsResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.batchpredict.cli.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs service against the real Java client of the ml v1 API ({@code google-api-services-ml}),
 * one server for the class on a free port with a temporary data directory, running the example
 * census model.
 */
class JobsServiceTest {
  private static final String PROJECT = "projects/test-project";
  private static final String INSTANCES = ServiceTesting.INSTANCES_FILE;

  @TempDir static Path temp;
  private static JobsServer server;
  private static CloudMachineLearningEngine.Projects.Jobs jobs;

  @BeforeAll
  static void startServer() throws Exception {
    server = JobsServer.start(config(temp.resolve("data"), 1));
    jobs = client(server.port()).projects().jobs();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  /** Cancels what a test left queued or running, so that the next test's jobs start at once. */
  @AfterEach
  void cancelLeftovers() throws IOException {
    for (String project : List.of(PROJECT, "projects/other", "projects/listing")) {
      GoogleCloudMlV1ListJobsResponse page = jobs.list(project).setPageSize(100).execute();
      for (GoogleCloudMlV1Job job :
          page.getJobs() == null ? List.<GoogleCloudMlV1Job>of() : page.getJobs()) {
        if (!isFinal(job.getState()) && !job.getState().equals("CANCELLING")) {
          jobs.cancel(project + "/jobs/" + job.getJobId(), new GoogleCloudMlV1CancelJobRequest())
              .execute();
        }
      }
    }
  }

  @Test
  void submittedJobSucceedsWithTheSameResultsAsThePredictCommand() throws Exception {
    // setup
    Path apiOutput = temp.resolve("api_out");
    Path cliOutput = temp.resolve("cli_out");

    // act
    GoogleCloudMlV1Job created = jobs.create(PROJECT, job("same_as_cli", apiOutput)).execute();
    GoogleCloudMlV1Job done = await("same_as_cli", job -> isFinal(job.getState()));
    int exit =
        Main.run(
            "predict",
            "--model-dir=models/census/v1",
            "--input-paths=" + INSTANCES,
            "--output-path=" + cliOutput,
            "--data-format=JSON",
            "--region=local");

    // check
    assertThat(created.getState()).isIn("QUEUED", "PREPARING");
    assertThat(created.getCreateTime()).isNotNull();
    assertThat(done.getState()).as(String.valueOf(done.getErrorMessage())).isEqualTo("SUCCEEDED");
    assertThat(done.getStartTime()).isNotNull();
    assertThat(done.getEndTime()).isNotNull();
    assertThat(done.getPredictionOutput().getPredictionCount()).isEqualTo(200L);
    assertThat(done.getPredictionOutput().getErrorCount()).isZero();
    assertThat(exit).isZero();
    assertThat(results(apiOutput)).hasSize(200).isEqualTo(results(cliOutput));
  }

  @Test
  void jobByModelNameRunsTheRegistrysDefaultVersion() throws Exception {
    GoogleCloudMlV1Job job = job("by_model_name", temp.resolve("by_model"));
    job.getPredictionInput().setUri(null).setModelName("projects/test-project/models/census");

    jobs.create(PROJECT, job).execute();
    GoogleCloudMlV1Job done = await("by_model_name", j -> isFinal(j.getState()));

    assertThat(done.getState()).as(String.valueOf(done.getErrorMessage())).isEqualTo("SUCCEEDED");
    assertThat(done.getPredictionOutput().getPredictionCount()).isEqualTo(200L);
  }

  @Test
  void createRefusesInvalidJobsNamingTheField() throws Exception {
    GoogleCloudMlV1Job noFormat = job("no_format", temp.resolve("x"));
    noFormat.getPredictionInput().setDataFormat(null);
    GoogleCloudMlV1Job twoModels = job("two_models", temp.resolve("x"));
    twoModels.getPredictionInput().setModelName("projects/p/models/census");
    GoogleCloudMlV1Job badBatch = job("bad_batch", temp.resolve("x"));
    badBatch.getPredictionInput().setBatchSize(0L);
    GoogleCloudMlV1Job badWorkers = job("bad_workers", temp.resolve("x"));
    badWorkers.getPredictionInput().setMaxWorkerCount(1_000_000L);
    GoogleCloudMlV1Job badEnum = job("bad_enum", temp.resolve("x"));
    badEnum.getPredictionInput().setDataFormat("JSONL");
    GoogleCloudMlV1Job unknownModel = job("unknown_model", temp.resolve("x"));
    unknownModel.getPredictionInput().setUri(null).setModelName("projects/p/models/nope");

    assertError(() -> jobs.create(PROJECT, noFormat).execute(), 400, "predictionInput.dataFormat");
    assertError(() -> jobs.create(PROJECT, twoModels).execute(), 400, "exactly one of");
    assertError(() -> jobs.create(PROJECT, badBatch).execute(), 400, "predictionInput.batchSize");
    assertError(
        () -> jobs.create(PROJECT, badWorkers).execute(), 400, "predictionInput.maxWorkerCount");
    assertError(() -> jobs.create(PROJECT, badEnum).execute(), 400, "JSONL");
    assertError(() -> jobs.create(PROJECT, unknownModel).execute(), 400, "not in the model");
    assertError(
        () -> jobs.create(PROJECT, job("9starts_with_digit", temp.resolve("x"))).execute(),
        400,
        "Invalid jobId");
    assertError(
        () ->
            jobs.create(
                    PROJECT,
                    new GoogleCloudMlV1Job()
                        .setJobId("training")
                        .setTrainingInput(
                            new GoogleCloudMlV1TrainingInput()
                                .setScaleTier("BASIC")
                                .setRegion("us-central1")))
                .execute(),
        501,
        "runs batch prediction jobs only");
  }

  @Test
  void duplicateJobIdIsAlreadyExists() throws Exception {
    jobs.create(PROJECT, job("duplicate", temp.resolve("dup"))).execute();

    assertError(
        () -> jobs.create(PROJECT, job("duplicate", temp.resolve("dup2"))).execute(),
        409,
        "already exists");
    // Another project may use the id.
    assertThat(
            jobs.create("projects/other", job("duplicate", temp.resolve("dup3")))
                .execute()
                .getJobId())
        .isEqualTo("duplicate");
  }

  @Test
  void concurrentCreatesAndPatchesNeitherLoseNorDuplicate() throws Exception {
    // setup
    String project = "projects/concurrent";
    ExecutorService pool = Executors.newFixedThreadPool(8);

    // act: 16 creates of one id and 16 of distinct ids race, then 16 label patches race
    List<Future<Integer>> creates = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      String id = i % 2 == 0 ? "contested" : "distinct_" + i;
      creates.add(pool.submit(() -> status(() -> jobs.create(project, job(id, temp.resolve(id))))));
    }
    List<Integer> createStatus = new ArrayList<>();
    for (Future<Integer> create : creates) {
      createStatus.add(create.get());
    }
    List<Future<Integer>> patches = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      Map<String, String> labels = Map.of("writer", "w" + i);
      patches.add(
          pool.submit(
              () ->
                  status(
                      () ->
                          jobs.patch(
                                  project + "/jobs/contested",
                                  new GoogleCloudMlV1Job().setLabels(labels))
                              .setUpdateMask("labels"))));
    }
    List<Integer> patchStatus = new ArrayList<>();
    for (Future<Integer> patch : patches) {
      patchStatus.add(patch.get());
    }
    pool.shutdown();
    List<String> listed = ids(jobs.list(project).setPageSize(100).execute());

    // check
    assertThat(createStatus.stream().filter(code -> code == 200)).hasSize(17);
    assertThat(createStatus.stream().filter(code -> code == 409)).hasSize(15);
    assertThat(listed).hasSize(17).doesNotHaveDuplicates().contains("contested");
    assertThat(patchStatus).containsOnly(200);
    assertThat(jobs.get(project + "/jobs/contested").execute().getLabels()).containsKey("writer");
    for (String id : listed) {
      status(() -> jobs.cancel(project + "/jobs/" + id, new GoogleCloudMlV1CancelJobRequest()));
    }
  }

  @Test
  void queuedJobCancelsAtOnceAndFinishedJobRefusesCancel() throws Exception {
    // setup: a long job ahead keeps the next one queued (one job at a time)
    jobs.create(PROJECT, job("ahead", temp.resolve("ahead"))).execute();
    GoogleCloudMlV1Job queued =
        jobs.create(PROJECT, job("behind", temp.resolve("behind"))).execute();

    // act
    jobs.cancel(PROJECT + "/jobs/behind", new GoogleCloudMlV1CancelJobRequest()).execute();
    GoogleCloudMlV1Job cancelled = jobs.get(PROJECT + "/jobs/behind").execute();
    await("ahead", job -> isFinal(job.getState()));

    // check
    assertThat(queued.getState()).isEqualTo("QUEUED");
    assertThat(Long.parseLong((String) queued.get("jobPosition"))).isGreaterThanOrEqualTo(1);
    assertThat(cancelled.getState()).isEqualTo("CANCELLED");
    assertThat(cancelled.getErrorMessage()).containsIgnoringCase("cancelled");
    assertError(
        () ->
            jobs.cancel(PROJECT + "/jobs/behind", new GoogleCloudMlV1CancelJobRequest()).execute(),
        400,
        "CANCELLED");
    assertError(
        () ->
            jobs.cancel(PROJECT + "/jobs/missing", new GoogleCloudMlV1CancelJobRequest()).execute(),
        404,
        "not found");
  }

  @Test
  void runningJobGoesThroughCancellingToCancelled() throws Exception {
    jobs.create(PROJECT, job("cancel_running", temp.resolve("cancel_running"))).execute();
    await("cancel_running", job -> !job.getState().equals("QUEUED"));

    jobs.cancel(PROJECT + "/jobs/cancel_running", new GoogleCloudMlV1CancelJobRequest()).execute();
    String right = jobs.get(PROJECT + "/jobs/cancel_running").execute().getState();
    GoogleCloudMlV1Job done = await("cancel_running", job -> isFinal(job.getState()));

    assertThat(right).isIn("CANCELLING", "CANCELLED", "SUCCEEDED");
    assertThat(done.getState()).isIn("CANCELLED", "SUCCEEDED");
    if (done.getState().equals("CANCELLED")) {
      assertThat(done.getErrorMessage()).containsIgnoringCase("cancelled");
    }
  }

  @Test
  void patchReplacesLabelsAndGuardsTheEtag() throws Exception {
    // setup
    GoogleCloudMlV1Job created =
        jobs.create(PROJECT, job("labelled", temp.resolve("labelled")).setLabels(Map.of("a", "1")))
            .execute();
    String name = PROJECT + "/jobs/labelled";

    // act: the client sends PATCH as POST with X-HTTP-Method-Override and a gzipped body
    GoogleCloudMlV1Job patched =
        jobs.patch(name, new GoogleCloudMlV1Job().setLabels(Map.of("team", "ml")))
            .setUpdateMask("labels")
            .execute();

    // check
    assertThat(patched.getLabels()).isEqualTo(Map.of("team", "ml"));
    assertThat(patched.getEtag()).isNotEqualTo(created.getEtag());
    assertError(
        () ->
            jobs.patch(
                    name,
                    new GoogleCloudMlV1Job().setLabels(Map.of("b", "2")).setEtag(created.getEtag()))
                .setUpdateMask("labels")
                .execute(),
        409,
        "etag");
    assertError(
        () ->
            jobs.patch(name, new GoogleCloudMlV1Job().setState("CANCELLED"))
                .setUpdateMask("state")
                .execute(),
        400,
        "only labels");
    assertError(
        () -> jobs.patch(name, new GoogleCloudMlV1Job().setLabels(Map.of("B", "x"))).execute(),
        400,
        "updateMask");
    assertThat(jobs.get(name).execute().getLabels()).isEqualTo(Map.of("team", "ml"));
  }

  @Test
  void listFiltersAndPagesNewestFirst() throws Exception {
    // setup: jobs in their own project
    String project = "projects/listing";
    for (int i = 0; i < 5; i++) {
      GoogleCloudMlV1Job job = job("census_" + i, temp.resolve("list" + i));
      job.setLabels(Map.of("parity", i % 2 == 0 ? "even" : "odd"));
      jobs.create(project, job).execute();
    }
    jobs.create(project, job("other", temp.resolve("other"))).execute();
    for (int i = 0; i < 6; i++) {
      String id = i < 5 ? "census_" + i : "other";
      jobs.cancel(project + "/jobs/" + id, new GoogleCloudMlV1CancelJobRequest()).execute();
    }

    // act
    List<String> paged = new ArrayList<>();
    String token = null;
    do {
      GoogleCloudMlV1ListJobsResponse page =
          jobs.list(project)
              .setFilter("jobId:census*")
              .setPageSize(2)
              .setPageToken(token)
              .execute();
      assertThat(page.getJobs()).hasSizeLessThanOrEqualTo(2);
      page.getJobs().forEach(job -> paged.add(job.getJobId()));
      token = page.getNextPageToken();
      if (paged.size() == 2) {
        jobs.create(project, job("census_new", temp.resolve("new"))).execute();
      }
    } while (token != null);
    List<String> evenNotZero =
        ids(jobs.list(project).setFilter("labels.parity=even AND NOT jobId=census_0").execute());
    List<String> either =
        ids(
            jobs.list(project)
                .setFilter(
                    "(jobId=other OR jobId=census_1) AND (state:CANCELLED OR state:CANCELLING)")
                .execute());
    List<String> after =
        ids(jobs.list(project).setFilter("createTime>\"" + Instant.EPOCH + "\"").execute());

    // check
    assertThat(paged).containsExactly("census_4", "census_3", "census_2", "census_1", "census_0");
    assertThat(evenNotZero).containsExactly("census_4", "census_2");
    assertThat(either).containsExactly("other", "census_1");
    assertThat(after).hasSize(7);
    assertThat(jobs.list("projects/empty").execute().getJobs()).isNull();
    assertError(() -> jobs.list(project).setFilter("jobId:x AND (").execute(), 400, "position");
    assertError(() -> jobs.list(project).setFilter("color:red").execute(), 400, "color");
  }

  @Test
  void iamPolicyIsStoredPerJobAndGuardedByItsEtag() throws Exception {
    // setup
    jobs.create(PROJECT, job("with_policy", temp.resolve("with_policy"))).execute();
    String name = PROJECT + "/jobs/with_policy";

    // act
    GoogleIamV1Policy empty = jobs.getIamPolicy(name).execute();
    GoogleIamV1Policy set =
        jobs.setIamPolicy(
                name,
                new GoogleIamV1SetIamPolicyRequest()
                    .setPolicy(
                        new GoogleIamV1Policy()
                            .setEtag(empty.getEtag())
                            .setBindings(
                                List.of(
                                    new GoogleIamV1Binding()
                                        .setRole("roles/ml.viewer")
                                        .setMembers(List.of("user:alice@example.com"))))))
            .execute();
    GoogleIamV1Policy read = jobs.getIamPolicy(name).setOptionsRequestedPolicyVersion(3).execute();
    GoogleIamV1TestIamPermissionsResponse held =
        jobs.testIamPermissions(
                name,
                new GoogleIamV1TestIamPermissionsRequest()
                    .setPermissions(List.of("ml.jobs.get", "ml.jobs.cancel", "ml.models.get")))
            .execute();
    GoogleIamV1TestIamPermissionsResponse unknown =
        jobs.testIamPermissions(
                PROJECT + "/jobs/nobody",
                new GoogleIamV1TestIamPermissionsRequest().setPermissions(List.of("ml.jobs.get")))
            .execute();

    // check
    assertThat(empty.getEtag()).isNotEmpty();
    assertThat(empty.getBindings()).isNull();
    assertThat(set.getEtag()).isNotEqualTo(empty.getEtag());
    assertThat(read.getBindings()).hasSize(1);
    assertThat(read.getBindings().get(0).getMembers()).containsExactly("user:alice@example.com");
    assertThat(read.getEtag()).isEqualTo(set.getEtag());
    assertThat(held.getPermissions()).containsExactly("ml.jobs.get", "ml.jobs.cancel");
    assertThat(unknown.getPermissions()).isNull();
    assertError(
        () ->
            jobs.setIamPolicy(
                    name,
                    new GoogleIamV1SetIamPolicyRequest()
                        .setPolicy(new GoogleIamV1Policy().setEtag(empty.getEtag())))
                .execute(),
        409,
        "etag");
    assertError(
        () ->
            jobs.setIamPolicy(
                    name,
                    new GoogleIamV1SetIamPolicyRequest()
                        .setPolicy(
                            new GoogleIamV1Policy()
                                .setBindings(
                                    List.of(
                                        new GoogleIamV1Binding()
                                            .setRole("roles/ml.viewer")
                                            .setMembers(List.of("alice"))))))
                .execute(),
        400,
        "invalid member");
    assertError(() -> jobs.getIamPolicy(PROJECT + "/jobs/nobody").execute(), 404, "not found");
  }

  @Test
  void rawHttpRequestsGetGoogleApiErrorsAndStandardParameters() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + server.port();

    HttpResponse<String> unknownPath = send(http, "GET", base + "/v2/things", null);
    HttpResponse<String> wrongMethod =
        send(http, "DELETE", base + "/v1/" + PROJECT + "/jobs/x", null);
    HttpResponse<String> unknownField =
        send(http, "POST", base + "/v1/" + PROJECT + "/jobs", "{\"jobId\":\"a\",\"color\":1}");
    HttpResponse<String> unknownParameter =
        send(http, "GET", base + "/v1/" + PROJECT + "/jobs?colour=red", null);
    HttpResponse<String> standard =
        send(
            http,
            "GET",
            base
                + "/v1/"
                + PROJECT
                + "/jobs?alt=json&%24.xgafv=2&prettyPrint=false&key=k"
                + "&fields=nextPageToken",
            null);
    HttpResponse<String> missing = send(http, "GET", base + "/v1/" + PROJECT + "/jobs/nope", null);

    assertThat(unknownPath.statusCode()).isEqualTo(404);
    assertThat(unknownPath.body()).contains("\"status\" : \"NOT_FOUND\"");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(unknownField.statusCode()).isEqualTo(400);
    assertThat(unknownField.body()).contains("Unknown name \\\"color\\\"", "INVALID_ARGUMENT");
    assertThat(unknownParameter.statusCode()).isEqualTo(400);
    assertThat(unknownParameter.body()).contains("colour");
    assertThat(standard.statusCode()).isEqualTo(200);
    assertThat(standard.body().strip()).isEqualTo("{}");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body())
        .contains("\"code\" : 404", "NOT_FOUND", "projects/test-project/jobs/nope");
  }

  // --- helpers

  private GoogleCloudMlV1Job await(String jobId, Predicate<GoogleCloudMlV1Job> condition)
      throws Exception {
    return ServiceTesting.await(jobs, PROJECT + "/jobs/" + jobId, condition);
  }

  private static List<String> ids(GoogleCloudMlV1ListJobsResponse response) {
    return response.getJobs() == null
        ? List.of()
        : response.getJobs().stream().map(GoogleCloudMlV1Job::getJobId).toList();
  }

  interface Request {
    com.google.api.client.googleapis.services.AbstractGoogleClientRequest<?> get()
        throws IOException;
  }

  /** The HTTP status of a call: 200, or the status of the error it got. */
  static int status(Request request) throws IOException {
    try {
      request.get().execute();
      return 200;
    } catch (GoogleJsonResponseException e) {
      return e.getStatusCode();
    }
  }

  interface Call {
    Object run() throws IOException;
  }

  static void assertError(Call call, int code, String messagePart) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            GoogleJsonResponseException.class,
            e -> {
              assertThat(e.getStatusCode()).as(e.getMessage()).isEqualTo(code);
              assertThat(e.getDetails().getMessage()).contains(messagePart);
            });
  }

  /** Sends a raw request; {@code headers} are name, value pairs. */
  static HttpResponse<String> send(
      HttpClient http, String method, String url, String body, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .headers(headers.length == 0 ? new String[] {"Accept", "application/json"} : headers)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
