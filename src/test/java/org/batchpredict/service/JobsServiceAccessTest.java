package org.batchpredict.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.batchpredict.service.JobsServiceTest.assertError;
import static org.batchpredict.service.JobsServiceTest.send;
import static org.batchpredict.service.JobsServiceTest.status;
import static org.batchpredict.service.ServiceTesting.job;

import com.google.api.services.ml.v1.CloudMachineLearningEngine;
import com.google.api.services.ml.v1.model.GoogleCloudMlV1CancelJobRequest;
import com.google.api.services.ml.v1.model.GoogleCloudMlV1Job;
import com.google.api.services.ml.v1.model.GoogleCloudMlV1ListJobsResponse;
import com.google.api.services.ml.v1.model.GoogleIamV1Binding;
import com.google.api.services.ml.v1.model.GoogleIamV1Policy;
import com.google.api.services.ml.v1.model.GoogleIamV1SetIamPolicyRequest;
import com.google.api.services.ml.v1.model.GoogleIamV1TestIamPermissionsRequest;
import com.google.api.services.ml.v1.model.GoogleTypeExpr;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.batchpredict.cli.Main;
import org.batchpredict.iam.Permissions;
import org.batchpredict.iam.TokenStore;
import org.batchpredict.jobs.JobJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Access control of the jobs service, end to end with the real ml v1 Java client: bearer tokens
 * mapped to principals with different roles in an {@code access.json}, job policies, conditions,
 * etags, malformed credentials and the audit log. The jobs read an input pattern that matches
 * nothing, so they fail at once and no pipeline runs.
 */
class JobsServiceAccessTest {
  private static final String PROJECT = "projects/acl";

  /** The token of each caller, by the role the project policy gives it. */
  private static final Map<String, String> TOKENS = new LinkedHashMap<>();

  /** The job methods each project role may call, as the reference lists them. */
  private static final Map<String, Set<String>> ALLOWED =
      Map.of(
          "admin",
          Set.copyOf(Permissions.ALL),
          "editor",
          Set.of(
              Permissions.CREATE,
              Permissions.GET,
              Permissions.LIST,
              Permissions.CANCEL,
              Permissions.UPDATE,
              Permissions.GET_IAM_POLICY),
          "developer",
          Set.of(Permissions.CREATE, Permissions.GET, Permissions.GET_IAM_POLICY, Permissions.LIST),
          "viewer",
          Set.of(Permissions.GET, Permissions.GET_IAM_POLICY, Permissions.LIST),
          "none",
          Set.of());

  @TempDir static Path temp;
  private static Path data;
  private static JobsServer server;
  private static String base;

