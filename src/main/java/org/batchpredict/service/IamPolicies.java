package org.batchpredict.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.batchpredict.jobs.JobJson;
import org.batchpredict.jobs.JobStore.StoredPolicy;

/**
 * The IAM policy JSON of a job ({@code version}, {@code bindings}, {@code auditConfigs}, {@code
 * etag}) and the request bodies of setIamPolicy and testIamPermissions: parsing, validation with
 * the field at fault, and the etag that guards read-modify-write.
 */
final class IamPolicies {
  /** A validated setIamPolicy request. */
  record SetRequest(ObjectNode policy, List<String> updateMask, String etag) {}

  private static final Set<String> REQUEST_FIELDS = Set.of("policy", "updateMask");
  private static final Set<String> POLICY_FIELDS =
      Set.of("version", "bindings", "auditConfigs", "etag");
  private static final Set<String> BINDING_FIELDS = Set.of("role", "members", "condition");
  private static final Set<String> CONDITION_FIELDS =
      Set.of("expression", "title", "description", "location");
  private static final Set<String> AUDIT_FIELDS = Set.of("service", "auditLogConfigs");
  private static final Set<String> AUDIT_LOG_FIELDS = Set.of("logType", "exemptedMembers");
  private static final Set<String> LOG_TYPES =
      Set.of("LOG_TYPE_UNSPECIFIED", "ADMIN_READ", "DATA_WRITE", "DATA_READ");
  private static final Set<String> MASK_PATHS =
      Set.of("bindings", "etag", "auditConfigs", "version");
  private static final Pattern MEMBER =
      Pattern.compile(
          "allUsers|allAuthenticatedUsers"
              + "|(user|serviceAccount|group|domain|principal|principalSet"
              + "|deleted:user|deleted:serviceAccount|deleted:group):.+");

  private IamPolicies() {}

  /** The etag of a policy's stored version; an empty policy has one too. */
  static String etag(StoredPolicy policy) {
    byte[] bytes = ByteBuffer.allocate(9).put((byte) 'P').putLong(policy.version()).array();
    return java.util.Base64.getEncoder().encodeToString(bytes);
  }

  /** The policy as returned to clients: the stored JSON, or an empty policy, with its etag. */
  static ObjectNode withEtag(StoredPolicy policy) {
    ObjectNode node = JobJson.MAPPER.createObjectNode();
    if (policy.json() != null) {
      try {
        node = (ObjectNode) JobJson.MAPPER.readTree(policy.json());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("A stored IAM policy is not JSON", e);
      }
    }
    node.put("etag", etag(policy));
    return node;
  }

  static SetRequest parseSetRequest(JsonNode request) {
    requireObject(request, "request body");
    onlyFields(request, REQUEST_FIELDS, "");
    JsonNode policy = request.get("policy");
    if (policy == null || policy.isNull()) {
      throw field("policy", "policy is required");
    }
    requireObject(policy, "policy");
    onlyFields(policy, POLICY_FIELDS, "policy.");

    List<String> mask = List.of("bindings", "etag");
    JsonNode maskNode = request.get("updateMask");
    if (maskNode != null && !maskNode.isNull()) {
      if (!maskNode.isTextual()) {
        throw field("updateMask", "updateMask must be a string such as \"bindings,etag\"");
      }
      mask = Arrays.stream(maskNode.asText().split(",")).map(String::strip).toList();
      for (String path : mask) {
        if (!MASK_PATHS.contains(path)) {
          throw field(
              "updateMask",
              "updateMask path \"" + path + "\" is not a policy field; use " + MASK_PATHS);
        }
      }
    }

    int version = 1;
    JsonNode versionNode = policy.get("version");
    if (versionNode != null && !versionNode.isNull()) {
      if (!versionNode.canConvertToInt()
          || !Set.of(0, 1, 3).contains(versionNode.asInt(-1))
          || !(versionNode.isIntegralNumber() || versionNode.isTextual())) {
        throw field("policy.version", "policy.version must be 0, 1 or 3, got " + versionNode);
      }
      version = versionNode.asInt();
    }
    boolean conditional = validateBindings(policy.get("bindings"));
    if (conditional && version != 3) {
      throw field(
          "policy.version",
          "A policy with a conditional binding must have version 3, got " + version);
    }
    validateAuditConfigs(policy.get("auditConfigs"));
    JsonNode etag = policy.get("etag");
    String etagText =
        etag == null || etag.isNull() || etag.asText().isEmpty() ? null : etag.asText();
    ObjectNode normalised = ((ObjectNode) policy).deepCopy();
    normalised.put("version", conditional ? 3 : version);
    return new SetRequest(normalised, mask, etagText);
  }

