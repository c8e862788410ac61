package org.batchpredict.iam;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Decides what a caller may do, and serves the policy methods of jobs.
 *
 * <p>A caller's permissions on a job are the union of what the project policies grant ({@link
 * AccessConfig}: the project's own and {@code "*"}) and what the job's own policy grants ({@link
 * PolicyStore}); on a project ({@code create}, {@code list}) only the project policies count.
 * Conditions are evaluated at the time of the check. The local owner may do everything.
 *
 * <p>A denial never says whether a job exists: every method checks the permission first and looks
 * for the job only after, so a caller without the permission gets the same {@link
 * PermissionDeniedException} for a job that exists and one that does not.
 *
 * <pre>
 * AccessControl access = new AccessControl(config, policyStore, jobExists, Clock.systemUTC());
 * access.check(caller, Permissions.CANCEL, "projects/p/jobs/j");       // or throws
 * jobs.removeIf(job -> !access.allows(caller, Permissions.GET, name(job)));   // list
 * access.grantCreator(caller, "projects/p/jobs/j");                     // after create
 * </pre>
 */
public final class AccessControl {
  /** The fields of a policy a {@code setIamPolicy} may replace. */
  public static final Set<String> MASKABLE = Set.of("bindings", "etag", "auditConfigs");

  private static final Set<String> DEFAULT_MASK = Set.of("bindings", "etag");
  private static final Pattern PERMISSION_NAME = Pattern.compile("[a-z]+(\\.[A-Za-z]+){2}");

  private final AccessConfig config;
  private final PolicyValidator validator;
  private final PolicyStore jobPolicies;
  private final Predicate<String> jobExists;
  private final Clock clock;

  /**
   * @param jobPolicies where job policies are kept
   * @param jobExists whether a job name ({@code projects/P/jobs/J}) names a stored job
   * @param clock the time conditions see as {@code request.time}
   */
  public AccessControl(
      AccessConfig config, PolicyStore jobPolicies, Predicate<String> jobExists, Clock clock) {
    this.config = config;
    this.validator = new PolicyValidator(config.roles());
    this.jobPolicies = jobPolicies;
    this.jobExists = jobExists;
    this.clock = clock;
  }

  /**
   * Throws unless {@code caller} holds {@code permission} on {@code resource} ({@code projects/P}
   * for create and list, {@code projects/P/jobs/J} otherwise).
   *
   * @throws PermissionDeniedException with the same message whether or not the resource exists
   */
  public void check(Principal caller, String permission, String resource) {
    if (!allows(caller, permission, resource)) {
      throw new PermissionDeniedException(permission, resource);
    }
  }

  /** Whether {@code caller} holds {@code permission} on {@code resource} now. */
  public boolean allows(Principal caller, String permission, String resource) {
    if (caller.isLocalOwner()) {
      return true;
    }
    Instant now = clock.instant();
    Set<String> memberships = caller.memberships();
    for (Policy policy : config.projectPolicies(ResourceNames.project(resource))) {
      if (grants(policy, memberships, permission, resource, now)) {
        return true;
      }
    }
    return ResourceNames.isJob(resource)
        && grants(jobPolicies.read(resource).policy(), memberships, permission, resource, now);
  }

  /**
   * {@code testIamPermissions}: those of {@code permissions} the caller holds on {@code resource};
   * none when the job does not exist. Needs no permission itself.
   *
   * @throws InvalidPolicyException naming {@code permissions[i]} for a wildcard or a malformed
   *     permission name
   */
  public List<String> testIamPermissions(
      Principal caller, String resource, List<String> permissions) {
    List<String> requested = permissions == null ? List.of() : permissions;
    for (int i = 0; i < requested.size(); i++) {
      String permission = requested.get(i);
      if (permission == null || !PERMISSION_NAME.matcher(permission).matches()) {
        throw new InvalidPolicyException(
            "permissions[" + i + "]",
            "\""
                + permission
                + "\" is not a permission name (service.resource.verb, no wildcards), such as"
                + " ml.jobs.get");
      }
    }
    if (ResourceNames.isJob(resource) && !jobExists.test(resource)) {
      return List.of();
    }
    Set<String> held = new LinkedHashSet<>();
    for (String permission : requested) {
      if (Permissions.ALL.contains(permission) && allows(caller, permission, resource)) {
        held.add(permission);
      }
    }
    return new ArrayList<>(held);
  }

  /**
   * {@code getIamPolicy} of a job, as the API shows it: with its current {@code etag}; version 3
   * with conditions only when {@code requestedPolicyVersion} is 3, otherwise version 1 with each
   * conditional binding's role marked {@code _withcond_} and its condition left out, as IAM does.
   *
   * @param requestedPolicyVersion {@code options.requestedPolicyVersion}: null, 0, 1 or 3
   * @throws InvalidPolicyException for another requested version
   * @throws PermissionDeniedException without {@code ml.jobs.getIamPolicy}
   * @throws ResourceNotFoundException when the job does not exist
   */
  public Policy getIamPolicy(Principal caller, String job, Integer requestedPolicyVersion) {
    int requested = requestedPolicyVersion == null ? 0 : requestedPolicyVersion;
    if (requested != 0 && requested != 1 && requested != 3) {
      throw new InvalidPolicyException(
          "options.requestedPolicyVersion",
          "policy version " + requested + " does not exist: request 0, 1 or 3");
    }
    check(caller, Permissions.GET_IAM_POLICY, job);
    requireExists(job);
    return render(jobPolicies.read(job), job, requested);
  }

