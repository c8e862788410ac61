package org.batchpredict.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AccessControlTest {
  private static final String PROJECT = "projects/p";
  private static final String JOB = "projects/p/jobs/census_1";
  private static final String OTHER_JOB = "projects/p/jobs/nightly_2";
  private static final String MISSING_JOB = "projects/p/jobs/no_such_job";

  private static final Principal ALICE = Principal.of("user:alice@example.com", Set.of());
  private static final Principal BOB =
      Principal.of("user:bob@example.com", Set.of("group:ml-team@example.com"));
  private static final Principal CAROL = Principal.of("user:carol@other.org", Set.of());

  /** A clock the test moves by hand. */
  private static final class SettableClock extends Clock {
    private volatile Instant now;

    SettableClock(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final SettableClock clock = new SettableClock(Instant.parse("2026-01-15T10:00:00Z"));
  private final InMemoryPolicyStore store = new InMemoryPolicyStore();
  private final Set<String> jobs = Set.of(JOB, OTHER_JOB);

  private AccessControl access(Map<String, Policy> projectPolicies) {
    AccessConfig config =
        AccessConfig.of(
            Optional.empty(),
            Roles.withCustom(
                Map.of("projects/p/roles/jobWatcher", List.of("ml.jobs.get", "ml.jobs.list"))),
            projectPolicies);
    return new AccessControl(config, store, jobs::contains, clock);
  }

  private static Policy policy(Policy.Binding... bindings) {
    Policy policy = new Policy();
    policy.bindings.addAll(List.of(bindings));
    policy.version = Stream.of(bindings).anyMatch(b -> b.condition != null) ? 3 : 1;
    return policy;
  }

  private static Policy.Binding binding(String role, String... members) {
    return new Policy.Binding(role, List.of(members));
  }

  private static Policy.Binding conditional(String role, String expression, String... members) {
    Policy.Binding binding = binding(role, members);
    binding.condition = new Policy.Expr(expression, "condition");
    return binding;
  }

  static Stream<Arguments> roleMatrix() {
    List<Arguments> cases = new ArrayList<>();
    Map<String, Set<String>> expected =
        Map.of(
            "roles/ml.admin", Set.copyOf(Permissions.ALL),
            "roles/ml.editor",
                Set.of(
                    "ml.jobs.create",
                    "ml.jobs.get",
                    "ml.jobs.list",
                    "ml.jobs.cancel",
                    "ml.jobs.update",
                    "ml.jobs.getIamPolicy"),
            "roles/ml.developer",
                Set.of("ml.jobs.create", "ml.jobs.get", "ml.jobs.getIamPolicy", "ml.jobs.list"),
            "roles/ml.viewer", Set.of("ml.jobs.get", "ml.jobs.getIamPolicy", "ml.jobs.list"),
            "roles/ml.jobOwner", Set.copyOf(Permissions.ALL),
            "roles/owner", Set.copyOf(Permissions.ALL),
            "roles/editor",
                Set.of(
                    "ml.jobs.create",
                    "ml.jobs.get",
                    "ml.jobs.list",
                    "ml.jobs.cancel",
                    "ml.jobs.update",
                    "ml.jobs.getIamPolicy"),
            "roles/viewer", Set.of("ml.jobs.get", "ml.jobs.getIamPolicy", "ml.jobs.list"),
            "projects/p/roles/jobWatcher", Set.of("ml.jobs.get", "ml.jobs.list"));
    expected.forEach(
        (role, granted) -> {
          for (String permission : Permissions.ALL) {
            cases.add(Arguments.of(role, permission, granted.contains(permission)));
          }
        });
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {2} {1}")
  @MethodSource("roleMatrix")
  void eachRoleGrantsExactlyItsPermissions(String role, String permission, boolean granted) {
    AccessControl access = access(Map.of("p", policy(binding(role, "user:alice@example.com"))));
    String resource =
        permission.equals(Permissions.CREATE) || permission.equals(Permissions.LIST)
            ? PROJECT
            : JOB;

    assertThat(access.allows(ALICE, permission, resource)).isEqualTo(granted);
    assertThat(access.allows(CAROL, permission, resource)).isFalse();
  }

  @Test
  void jobPolicyAndProjectPolicyUnite() {
    AccessControl access =
        access(Map.of("p", policy(binding("roles/ml.viewer", "user:alice@example.com"))));
    store.compareAndSet(JOB, 0, policy(binding("roles/ml.editor", "user:alice@example.com")));

    assertThat(access.allows(ALICE, Permissions.GET, JOB)).isTrue();
    assertThat(access.allows(ALICE, Permissions.CANCEL, JOB)).isTrue();
    assertThat(access.allows(ALICE, Permissions.CANCEL, OTHER_JOB)).isFalse();
    assertThat(access.allows(ALICE, Permissions.CREATE, PROJECT)).isFalse();
  }

  @Test
  void starPolicyAppliesToEveryProject() {
    AccessControl access =
        access(Map.of("*", policy(binding("roles/viewer", "domain:example.com"))));

    assertThat(access.allows(ALICE, Permissions.GET, "projects/any/jobs/j")).isTrue();
    assertThat(access.allows(CAROL, Permissions.GET, "projects/any/jobs/j")).isFalse();
  }

  @Test
  void groupMembershipGrants() {
    AccessControl access =
        access(Map.of("p", policy(binding("roles/ml.developer", "group:ML-Team@example.com"))));

    assertThat(access.allows(BOB, Permissions.CREATE, PROJECT)).isTrue();
    assertThat(access.allows(ALICE, Permissions.CREATE, PROJECT)).isFalse();
  }

  @Test
  void localOwnerMayDoEverything() {
    AccessControl access = access(Map.of());

    for (String permission : Permissions.ALL) {
      assertThat(access.allows(Principal.localOwner(), permission, JOB)).isTrue();
    }
  }

  @Test
  void conditionOnRequestTimeExpires() {
    AccessControl access =
        access(
            Map.of(
                "p",
                policy(
                    conditional(
                        "roles/ml.viewer",
                        "request.time < timestamp('2026-02-01T00:00:00Z')",
                        "user:alice@example.com"))));

    assertThat(access.allows(ALICE, Permissions.GET, JOB)).isTrue();

    clock.now = Instant.parse("2026-02-01T00:00:01Z");

    assertThat(access.allows(ALICE, Permissions.GET, JOB)).isFalse();
  }

  @Test
  void conditionOnResourceNameSelectsJobs() {
    AccessControl access =
        access(
            Map.of(
                "p",
                policy(
                    conditional(
                        "roles/ml.editor",
                        "resource.name.startsWith('projects/p/jobs/nightly_')"
                            + " && resource.type == 'ml.googleapis.com/Job'",
                        "user:alice@example.com"))));

    assertThat(access.allows(ALICE, Permissions.CANCEL, OTHER_JOB)).isTrue();
    assertThat(access.allows(ALICE, Permissions.CANCEL, JOB)).isFalse();
  }

  @Test
  void conditionThatCannotBeEvaluatedGrantsNothing() {
    Policy stored =
        policy(
            conditional(
                "roles/ml.admin",
                "request.time.getHours('No/Such_Zone') >= 0",
                "user:alice@example.com"),
            conditional("roles/ml.admin", "request.time <", "user:alice@example.com"));
    store.compareAndSet(JOB, 0, stored);
    AccessControl access = access(Map.of());

    assertThat(access.allows(ALICE, Permissions.GET, JOB)).isFalse();
  }

  @Test
  void deniedIsTheSameForExistingAndMissingJobs() {
    AccessControl access = access(Map.of());

    Throwable existing = catchThrowable(() -> access.getIamPolicy(CAROL, JOB, null));
    Throwable missing = catchThrowable(() -> access.getIamPolicy(CAROL, MISSING_JOB, null));

    assertThat(existing).isInstanceOf(PermissionDeniedException.class);
    assertThat(missing).isInstanceOf(PermissionDeniedException.class);
    assertThat(existing.getMessage().replace(JOB, "X"))
        .isEqualTo(missing.getMessage().replace(MISSING_JOB, "X"));
  }

  @Test
  void missingJobIsNotFoundOnlyForThoseWhoMayAct() {
    AccessControl access =
        access(Map.of("p", policy(binding("roles/ml.admin", "user:alice@example.com"))));

    assertThatThrownBy(() -> access.getIamPolicy(ALICE, MISSING_JOB, null))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThat(access.testIamPermissions(ALICE, MISSING_JOB, List.of("ml.jobs.get"))).isEmpty();
  }

  @Test
  void testIamPermissionsReturnsTheHeldSubset() {
    AccessControl access =
        access(Map.of("p", policy(binding("roles/ml.viewer", "user:alice@example.com"))));

    assertThat(
            access.testIamPermissions(
                ALICE,
                JOB,
                List.of("ml.jobs.get", "ml.jobs.cancel", "ml.jobs.list", "ml.models.get")))
        .containsExactly("ml.jobs.get", "ml.jobs.list");
    assertThatThrownBy(() -> access.testIamPermissions(ALICE, JOB, List.of("ml.jobs.get", "ml.*")))
        .isInstanceOfSatisfying(
            InvalidPolicyException.class, e -> assertThat(e.field()).isEqualTo("permissions[1]"));
  }

  @Test
  void creatorBecomesJobOwner() {
    AccessControl access =
        access(Map.of("p", policy(binding("roles/ml.developer", "user:alice@example.com"))));

    Policy granted = access.grantCreator(ALICE, JOB);

    assertThat(granted.bindings)
        .containsExactly(binding("roles/ml.jobOwner", "user:alice@example.com"));
    assertThat(access.allows(ALICE, Permissions.CANCEL, JOB)).isTrue();
    assertThat(access.allows(ALICE, Permissions.SET_IAM_POLICY, JOB)).isTrue();
    assertThat(access.allows(ALICE, Permissions.CANCEL, OTHER_JOB)).isFalse();
  }

  @Test
  void setThenGetPolicyKeepsBindingsAndAuditConfigsWithFreshEtag() {
    AccessControl access = access(Map.of());
    access.grantCreator(ALICE, JOB);
    Policy read = access.getIamPolicy(ALICE, JOB, 3);
    Policy change = read.copy();
    change.bindings.add(binding("roles/ml.viewer", "group:ml-team@example.com"));
    Policy.AuditConfig audit = new Policy.AuditConfig();
    audit.service = "allServices";
    Policy.AuditLogConfig log = new Policy.AuditLogConfig();
    log.logType = "DATA_WRITE";
    audit.auditLogConfigs.add(log);
    change.auditConfigs.add(audit);

    Policy set =
        access.setIamPolicy(
            ALICE, JOB, new SetIamPolicyRequest(change, "bindings,etag,auditConfigs"));

    assertThat(set.etag).isNotEqualTo(read.etag);
    assertThat(access.getIamPolicy(BOB, JOB, 1).bindings).hasSize(2);
    assertThat(access.getIamPolicy(BOB, JOB, 1).auditConfigs).containsExactly(audit);
    assertThat(access.getIamPolicy(BOB, JOB, 1).etag).isEqualTo(set.etag);
  }

  @Test
  void defaultMaskLeavesAuditConfigsAlone() {
    AccessControl access = access(Map.of());
    access.grantCreator(ALICE, JOB);
    Policy withAudit = policy(binding("roles/ml.jobOwner", "user:alice@example.com"));
    Policy.AuditConfig audit = new Policy.AuditConfig();
    audit.service = "allServices";
    withAudit.auditConfigs.add(audit);
    access.setIamPolicy(ALICE, JOB, new SetIamPolicyRequest(withAudit, "bindings,auditConfigs"));

    access.setIamPolicy(
        ALICE,
        JOB,
        new SetIamPolicyRequest(
            policy(binding("roles/ml.jobOwner", "user:bob@example.com")), null));

    Policy now = access.getIamPolicy(BOB, JOB, 1);
    assertThat(now.auditConfigs).containsExactly(audit);
    assertThat(now.bindings.get(0).members).containsExactly("user:bob@example.com");
  }

  @Test
  void unknownMaskFieldIsInvalid() {
    assertThatThrownBy(() -> AccessControl.updateMask("bindings,version"))
        .isInstanceOfSatisfying(
            InvalidPolicyException.class, e -> assertThat(e.field()).isEqualTo("updateMask"))
        .hasMessageContaining("\"version\"");
    assertThat(AccessControl.updateMask("")).containsExactlyInAnyOrder("bindings", "etag");
  }

  @Test
  void staleEtagIsAborted() {
    AccessControl access = access(Map.of());
    access.grantCreator(ALICE, JOB);
    Policy read = access.getIamPolicy(ALICE, JOB, 3);
    access.setIamPolicy(ALICE, JOB, new SetIamPolicyRequest(read, null));

    PolicyConflictException error =
        catchThrowableOfType(
            PolicyConflictException.class,
            () -> access.setIamPolicy(ALICE, JOB, new SetIamPolicyRequest(read, null)));

    assertThat(error.status()).isEqualTo("ABORTED");
    assertThat(error.httpStatus()).isEqualTo(409);
  }

  @Test
  void twoConcurrentSetsWithTheSameEtagOneWinsOneIsAborted() throws Exception {
    AccessControl access = access(Map.of());
    access.grantCreator(ALICE, JOB);
    Policy read = access.getIamPolicy(ALICE, JOB, 3);
    CountDownLatch start = new CountDownLatch(1);
    List<Callable<Object>> writers = new ArrayList<>();
    for (String member : List.of("user:bob@example.com", "user:carol@other.org")) {
      Policy change = read.copy();
      change.bindings.add(binding("roles/ml.viewer", member));
      writers.add(
          () -> {
            start.await();
            try {
              return access.setIamPolicy(ALICE, JOB, new SetIamPolicyRequest(change, null));
            } catch (PolicyConflictException e) {
              return e;
            }
          });
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<Object>> results = new ArrayList<>();
    writers.forEach(writer -> results.add(pool.submit(writer)));

    start.countDown();
    List<Object> outcomes = new ArrayList<>();
    for (Future<Object> result : results) {
      outcomes.add(result.get());
    }
    pool.shutdown();

    assertThat(outcomes).filteredOn(Policy.class::isInstance).hasSize(1);
    assertThat(outcomes).filteredOn(PolicyConflictException.class::isInstance).hasSize(1);
    assertThat(access.getIamPolicy(ALICE, JOB, 3).bindings).hasSize(2);
  }

  @Test
  void conditionalBindingsShowAsWithcondBelowVersion3() {
    AccessControl access = access(Map.of());
    access.grantCreator(ALICE, JOB);
    Policy conditionalPolicy =
        policy(
            binding("roles/ml.jobOwner", "user:alice@example.com"),
            conditional(
                "roles/ml.viewer",
                "request.time < timestamp('2030-01-01T00:00:00Z')",
                "user:bob@example.com"));
    access.setIamPolicy(ALICE, JOB, new SetIamPolicyRequest(conditionalPolicy, null));

    Policy v3 = access.getIamPolicy(ALICE, JOB, 3);
    Policy v1 = access.getIamPolicy(ALICE, JOB, 1);

    assertThat(v3.version).isEqualTo(3);
    assertThat(v3.bindings.get(1).condition.expression).startsWith("request.time");
    assertThat(v1.version).isEqualTo(1);
    assertThat(v1.bindings.get(1).role).startsWith("roles/ml.viewer_withcond_");
    assertThat(v1.bindings.get(1).condition).isNull();
    assertThatThrownBy(() -> access.getIamPolicy(ALICE, JOB, 2))
        .isInstanceOfSatisfying(
            InvalidPolicyException.class,
            e -> assertThat(e.field()).isEqualTo("options.requestedPolicyVersion"));
  }

  @Test
  void setIamPolicyNeedsItsPermissionBeforeAnythingElse() {
    AccessControl access =
        access(Map.of("p", policy(binding("roles/ml.editor", "user:bob@example.com"))));

    assertThatThrownBy(
            () ->
                access.setIamPolicy(
                    BOB,
                    MISSING_JOB,
                    new SetIamPolicyRequest(
                        policy(binding("roles/ml.admin", "user:bob@example.com")), null)))
        .isInstanceOf(PermissionDeniedException.class);
  }

  private static <T extends Throwable> T catchThrowableOfType(
      Class<T> type, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(type);
    return type.cast(thrown);
  }
}