  /** The new stored policy: the current one with the fields of the mask taken from the request. */
  static ObjectNode merge(StoredPolicy current, SetRequest request) {
    ObjectNode merged = withEtag(current);
    merged.remove("etag");
    for (String path : List.of("bindings", "auditConfigs")) {
      if (request.updateMask().contains(path)) {
        JsonNode value = request.policy().get(path);
        if (value == null || value.isNull() || value.isEmpty()) {
          merged.remove(path);
        } else {
          merged.set(path, value);
        }
      }
    }
    merged.put("version", request.policy().get("version").asInt());
    return merged;
  }

  static List<String> parsePermissions(JsonNode request) {
    requireObject(request, "request body");
    onlyFields(request, Set.of("permissions"), "");
    JsonNode permissions = request.get("permissions");
    List<String> result = new ArrayList<>();
    if (permissions == null || permissions.isNull()) {
      return result;
    }
    if (!permissions.isArray()) {
      throw field("permissions", "permissions must be a list of strings");
    }
    for (JsonNode permission : permissions) {
      if (!permission.isTextual()) {
        throw field("permissions", "permissions must be a list of strings, got " + permission);
      }
      if (permission.asText().contains("*")) {
        throw field(
            "permissions",
            "Permissions with wildcards (" + permission.asText() + ") are not allowed");
      }
      result.add(permission.asText());
    }
    return result;
  }

  /** Validates the bindings and tells whether any has a condition. */
  private static boolean validateBindings(JsonNode bindings) {
    if (bindings == null || bindings.isNull()) {
      return false;
    }
    if (!bindings.isArray()) {
      throw field("policy.bindings", "policy.bindings must be a list");
    }
    boolean conditional = false;
    for (int i = 0; i < bindings.size(); i++) {
      String at = "policy.bindings[" + i + "]";
      JsonNode binding = bindings.get(i);
      requireObject(binding, at);
      onlyFields(binding, BINDING_FIELDS, at + ".");
      JsonNode role = binding.get("role");
      if (role == null || !role.isTextual() || !role.asText().contains("roles/")) {
        throw field(at + ".role", at + ".role is required, such as \"roles/ml.viewer\"");
      }
      JsonNode members = binding.get("members");
      if (members == null || !members.isArray() || members.isEmpty()) {
        throw field(at + ".members", at + ".members needs at least one member");
      }
      for (JsonNode member : members) {
        if (!member.isTextual() || !MEMBER.matcher(member.asText()).matches()) {
          throw field(
              at + ".members",
              "Invalid member "
                  + member
                  + " in "
                  + at
                  + ": expected user:EMAIL, serviceAccount:EMAIL, group:EMAIL, domain:DOMAIN,"
                  + " allUsers or allAuthenticatedUsers");
        }
      }
      JsonNode condition = binding.get("condition");
      if (condition != null && !condition.isNull()) {
        requireObject(condition, at + ".condition");
        onlyFields(condition, CONDITION_FIELDS, at + ".condition.");
        JsonNode expression = condition.get("expression");
        if (expression == null || !expression.isTextual() || expression.asText().isBlank()) {
          throw field(at + ".condition.expression", at + ".condition.expression is required");
        }
        conditional = true;
      }
    }
    return conditional;
  }

  private static void validateAuditConfigs(JsonNode configs) {
    if (configs == null || configs.isNull()) {
      return;
    }
    if (!configs.isArray()) {
      throw field("policy.auditConfigs", "policy.auditConfigs must be a list");
    }
    for (int i = 0; i < configs.size(); i++) {
      String at = "policy.auditConfigs[" + i + "]";
      requireObject(configs.get(i), at);
      onlyFields(configs.get(i), AUDIT_FIELDS, at + ".");
      JsonNode logs = configs.get(i).get("auditLogConfigs");
      if (logs == null || logs.isNull()) {
        continue;
      }
      if (!logs.isArray()) {
        throw field(at + ".auditLogConfigs", at + ".auditLogConfigs must be a list");
      }
      for (int j = 0; j < logs.size(); j++) {
        String logAt = at + ".auditLogConfigs[" + j + "]";
        requireObject(logs.get(j), logAt);
        onlyFields(logs.get(j), AUDIT_LOG_FIELDS, logAt + ".");
        JsonNode type = logs.get(j).get("logType");
        if (type != null && !LOG_TYPES.contains(type.asText())) {
          throw field(
              logAt + ".logType", "Invalid " + logAt + ".logType " + type + ": use " + LOG_TYPES);
        }
      }
    }
  }

  private static void requireObject(JsonNode node, String what) {
    if (node == null || !node.isObject()) {
      throw field(what, what + " must be a JSON object");
    }
  }

  private static void onlyFields(JsonNode node, Set<String> known, String prefix) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw field(
            prefix + name,
            "Invalid JSON payload received. Unknown name \""
                + name
                + "\""
                + (prefix.isEmpty() ? "" : " at '" + prefix.substring(0, prefix.length() - 1) + "'")
                + ": Cannot find field.");
      }
    }
  }

  private static ApiException field(String field, String message) {
    return new ApiException(ApiException.Status.INVALID_ARGUMENT, message, field);
  }
}