  /**
   * {@code setIamPolicy} of a job: validates the policy, replaces the fields the update mask names
   * ({@code bindings,etag} by default), and returns the policy as now stored with its new etag. An
   * {@code etag} in the request (with {@code etag} in the mask) must be the current one.
   *
   * @throws InvalidPolicyException for a bad policy or mask, naming the culprit
   * @throws PermissionDeniedException without {@code ml.jobs.setIamPolicy}
   * @throws ResourceNotFoundException when the job does not exist
   * @throws PolicyConflictException when the etag is stale, also when a concurrent write with the
   *     same etag won
   */
  public Policy setIamPolicy(Principal caller, String job, SetIamPolicyRequest request) {
    if (request == null || request.policy == null) {
      throw new InvalidPolicyException("policy", "setIamPolicy needs a policy");
    }
    Set<String> mask = updateMask(request.updateMask);
    check(caller, Permissions.SET_IAM_POLICY, job);
    requireExists(job);
    Policy incoming = validator.validate(request.policy, ResourceNames.project(job), "policy");
    String etag = request.policy.etag;
    boolean guarded = mask.contains("etag") && etag != null && !etag.isEmpty();
    while (true) {
      PolicyStore.Versioned current = jobPolicies.read(job);
      if (guarded && !etag.equals(etag(job, current.revision()))) {
        throw new PolicyConflictException(job);
      }
      Policy next = current.policy().copy();
      next.etag = null;
      if (mask.contains("bindings")) {
        next.bindings = incoming.bindings;
      }
      if (mask.contains("auditConfigs")) {
        next.auditConfigs = incoming.auditConfigs;
      }
      next.version = next.hasConditions() ? 3 : 1;
      if (jobPolicies.compareAndSet(job, current.revision(), next)) {
        return render(new PolicyStore.Versioned(current.revision() + 1, next), job, 3);
      }
      if (guarded) {
        throw new PolicyConflictException(job);
      }
      // No etag: the caller asked to overwrite whatever is there; read again and retry.
    }
  }

  /**
   * Makes {@code creator} {@code roles/ml.jobOwner} of a job it has just created, keeping any
   * bindings already there.
   *
   * @return the job's policy as now stored
   */
  public Policy grantCreator(Principal creator, String job) {
    while (true) {
      PolicyStore.Versioned current = jobPolicies.read(job);
      Policy next = current.policy().copy();
      next.etag = null;
      Policy.Binding owners =
          next.bindings.stream()
              .filter(b -> Roles.JOB_OWNER.equals(b.role) && b.condition == null)
              .findFirst()
              .orElseGet(
                  () -> {
                    Policy.Binding added = new Policy.Binding(Roles.JOB_OWNER, List.of());
                    next.bindings.add(added);
                    return added;
                  });
      if (!owners.members.contains(creator.member())) {
        owners.members.add(creator.member());
      }
      next.version = next.hasConditions() ? 3 : 1;
      if (jobPolicies.compareAndSet(job, current.revision(), next)) {
        return render(new PolicyStore.Versioned(current.revision() + 1, next), job, 3);
      }
    }
  }

  /**
   * The fields an update mask names; {@code bindings,etag} when it is empty.
   *
   * @throws InvalidPolicyException naming {@code updateMask} for a field that cannot be updated
   */
  public static Set<String> updateMask(String updateMask) {
    if (updateMask == null || updateMask.isBlank()) {
      return DEFAULT_MASK;
    }
    Set<String> fields = new LinkedHashSet<>();
    for (String field : updateMask.split(",")) {
      String name = field.strip();
      if (!MASKABLE.contains(name)) {
        throw new InvalidPolicyException(
            "updateMask",
            "\"" + name + "\" cannot be updated: the mask may name bindings, etag, auditConfigs");
      }
      fields.add(name);
    }
    return fields;
  }

  /**
   * The etag of revision {@code revision} of {@code resource}'s policy: opaque, different for every
   * write, so a read-modify-write can tell that somebody else wrote in between.
   */
  public static String etag(String resource, long revision) {
    byte[] digest = sha256(resource + "\n" + revision);
    return Base64.getEncoder().encodeToString(Arrays.copyOf(digest, 9));
  }

  private void requireExists(String job) {
    if (!jobExists.test(job)) {
      throw new ResourceNotFoundException(job);
    }
  }

  private boolean grants(
      Policy policy, Set<String> memberships, String permission, String resource, Instant now) {
    if (policy.bindings == null) {
      return false;
    }
    for (Policy.Binding binding : policy.bindings) {
      boolean roleGrants =
          config.roles().permissions(binding.role).map(p -> p.contains(permission)).orElse(false);
      if (roleGrants
          && binding.members != null
          && binding.members.stream().map(Members::normalize).anyMatch(memberships::contains)
          && (binding.condition == null
              || Conditions.holds(binding.condition.expression, now, resource))) {
        return true;
      }
    }
    return false;
  }

  private static Policy render(PolicyStore.Versioned stored, String resource, int requested) {
    Policy shown = stored.policy().copy();
    shown.etag = etag(resource, stored.revision());
    if (shown.hasConditions() && requested < 3) {
      for (Policy.Binding binding : shown.bindings) {
        if (binding.condition != null) {
          String hash = HexFormat.of().formatHex(sha256(binding.condition.expression));
          binding.role = binding.role + "_withcond_" + hash.substring(0, 20);
          binding.condition = null;
        }
      }
      shown.version = 1;
    } else {
      shown.version = shown.hasConditions() ? 3 : 1;
    }
    return shown;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }
}
