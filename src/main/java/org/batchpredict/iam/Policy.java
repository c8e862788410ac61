package org.batchpredict.iam;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The API's IAM {@code Policy}, field for field: {@code version}, {@code bindings} of a role to
 * members with an optional {@code condition}, {@code auditConfigs}, and the {@code etag} that
 * guards read-modify-write. Mutable like the other resource classes; {@link #copy()} before
 * changing one that is shared.
 *
 * <pre>
 * {"version": 3, "etag": "BwXhqDyW3nM=",
 *  "bindings": [{"role": "roles/ml.viewer", "members": ["group:ml@example.com"],
 *                "condition": {"title": "until June",
 *                              "expression": "request.time &lt; timestamp('2030-06-01T00:00:00Z')"}}]}
 * </pre>
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public final class Policy {
  public Integer version;
  public List<Binding> bindings = new ArrayList<>();
  public List<AuditConfig> auditConfigs = new ArrayList<>();
  public String etag;

  /** Members who hold a role, if the condition holds. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public static final class Binding {
    public String role;
    public List<String> members = new ArrayList<>();
    public Expr condition;

    public Binding() {}

    public Binding(String role, List<String> members) {
      this.role = role;
      this.members = new ArrayList<>(members);
    }

    Binding copy() {
      Binding copy = new Binding(role, members == null ? List.of() : members);
      copy.condition = condition == null ? null : condition.copy();
      return copy;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Binding that
          && Objects.equals(role, that.role)
          && Objects.equals(members, that.members)
          && Objects.equals(condition, that.condition);
    }

    @Override
    public int hashCode() {
      return Objects.hash(role, members, condition);
    }
  }

  /** A condition: a CEL {@code expression} plus descriptive fields. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public static final class Expr {
    public String expression;
    public String title;
    public String description;
    public String location;

    public Expr() {}

    public Expr(String expression, String title) {
      this.expression = expression;
      this.title = title;
    }

    Expr copy() {
      Expr copy = new Expr(expression, title);
      copy.description = description;
      copy.location = location;
      return copy;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Expr that
          && Objects.equals(expression, that.expression)
          && Objects.equals(title, that.title)
          && Objects.equals(description, that.description)
          && Objects.equals(location, that.location);
    }

    @Override
    public int hashCode() {
      return Objects.hash(expression, title, description, location);
    }
  }

  /** Which kinds of access a service logs; kept and returned, as the API does. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public static final class AuditConfig {
    public String service;
    public List<AuditLogConfig> auditLogConfigs = new ArrayList<>();

    AuditConfig copy() {
      AuditConfig copy = new AuditConfig();
      copy.service = service;
      copy.auditLogConfigs = new ArrayList<>();
      if (auditLogConfigs != null) {
        auditLogConfigs.forEach(config -> copy.auditLogConfigs.add(config.copy()));
      }
      return copy;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof AuditConfig that
          && Objects.equals(service, that.service)
          && Objects.equals(auditLogConfigs, that.auditLogConfigs);
    }

    @Override
    public int hashCode() {
      return Objects.hash(service, auditLogConfigs);
    }
  }

  /**
   * One log type ({@code ADMIN_READ}, {@code DATA_WRITE}, {@code DATA_READ}) and its exemptions.
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public static final class AuditLogConfig {
    public String logType;
    public List<String> exemptedMembers = new ArrayList<>();

    AuditLogConfig copy() {
      AuditLogConfig copy = new AuditLogConfig();
      copy.logType = logType;
      copy.exemptedMembers =
          exemptedMembers == null ? new ArrayList<>() : new ArrayList<>(exemptedMembers);
      return copy;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof AuditLogConfig that
          && Objects.equals(logType, that.logType)
          && Objects.equals(exemptedMembers, that.exemptedMembers);
    }

    @Override
    public int hashCode() {
      return Objects.hash(logType, exemptedMembers);
    }
  }

  /** A deep copy. */
  public Policy copy() {
    Policy copy = new Policy();
    copy.version = version;
    copy.etag = etag;
    if (bindings != null) {
      bindings.forEach(binding -> copy.bindings.add(binding.copy()));
    }
    if (auditConfigs != null) {
      auditConfigs.forEach(config -> copy.auditConfigs.add(config.copy()));
    }
    return copy;
  }

  /** True when some binding has a condition; such a policy is version 3. */
  public boolean hasConditions() {
    return bindings != null && bindings.stream().anyMatch(binding -> binding.condition != null);
  }

  /** The API JSON of this policy. */
  public String toJson() {
    try {
      return IamJson.MAPPER.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A Policy always serializes", e);
    }
  }

  /**
   * Reads a policy from its API JSON.
   *
   * @throws InvalidPolicyException naming the field that does not fit
   */
  public static Policy fromJson(String json) {
    try {
      return IamJson.MAPPER.readValue(json, Policy.class);
    } catch (JsonProcessingException e) {
      throw JsonErrors.invalid("policy", e);
    }
  }
}
