package org.batchpredict.iam;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The service's access configuration, {@code access.json}:
 *
 * <pre>
 * {
 *   "tokenFile": "tokens.json",
 *   "tokens": [{"sha256": "...", "principal": "serviceAccount:ci@p.iam.gserviceaccount.com"}],
 *   "customRoles": {"projects/p/roles/jobWatcher": ["ml.jobs.get", "ml.jobs.list"]},
 *   "projectPolicies": {
 *     "*": {"bindings": [{"role": "roles/ml.viewer", "members": ["domain:example.com"]}]},
 *     "p": {"bindings": [{"role": "roles/ml.admin", "members": ["user:alice@example.com"]}]}
 *   }
 * }
 * </pre>
 *
 * Every field is optional. {@code tokenFile} (relative to this file) and inline {@code tokens}
 * together are the bearer tokens ({@link TokenStore}); with neither, the server runs as the local
 * owner on loopback only. {@code projectPolicies} maps a project id to its project-level policy;
 * the policy under {@code "*"} applies to every project as well.
 */
public final class AccessConfig {
  private static final Set<String> FIELDS =
      Set.of("tokenFile", "tokens", "customRoles", "projectPolicies");

  private final Optional<TokenStore> tokens;
  private final Roles roles;
  private final Map<String, Policy> projectPolicies;

  private AccessConfig(
      Optional<TokenStore> tokens, Roles roles, Map<String, Policy> projectPolicies) {
    this.tokens = tokens;
    this.roles = roles;
    this.projectPolicies = projectPolicies;
  }

  /** No tokens, no custom roles, no project policies: the local owner alone. */
  public static AccessConfig localDefault() {
    return new AccessConfig(Optional.empty(), Roles.builtInOnly(), Map.of());
  }

  /** A configuration built in code. */
  public static AccessConfig of(
      Optional<TokenStore> tokens, Roles roles, Map<String, Policy> projectPolicies) {
    PolicyValidator validator = new PolicyValidator(roles);
    Map<String, Policy> checked = new LinkedHashMap<>();
    projectPolicies.forEach(
        (project, policy) ->
            checked.put(
                project,
                validator.validate(
                    policy, project.equals("*") ? null : project, "projectPolicies." + project)));
    return new AccessConfig(tokens, roles, Map.copyOf(checked));
  }

  /**
   * Reads {@code access.json}.
   *
   * @throws InvalidPolicyException naming the file and the field at fault
   */
  public static AccessConfig load(Path file) {
    JsonNode root;
    try {
      root = IamJson.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new InvalidPolicyException(
          file.toString(), "cannot read the access configuration: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidPolicyException(file.toString(), "expected a JSON object");
    }
    try {
      return fromJson(root, file.toAbsolutePath().getParent());
    } catch (InvalidPolicyException e) {
      throw new InvalidPolicyException(file + ": " + e.field(), stripField(e));
    }
  }

  private static AccessConfig fromJson(JsonNode root, Path directory) {
    for (var names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new InvalidPolicyException(
            name, "unknown field: expected tokenFile, tokens, customRoles, projectPolicies");
      }
    }

    // Tokens: from the token file and inline, both optional.
    TokenStore tokens = null;
    if (root.hasNonNull("tokenFile")) {
      tokens = TokenStore.load(directory.resolve(root.get("tokenFile").asText()));
    }
    if (root.has("tokens")) {
      if (!root.get("tokens").isArray()) {
        throw new InvalidPolicyException("tokens", "expected a list of token entries");
      }
      TokenStore inline = TokenStore.fromJson(root.get("tokens"), "tokens");
      tokens = tokens == null ? inline : tokens.with(inline);
    }

    Map<String, List<String>> custom = new LinkedHashMap<>();
    root.path("customRoles")
        .fields()
        .forEachRemaining(
            role -> {
              List<String> permissions = new ArrayList<>();
              role.getValue().forEach(permission -> permissions.add(permission.asText()));
              custom.put(role.getKey(), permissions);
            });
    Roles roles = Roles.withCustom(custom);

    Map<String, Policy> policies = new LinkedHashMap<>();
    var entries = root.path("projectPolicies").fields();
    while (entries.hasNext()) {
      var entry = entries.next();
      try {
        policies.put(entry.getKey(), IamJson.MAPPER.treeToValue(entry.getValue(), Policy.class));
      } catch (IOException e) {
        throw new InvalidPolicyException(
            "projectPolicies." + entry.getKey(), "not a policy: " + e.getMessage());
      }
    }
    return of(Optional.ofNullable(tokens), roles, policies);
  }

  private static String stripField(InvalidPolicyException e) {
    String prefix = e.field() + ": ";
    return e.getMessage().startsWith(prefix)
        ? e.getMessage().substring(prefix.length())
        : e.getMessage();
  }

  /** The bearer tokens, or empty when there are none (local owner on loopback). */
  public Optional<TokenStore> tokens() {
    return tokens;
  }

  public Roles roles() {
    return roles;
  }

  /** The policies that apply to every resource in {@code project}: its own and {@code "*"}. */
  List<Policy> projectPolicies(String project) {
    List<Policy> found = new ArrayList<>(2);
    Optional.ofNullable(projectPolicies.get("*")).ifPresent(found::add);
    Optional.ofNullable(projectPolicies.get(project)).ifPresent(found::add);
    return found;
  }

  @Override
  public String toString() {
    return "AccessConfig[tokens="
        + tokens.map(TokenStore::toString).orElse("none")
        + ", projects="
        + projectPolicies.keySet()
        + "]";
  }
}
