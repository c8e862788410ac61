package org.batchpredict.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Google API client for Node, {@code googleapis} (pinned in src/test/node, installed by
 * the build before the integration tests), drives the jobs service: a client other than Java's
 * works unchanged once its root URL points at us.
 */
class NodeClientIT {
  @TempDir Path temp;

  @Test
  void theNodeClientCreatesWatchesListsPatchesAndIsRefusedACancel() throws Exception {
    Path output = temp.resolve("out");
    Map<String, JsonNode> steps = new HashMap<>();
    try (JobsServer server = JobsServer.start(ServiceTesting.config(temp.resolve("data"), 1))) {
      Path log = temp.resolve("node.log");
      Process node =
          new ProcessBuilder(
                  List.of(
                      "node",
                      "src/test/node/ml-client.js",
                      "http://127.0.0.1:" + server.port() + "/",
                      "nodeproj",
                      Path.of(ServiceTesting.INSTANCES_FILE).toAbsolutePath().toString(),
                      Path.of("models/census/v1").toAbsolutePath().toString(),
                      output.toString()))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      assertThat(node.waitFor(3, TimeUnit.MINUTES)).as("node finished").isTrue();
      String printed = Files.readString(log);
      assertThat(node.exitValue()).as(printed).isZero();
      for (String line : printed.lines().filter(l -> l.startsWith("{")).toList()) {
        JsonNode step = new ObjectMapper().readTree(line);
        steps.put(step.get("step").asText(), step);
      }
    }

    assertThat(steps.get("create").get("state").asText()).isEqualTo("QUEUED");
    assertThat(steps.get("create").get("etag").asText()).isNotEmpty();
    assertThat(steps.get("get").get("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(steps.get("get").at("/predictionOutput/predictionCount").asText()).isEqualTo("200");
    assertThat(steps.get("list").get("jobIds").toString()).isEqualTo("[\"from_node\"]");
    assertThat(steps.get("patch").at("/labels/stage").asText()).isEqualTo("done");
    assertThat(steps.get("cancel").get("code").asInt()).isEqualTo(400);
    assertThat(steps.get("cancel").get("message").asText()).contains("state SUCCEEDED");
    assertThat(steps.get("testIamPermissions").get("permissions").toString())
        .isEqualTo("[\"ml.jobs.get\",\"ml.jobs.cancel\"]");
    assertThat(ServiceTesting.results(output)).hasSize(200);
  }
}