  @BeforeAll
  static void startServer() throws Exception {
    TOKENS.put("admin", "admin-token-1");
    TOKENS.put("editor", "editor-token-2");
    TOKENS.put("developer", "developer-token-3");
    TOKENS.put("viewer", "viewer-token-4");
    TOKENS.put("none", "nobody-token-5");
    TOKENS.put("gina", "gina-token-6");
    TOKENS.put("rita", "rita-token-7");
    Map<String, String> principals =
        Map.of(
            "admin", "user:alice@example.com",
            "editor", "user:ed@example.com",
            "developer", "user:dev@example.com",
            "viewer", "user:vic@example.com",
            "none", "user:nobody@example.com",
            "gina", "user:gina@example.com",
            "rita", "serviceAccount:rita@acl.iam.gserviceaccount.com");
    StringBuilder tokens = new StringBuilder();
    for (var token : TOKENS.entrySet()) {
      tokens
          .append(tokens.isEmpty() ? "" : ",\n")
          .append("{\"sha256\": \"")
          .append(TokenStore.sha256Hex(token.getValue()))
          .append("\", \"principal\": \"")
          .append(principals.get(token.getKey()))
          .append("\"")
          .append(
              token.getKey().equals("gina") ? ", \"groups\": [\"group:ml-team@example.com\"]" : "")
          .append("}");
    }
    Path access = temp.resolve("access.json");
    Files.writeString(
        access,
        """
        {
          "tokens": [%s],
          "customRoles": {"projects/acl/roles/jobSubmitter": ["ml.jobs.create", "ml.jobs.list"]},
          "projectPolicies": {
            "acl": {"version": 3, "bindings": [
              {"role": "roles/ml.admin", "members": ["user:alice@example.com"]},
              {"role": "roles/ml.editor", "members": ["user:ed@example.com"]},
              {"role": "roles/ml.developer", "members": ["user:dev@example.com"]},
              {"role": "roles/ml.viewer", "members": ["user:vic@example.com"]},
              {"role": "projects/acl/roles/jobSubmitter", "members": ["group:ml-team@example.com"]},
              {"role": "roles/ml.viewer",
               "members": ["serviceAccount:rita@acl.iam.gserviceaccount.com"],
               "condition": {"title": "public jobs only",
                 "expression": "resource.name.startsWith('projects/acl/jobs/public_')"}}
            ]}
          }
        }
        """
            .formatted(tokens));
    data = temp.resolve("data");
    server =
        JobsServer.start(
            ServiceTesting.config(data, 1, ServiceTesting.config(data, 1).pipelineArgs(), access));
    base = "http://127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Test
  void everyRoleMayCallExactlyTheMethodsOfItsPermissions() throws Exception {
    // setup: one target job per role, created by the admin
    for (String role : ALLOWED.keySet()) {
      jobs("admin").create(PROJECT, quickJob("m_" + role)).execute();
    }

    // act: every role calls every method on its own target
    Map<String, Map<String, Integer>> statuses = new LinkedHashMap<>();
    Map<String, List<String>> tested = new LinkedHashMap<>();
    for (String role : ALLOWED.keySet()) {
      CloudMachineLearningEngine.Projects.Jobs jobs = jobs(role);
      String target = PROJECT + "/jobs/m_" + role;
      Map<String, Integer> byPermission = new LinkedHashMap<>();
      byPermission.put(
          Permissions.CREATE, status(() -> jobs.create(PROJECT, quickJob("c_" + role))));
      byPermission.put(Permissions.GET, status(() -> jobs.get(target)));
      byPermission.put(Permissions.LIST, status(() -> jobs.list(PROJECT)));
      byPermission.put(
          Permissions.UPDATE,
          status(
              () ->
                  jobs.patch(target, new GoogleCloudMlV1Job().setLabels(Map.of("by", role)))
                      .setUpdateMask("labels")));
      byPermission.put(Permissions.GET_IAM_POLICY, status(() -> jobs.getIamPolicy(target)));
      byPermission.put(
          Permissions.CANCEL,
          status(() -> jobs.cancel(target, new GoogleCloudMlV1CancelJobRequest())));
      byPermission.put(
          Permissions.SET_IAM_POLICY,
          status(
              () ->
                  jobs.setIamPolicy(
                      target, setRequest(binding("roles/ml.viewer", "user:someone@example.com")))));
      statuses.put(role, byPermission);
      List<String> held =
          jobs.testIamPermissions(
                  target,
                  new GoogleIamV1TestIamPermissionsRequest().setPermissions(Permissions.ALL))
              .execute()
              .getPermissions();
      tested.put(role, held == null ? List.of() : held);
    }

    // check: allowed calls pass access control (a cancel may find its job already failed: 400),
    // denied ones are 403; testIamPermissions agrees with the table
    for (String role : ALLOWED.keySet()) {
      for (var call : statuses.get(role).entrySet()) {
        if (ALLOWED.get(role).contains(call.getKey())) {
          assertThat(call.getValue())
              .as("%s calling %s", role, call.getKey())
              .isIn(call.getKey().equals(Permissions.CANCEL) ? List.of(200, 400) : List.of(200));
        } else {
          assertThat(call.getValue()).as("%s calling %s", role, call.getKey()).isEqualTo(403);
        }
      }
      assertThat(tested.get(role)).as(role).containsExactlyInAnyOrderElementsOf(ALLOWED.get(role));
    }
  }

  @Test
  void creatorOwnsTheJobAndSeesOnlyItsOwnJobsInTheList() throws Exception {
    // setup: gina's group may only create and list; the admin has jobs she must not see
    jobs("admin").create(PROJECT, quickJob("admins_secret")).execute();
    CloudMachineLearningEngine.Projects.Jobs gina = jobs("gina");

    // act
    gina.create(PROJECT, quickJob("ginas_first")).execute();
    gina.create(PROJECT, quickJob("ginas_second")).execute();
    String name = PROJECT + "/jobs/ginas_first";
    GoogleIamV1Policy policy = gina.getIamPolicy(name).execute();
    GoogleCloudMlV1Job patched =
        gina.patch(name, new GoogleCloudMlV1Job().setLabels(Map.of("owner", "gina")))
            .setUpdateMask("labels")
            .execute();
    List<String> listed = new ArrayList<>();
    String token = null;
    do {
      GoogleCloudMlV1ListJobsResponse page =
          gina.list(PROJECT).setPageSize(1).setPageToken(token).execute();
      page.getJobs().forEach(job -> listed.add(job.getJobId()));
      token = page.getNextPageToken();
    } while (token != null);

    // check
    assertThat(policy.getBindings())
        .singleElement()
        .satisfies(
            binding -> {
              assertThat(binding.getRole()).isEqualTo("roles/ml.jobOwner");
              assertThat(binding.getMembers()).containsExactly("user:gina@example.com");
            });
    assertThat(patched.getLabels()).isEqualTo(Map.of("owner", "gina"));
    assertThat(listed).containsExactly("ginas_second", "ginas_first");
    assertError(() -> gina.get(PROJECT + "/jobs/admins_secret").execute(), 403, "ml.jobs.get");
  }

  @Test
  void forbiddenJobGetsTheSameAnswerAsAMissingOne() throws Exception {
    // setup: gina asks about a job before and after the admin creates it
    HttpClient http = HttpClient.newHttpClient();
    String job = base + "/v1/" + PROJECT + "/jobs/appears_later";
    String[] gina = {"Authorization", "Bearer " + TOKENS.get("gina")};
    List<String[]> calls =
        List.of(
            new String[] {"GET", job, null},
            new String[] {"POST", job + ":cancel", "{}"},
            new String[] {"PATCH", job + "?updateMask=labels", "{\"labels\": {\"a\": \"b\"}}"},
            new String[] {"GET", job + ":getIamPolicy", null},
            new String[] {"POST", job + ":setIamPolicy", "{\"policy\": {}}"},
            new String[] {
              "POST", job + ":testIamPermissions", "{\"permissions\": [\"ml.jobs.get\"]}"
            });

    // act
    List<HttpResponse<String>> missing = new ArrayList<>();
    for (String[] call : calls) {
      missing.add(send(http, call[0], call[1], call[2], gina));
    }
    jobs("admin").create(PROJECT, quickJob("appears_later")).execute();
    List<HttpResponse<String>> existing = new ArrayList<>();
    for (String[] call : calls) {
      existing.add(send(http, call[0], call[1], call[2], gina));
    }

    // check: byte for byte the same; 403 but for testIamPermissions, which says {} both times
    for (int i = 0; i < calls.size(); i++) {
      assertThat(existing.get(i).statusCode())
          .as(calls.get(i)[1])
          .isEqualTo(missing.get(i).statusCode())
          .isEqualTo(i == calls.size() - 1 ? 200 : 403);
      assertThat(existing.get(i).body()).as(calls.get(i)[1]).isEqualTo(missing.get(i).body());
    }
    assertThat(existing.get(0).body()).contains("PERMISSION_DENIED").doesNotContain("not found");
    assertThat(JobJson.MAPPER.readTree(existing.get(calls.size() - 1).body()).isEmpty()).isTrue();
  }

  @Test
  void timeConditionGrantsUntilItExpires() throws Exception {
    // setup: nobody may view the job by two bindings, one expired, one expiring in a few seconds
    String name = PROJECT + "/jobs/conditional";
    jobs("admin").create(PROJECT, quickJob("conditional")).execute();
    Instant expiry = Instant.now().plusSeconds(4).truncatedTo(ChronoUnit.SECONDS);
    CloudMachineLearningEngine.Projects.Jobs nobody = jobs("none");
    int before = status(() -> nobody.get(name));

    // act
    jobs("admin")
        .setIamPolicy(
            name,
            new GoogleIamV1SetIamPolicyRequest()
                .setPolicy(
                    new GoogleIamV1Policy()
                        .setVersion(3)
                        .setBindings(
                            List.of(
                                binding("roles/ml.admin", "user:nobody@example.com")
                                    .setCondition(until(Instant.now().minusSeconds(3600))),
                                binding("roles/ml.viewer", "user:nobody@example.com")
                                    .setCondition(until(expiry))))))
        .execute();
    int whileValid = status(() -> nobody.get(name));
    int cancelWhileValid = status(() -> nobody.cancel(name, new GoogleCloudMlV1CancelJobRequest()));
    Thread.sleep(Math.max(0, expiry.toEpochMilli() - System.currentTimeMillis() + 200));
    int afterExpiry = status(() -> nobody.get(name));
    GoogleIamV1Policy v1 = jobs("admin").getIamPolicy(name).execute();

    // check: the expired admin binding never granted cancel
    assertThat(before).isEqualTo(403);
    assertThat(whileValid).isEqualTo(200);
    assertThat(cancelWhileValid).isEqualTo(403);
    assertThat(afterExpiry).isEqualTo(403);
    assertThat(v1.getVersion()).isEqualTo(1);
    assertThat(v1.getBindings()).allSatisfy(b -> assertThat(b.getRole()).contains("_withcond_"));
  }

  @Test
  void resourceNameConditionGrantsOnMatchingJobsOnly() throws Exception {
    jobs("admin").create(PROJECT, quickJob("public_report")).execute();
    jobs("admin").create(PROJECT, quickJob("private_report")).execute();
    CloudMachineLearningEngine.Projects.Jobs rita = jobs("rita");

    int publicJob = status(() -> rita.get(PROJECT + "/jobs/public_report"));
    int privateJob = status(() -> rita.get(PROJECT + "/jobs/private_report"));
    int list = status(() -> rita.list(PROJECT));

    assertThat(publicJob).isEqualTo(200);
    assertThat(privateJob).isEqualTo(403);
    assertThat(list).isEqualTo(403);
  }

  @Test
  void concurrentSetIamPolicyWithOneEtagHasOneWinner() throws Exception {
    // setup
    String name = PROJECT + "/jobs/contested_policy";
    CloudMachineLearningEngine.Projects.Jobs admin = jobs("admin");
    admin.create(PROJECT, quickJob("contested_policy")).execute();
    String etag = admin.getIamPolicy(name).execute().getEtag();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch start = new CountDownLatch(1);

    // act: two writers with the same etag, released together
    List<Future<Integer>> writes = new ArrayList<>();
    for (String member : List.of("user:first@example.com", "user:second@example.com")) {
      writes.add(
          pool.submit(
              () -> {
                start.await();
                return status(
                    () ->
                        admin.setIamPolicy(
                            name,
                            new GoogleIamV1SetIamPolicyRequest()
                                .setPolicy(
                                    new GoogleIamV1Policy()
                                        .setEtag(etag)
                                        .setBindings(
                                            List.of(binding("roles/ml.viewer", member))))));
              }));
    }
    start.countDown();
    List<Integer> outcomes = new ArrayList<>();
    for (Future<Integer> write : writes) {
      outcomes.add(write.get());
    }
    pool.shutdown();
    GoogleIamV1Policy after = admin.getIamPolicy(name).execute();

    // check
    assertThat(outcomes).containsExactlyInAnyOrder(200, 409);
    assertThat(after.getBindings()).hasSize(1);
    assertThat(after.getEtag()).isNotEqualTo(etag);
  }

  @Test
  void policyErrorsNameTheCulprit() throws Exception {
    String name = PROJECT + "/jobs/bad_policies";
    CloudMachineLearningEngine.Projects.Jobs admin = jobs("admin");
    admin.create(PROJECT, quickJob("bad_policies")).execute();

    assertError(
        () -> admin.setIamPolicy(name, setRequest(binding("roles/ml.viewer", "alice"))).execute(),
        400,
        "policy.bindings[0].members[0]");
    assertError(
        () ->
            admin
                .setIamPolicy(name, setRequest(binding("roles/ml.wizard", "user:a@example.com")))
                .execute(),
        400,
        "policy.bindings[0].role");
    assertError(
        () ->
            admin
                .setIamPolicy(
                    name,
                    new GoogleIamV1SetIamPolicyRequest()
                        .setPolicy(
                            new GoogleIamV1Policy()
                                .setVersion(3)
                                .setBindings(
                                    List.of(
                                        binding("roles/ml.viewer", "user:a@example.com")
                                            .setCondition(
                                                new GoogleTypeExpr()
                                                    .setExpression("request.time <"))))))
                .execute(),
        400,
        "policy.bindings[0].condition.expression");
    assertError(
        () ->
            admin
                .setIamPolicy(
                    name,
                    setRequest(binding("roles/ml.viewer", "user:a@example.com"))
                        .setUpdateMask("owner"))
                .execute(),
        400,
        "updateMask");
  }

  @Test
  void missingOrMalformedCredentialsAreUnauthenticated() throws Exception {
    // setup
    HttpClient http = HttpClient.newHttpClient();
    String url = base + "/v1/" + PROJECT + "/jobs";
    List<String> headers =
        List.of("Bearer", "Bearer ", "Basic xyz", "Bearer not-a-known-token", "Bearer a b", "x");

    // act
    List<HttpResponse<String>> responses = new ArrayList<>();
    responses.add(send(http, "GET", url, null));
    for (String header : headers) {
      responses.add(send(http, "GET", url, null, "Authorization", header));
    }
    int clientWithUnknownToken = status(() -> withToken("unknown-token-9").list(PROJECT));

    // check: google.rpc.Status shape, 401, and never the token
    for (HttpResponse<String> response : responses) {
      assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
      var error = JobJson.MAPPER.readTree(response.body()).get("error");
      assertThat(error.get("code").asInt()).isEqualTo(401);
      assertThat(error.get("status").asText()).isEqualTo("UNAUTHENTICATED");
      assertThat(error.get("message").asText()).isNotBlank();
      assertThat(response.body()).doesNotContain("not-a-known-token", "xyz");
    }
    assertThat(clientWithUnknownToken).isEqualTo(401);
  }

  @Test
  void mutatingAndDeniedCallsAreInTheAuditLog() throws Exception {
    // setup
    String name = PROJECT + "/jobs/audited";
    jobs("admin").create(PROJECT, quickJob("audited")).execute();
    jobs("admin").get(name).execute();
    status(() -> jobs("viewer").cancel(name, new GoogleCloudMlV1CancelJobRequest()));
    HttpClient http = HttpClient.newHttpClient();
    send(http, "GET", base + "/v1/" + name, null, "Authorization", "Bearer not-a-known-token");

    // act
    StringWriter out = new StringWriter();
    int exit =
        new CommandLine(new Main())
            .setOut(new PrintWriter(out))
            .execute("audit", "--data-dir=" + data);
    List<String> lines = out.toString().lines().filter(line -> line.contains(name)).toList();

    // check
    assertThat(exit).isZero();
    assertThat(lines)
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains(
                        "\"principal\":\"user:alice@example.com\"",
                        "\"method\":\"projects.jobs.create\"",
                        "\"outcome\":\"ALLOWED\"",
                        "\"status\":\"OK\""))
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains(
                        "\"principal\":\"user:vic@example.com\"",
                        "\"method\":\"projects.jobs.cancel\"",
                        "\"outcome\":\"DENIED\"",
                        "\"status\":\"PERMISSION_DENIED\""))
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains(
                        "\"principal\":\"anonymous\"",
                        "\"method\":\"projects.jobs.get\"",
                        "\"status\":\"UNAUTHENTICATED\""))
        .noneSatisfy(
            line ->
                assertThat(line)
                    .contains("\"principal\":\"user:alice@example.com\"", "projects.jobs.get"));
    assertThat(out.toString()).doesNotContain("not-a-known-token", "admin-token-1");
  }

  @Test
  void serveRefusesToListenBeyondLoopbackWithoutTokens() {
    // setup
    Path dataDir = temp.resolve("refused");
    StringWriter err = new StringWriter();

    // act
    int exit =
        new CommandLine(new Main())
            .setErr(new PrintWriter(err))
            .execute("serve", "--bind=0.0.0.0", "--port=0", "--data-dir=" + dataDir);

    // check: refused before the database was created
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("Refusing to listen on 0.0.0.0", "tokenFile");
    assertThat(dataDir).doesNotExist();
  }

  // --- helpers

  private static CloudMachineLearningEngine.Projects.Jobs jobs(String role) {
    return withToken(TOKENS.get(role));
  }

  private static CloudMachineLearningEngine.Projects.Jobs withToken(String token) {
    return ServiceTesting.client(
            server.port(), request -> request.getHeaders().setAuthorization("Bearer " + token))
        .projects()
        .jobs();
  }

  /** A job whose input matches nothing: it fails at once without running a pipeline. */
  private static GoogleCloudMlV1Job quickJob(String jobId) {
    return job(jobId, temp.resolve("no-input").resolve("*.json").toString(), temp.resolve(jobId));
  }

  private static GoogleIamV1Binding binding(String role, String member) {
    return new GoogleIamV1Binding().setRole(role).setMembers(List.of(member));
  }

  private static GoogleIamV1SetIamPolicyRequest setRequest(GoogleIamV1Binding... bindings) {
    return new GoogleIamV1SetIamPolicyRequest()
        .setPolicy(new GoogleIamV1Policy().setBindings(List.of(bindings)));
  }

  private static GoogleTypeExpr until(Instant time) {
    return new GoogleTypeExpr()
        .setTitle("until " + time)
        .setExpression("request.time < timestamp('" + time + "')");
  }
}
