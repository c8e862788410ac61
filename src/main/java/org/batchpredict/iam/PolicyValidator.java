package org.batchpredict.iam;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a policy against the rules of IAM and returns it in stored form; the first broken rule is
 * an {@link InvalidPolicyException} that names its culprit, such as {@code
 * policy.bindings[2].members[0]}.
 *
 * <ul>
 *   <li>{@code version} is 0, 1 or 3; a policy with a conditional binding must be version 3.
 *   <li>Every binding names a known role: predefined, basic, or a custom role of the same project.
 *   <li>Every member is {@code user:}, {@code serviceAccount:}, {@code group:} with an email,
 *       {@code domain:} with a domain, {@code allUsers}, {@code allAuthenticatedUsers}, or a {@code
 *       deleted:} form.
 *   <li>A condition has an expression that compiles as a boolean CEL expression.
 *   <li>Audit configs name a service, and log types are {@code ADMIN_READ}, {@code DATA_WRITE} or
 *       {@code DATA_READ}.
 * </ul>
 *
 * The stored form drops bindings left without members and repeated members, and its version is 3
 * when it has conditions and 1 otherwise.
 */
public final class PolicyValidator {
  private static final Set<String> LOG_TYPES = Set.of("ADMIN_READ", "DATA_WRITE", "DATA_READ");

  private final Roles roles;

  public PolicyValidator(Roles roles) {
    this.roles = roles;
  }

  /**
   * The stored form of {@code policy} for a resource in {@code project}.
   *
   * @param project the project whose custom roles the policy may use; null for a policy that
   *     applies to every project
   * @param prefix how the caller names the policy in errors, such as {@code policy}
   */
  public Policy validate(Policy policy, String project, String prefix) {
    if (policy == null) {
      throw new InvalidPolicyException(prefix, "a policy is required");
    }
    int version = policy.version == null ? 0 : policy.version;
    if (version != 0 && version != 1 && version != 3) {
      throw new InvalidPolicyException(
          prefix + ".version", "policy version " + version + " does not exist: use 0, 1 or 3");
    }
    Policy stored = new Policy();
    stored.etag = policy.etag;
    List<Policy.Binding> bindings = policy.bindings == null ? List.of() : policy.bindings;
    for (int i = 0; i < bindings.size(); i++) {
      Policy.Binding binding = checkBinding(bindings.get(i), project, version, prefix, i);
      if (!binding.members.isEmpty()) {
        stored.bindings.add(binding);
      }
    }
    List<Policy.AuditConfig> configs =
        policy.auditConfigs == null ? List.of() : policy.auditConfigs;
    for (int i = 0; i < configs.size(); i++) {
      stored.auditConfigs.add(
          checkAuditConfig(configs.get(i), prefix + ".auditConfigs[" + i + "]"));
    }
    stored.version = stored.hasConditions() ? 3 : 1;
    return stored;
  }

  private Policy.Binding checkBinding(
      Policy.Binding binding, String project, int version, String prefix, int index) {
    String at = prefix + ".bindings[" + index + "]";
    if (binding == null) {
      throw new InvalidPolicyException(at, "a binding cannot be null");
    }
    if (binding.role == null || binding.role.isBlank()) {
      throw new InvalidPolicyException(at + ".role", "a binding needs a role");
    }
    if (!roles.isKnown(binding.role)) {
      throw new InvalidPolicyException(
          at + ".role",
          "unknown role \""
              + binding.role
              + "\": expected one of "
              + Roles.BUILT_IN.keySet().stream().sorted().toList()
              + " or a custom role projects/"
              + (project == null ? "PROJECT" : project)
              + "/roles/ID from the access configuration");
    }
    Roles.customRoleProject(binding.role)
        .filter(owner -> project != null && !owner.equals(project))
        .ifPresent(
            owner -> {
              throw new InvalidPolicyException(
                  at + ".role",
                  "custom role "
                      + binding.role
                      + " belongs to project "
                      + owner
                      + ", not "
                      + project);
            });
    Set<String> members = new LinkedHashSet<>();
    List<String> given = binding.members == null ? List.of() : binding.members;
    for (int m = 0; m < given.size(); m++) {
      String member = given.get(m);
      if (!Members.isValid(member)) {
        throw new InvalidPolicyException(
            at + ".members[" + m + "]", "invalid member \"" + member + "\": " + Members.EXPECTED);
      }
      members.add(member);
    }
    Policy.Binding stored = new Policy.Binding(binding.role, new ArrayList<>(members));
    if (binding.condition != null) {
      if (version != 3) {
        throw new InvalidPolicyException(
            at + ".condition",
            "a conditional binding needs policy version 3, and this policy is version "
                + version
                + ": set \"version\": 3");
      }
      String expression = binding.condition.expression;
      if (expression == null || expression.isBlank()) {
        throw new InvalidPolicyException(
            at + ".condition.expression", "a condition needs a CEL expression");
      }
      Conditions.compileError(expression)
          .ifPresent(
              error -> {
                throw new InvalidPolicyException(
                    at + ".condition.expression",
                    "the condition does not compile as a boolean CEL expression: " + error);
              });
      stored.condition = binding.condition.copy();
    }
    return stored;
  }

  private static Policy.AuditConfig checkAuditConfig(Policy.AuditConfig config, String at) {
    if (config == null || config.service == null || config.service.isBlank()) {
      throw new InvalidPolicyException(
          at + ".service", "an audit config names a service, such as allServices");
    }
    List<Policy.AuditLogConfig> logs =
        config.auditLogConfigs == null ? List.of() : config.auditLogConfigs;
    for (int i = 0; i < logs.size(); i++) {
      Policy.AuditLogConfig log = logs.get(i);
      String logAt = at + ".auditLogConfigs[" + i + "]";
      if (log == null || !LOG_TYPES.contains(log.logType)) {
        throw new InvalidPolicyException(
            logAt + ".logType",
            "unknown log type \""
                + (log == null ? null : log.logType)
                + "\": expected ADMIN_READ, DATA_WRITE or DATA_READ");
      }
      List<String> exempted = log.exemptedMembers == null ? List.of() : log.exemptedMembers;
      for (int m = 0; m < exempted.size(); m++) {
        if (!Members.isValid(exempted.get(m))) {
          throw new InvalidPolicyException(
              logAt + ".exemptedMembers[" + m + "]",
              "invalid member \"" + exempted.get(m) + "\": " + Members.EXPECTED);
        }
      }
    }
    return config.copy();
  }
}
