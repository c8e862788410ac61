package org.batchpredict.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyValidatorTest {
  private final PolicyValidator validator =
      new PolicyValidator(
          Roles.withCustom(Map.of("projects/p/roles/jobWatcher", List.of("ml.jobs.get"))));

  private static Policy policy(Integer version, Policy.Binding... bindings) {
    Policy policy = new Policy();
    policy.version = version;
    policy.bindings.addAll(List.of(bindings));
    return policy;
  }

  private static Policy.Binding binding(String role, String... members) {
    return new Policy.Binding(role, List.of(members));
  }

  private static Policy.Binding conditional(String role, String expression, String... members) {
    Policy.Binding binding = binding(role, members);
    binding.condition = new Policy.Expr(expression, "a condition");
    return binding;
  }

  private void assertInvalid(Policy policy, String field, String message) {
    assertThatThrownBy(() -> validator.validate(policy, "p", "policy"))
        .isInstanceOfSatisfying(
            InvalidPolicyException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageContaining(message);
  }

  @Test
  void everyMemberKindIsAccepted() {
    Policy stored =
        validator.validate(
            policy(
                1,
                binding(
                    "roles/ml.viewer",
                    "user:alice@example.com",
                    "serviceAccount:ci@p.iam.gserviceaccount.com",
                    "group:ml@example.com",
                    "domain:example.com",
                    "allUsers",
                    "allAuthenticatedUsers",
                    "deleted:user:bob@example.com?uid=123456789")),
            "p",
            "policy");

    assertThat(stored.bindings.get(0).members).hasSize(7);
    assertThat(stored.version).isEqualTo(1);
  }

  @Test
  void badMemberIsNamedByItsPosition() {
    Policy bad =
        policy(
            1,
            binding("roles/ml.viewer", "user:a@example.com"),
            binding("roles/ml.editor", "user:b@example.com"),
            binding("roles/ml.admin", "alice@example.com"));

    assertInvalid(bad, "policy.bindings[2].members[0]", "invalid member \"alice@example.com\"");
  }

  @Test
  void membersWithBadValuesAreRefused() {
    for (String member :
        List.of("user:", "user:no-at-sign", "group:a@b", "domain:", "allusers", "robot:x@y.com")) {
      assertInvalid(
          policy(1, binding("roles/ml.viewer", member)),
          "policy.bindings[0].members[0]",
          "invalid member");
    }
  }

  @Test
  void unknownRoleIsNamed() {
    assertInvalid(
        policy(1, binding("roles/ml.superuser", "user:a@example.com")),
        "policy.bindings[0].role",
        "unknown role \"roles/ml.superuser\"");
  }

  @Test
  void customRoleOfThisProjectIsAcceptedAndOfAnotherRefused() {
    validator.validate(
        policy(1, binding("projects/p/roles/jobWatcher", "user:a@example.com")), "p", "policy");

    assertThatThrownBy(
            () ->
                validator.validate(
                    policy(1, binding("projects/p/roles/jobWatcher", "user:a@example.com")),
                    "q",
                    "policy"))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("belongs to project p, not q");
  }

  @Test
  void onlyVersions013Exist() {
    validator.validate(policy(0, binding("roles/viewer", "user:a@example.com")), "p", "policy");
    validator.validate(policy(3, binding("roles/viewer", "user:a@example.com")), "p", "policy");

    assertInvalid(
        policy(2, binding("roles/viewer", "user:a@example.com")),
        "policy.version",
        "policy version 2 does not exist");
  }

  @Test
  void conditionNeedsVersion3() {
    assertInvalid(
        policy(
            1,
            conditional(
                "roles/viewer",
                "request.time < timestamp('2030-01-01T00:00:00Z')",
                "user:a@example.com")),
        "policy.bindings[0].condition",
        "needs policy version 3");

    Policy stored =
        validator.validate(
            policy(
                3,
                conditional(
                    "roles/viewer",
                    "request.time < timestamp('2030-01-01T00:00:00Z')",
                    "user:a@example.com")),
            "p",
            "policy");
    assertThat(stored.version).isEqualTo(3);
  }

  @Test
  void malformedConditionIsNamed() {
    assertInvalid(
        policy(
            3,
            binding("roles/viewer", "user:a@example.com"),
            conditional("roles/viewer", "request.time <", "user:a@example.com")),
        "policy.bindings[1].condition.expression",
        "does not compile");
    assertInvalid(
        policy(3, conditional("roles/viewer", "size(resource.name) + 1", "user:a@example.com")),
        "policy.bindings[0].condition.expression",
        "does not compile");
    assertInvalid(
        policy(3, conditional("roles/viewer", "request.user == 'a'", "user:a@example.com")),
        "policy.bindings[0].condition.expression",
        "does not compile");
    assertInvalid(
        policy(3, conditional("roles/viewer", "", "user:a@example.com")),
        "policy.bindings[0].condition.expression",
        "needs a CEL expression");
  }

  @Test
  void auditConfigsAreCheckedAndKept() {
    Policy policy = policy(1, binding("roles/viewer", "user:a@example.com"));
    Policy.AuditConfig config = new Policy.AuditConfig();
    config.service = "allServices";
    Policy.AuditLogConfig log = new Policy.AuditLogConfig();
    log.logType = "DATA_READ";
    log.exemptedMembers.add("user:b@example.com");
    config.auditLogConfigs.add(log);
    policy.auditConfigs.add(config);

    assertThat(validator.validate(policy, "p", "policy").auditConfigs).containsExactly(config);

    log.logType = "EVERYTHING";
    assertInvalid(policy, "policy.auditConfigs[0].auditLogConfigs[0].logType", "unknown log type");
  }

  @Test
  void emptyBindingsAndRepeatedMembersAreDropped() {
    Policy stored =
        validator.validate(
            policy(
                1,
                binding("roles/viewer"),
                binding("roles/editor", "user:a@example.com", "user:a@example.com")),
            "p",
            "policy");

    assertThat(stored.bindings).hasSize(1);
    assertThat(stored.bindings.get(0).members).containsExactly("user:a@example.com");
  }

  @Test
  void unknownJsonFieldIsNamed() {
    assertThatThrownBy(
            () ->
                SetIamPolicyRequest.fromJson(
                    "{\"policy\": {\"bindings\": [{\"rol\": \"roles/viewer\"}]}}"))
        .isInstanceOfSatisfying(
            InvalidPolicyException.class,
            e -> assertThat(e.field()).isEqualTo("policy.bindings[0].rol"));
  }

  @Test
  void policyJsonRoundTrips() {
    String json =
        "{\"version\":3,\"bindings\":[{\"role\":\"roles/ml.viewer\",\"members\":[\"user:a@example.com\"],"
            + "\"condition\":{\"expression\":\"request.time < timestamp('2030-01-01T00:00:00Z')\",\"title\":\"t\"}}],"
            + "\"auditConfigs\":[{\"service\":\"allServices\",\"auditLogConfigs\":[{\"logType\":\"ADMIN_READ\"}]}],"
            + "\"etag\":\"BwX=\"}";

    assertThat(Policy.fromJson(json).toJson()).isEqualTo(json);
  }
}
