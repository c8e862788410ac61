package org.batchpredict.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessConfigTest {
  @Test
  void loadsTokenFileInlineTokensCustomRolesAndProjectPolicies(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("tokens.json"),
        "{\"tokens\": [{\"sha256\": \""
            + TokenStore.sha256Hex("alice-token")
            + "\", \"principal\": \"user:alice@example.com\"}]}");
    Path access = dir.resolve("access.json");
    Files.writeString(
        access,
        """
        {
          "tokenFile": "tokens.json",
          "tokens": [{"sha256": "%s", "principal": "serviceAccount:ci@p.iam.gserviceaccount.com",
                      "groups": ["group:robots@example.com"]}],
          "customRoles": {"projects/p/roles/jobWatcher": ["ml.jobs.get", "ml.jobs.list"]},
          "projectPolicies": {
            "p": {"bindings": [{"role": "projects/p/roles/jobWatcher",
                                "members": ["group:robots@example.com"]}]}
          }
        }
        """
            .formatted(TokenStore.sha256Hex("ci-token")));

    AccessConfig config = AccessConfig.load(access);

    TokenStore tokens = config.tokens().orElseThrow();
    assertThat(tokens.size()).isEqualTo(2);
    Principal ci = tokens.lookup("ci-token").orElseThrow();
    assertThat(tokens.lookup("alice-token").orElseThrow().member())
        .isEqualTo("user:alice@example.com");
    AccessControl control =
        new AccessControl(
            config, new InMemoryPolicyStore(), job -> true, java.time.Clock.systemUTC());
    assertThat(control.allows(ci, Permissions.GET, "projects/p/jobs/j")).isTrue();
    assertThat(control.allows(ci, Permissions.CANCEL, "projects/p/jobs/j")).isFalse();
  }

  @Test
  void noTokensMeansLocalOwnerMode(@TempDir Path dir) throws Exception {
    Path access = dir.resolve("access.json");
    Files.writeString(access, "{}");

    assertThat(AccessConfig.load(access).tokens()).isEmpty();
  }

  @Test
  void badProjectPolicyIsNamedWithTheFile(@TempDir Path dir) throws Exception {
    Path access = dir.resolve("access.json");
    Files.writeString(
        access,
        "{\"projectPolicies\": {\"p\": {\"bindings\": [{\"role\": \"roles/ml.viewer\","
            + " \"members\": [\"alice\"]}]}}}");

    assertThatThrownBy(() -> AccessConfig.load(access))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("access.json: projectPolicies.p.bindings[0].members[0]");
  }

  @Test
  void unknownFieldAndUnknownPermissionAreNamed(@TempDir Path dir) throws Exception {
    Path access = dir.resolve("access.json");
    Files.writeString(access, "{\"tokenfile\": \"tokens.json\"}");
    assertThatThrownBy(() -> AccessConfig.load(access)).hasMessageContaining("tokenfile");

    Files.writeString(
        access, "{\"customRoles\": {\"projects/p/roles/x_role\": [\"ml.jobs.delete\"]}}");
    assertThatThrownBy(() -> AccessConfig.load(access))
        .hasMessageContaining("customRoles.projects/p/roles/x_role")
        .hasMessageContaining("ml.jobs.delete");
  }
}
