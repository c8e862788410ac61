package org.batchpredict.iam;

import static org.batchpredict.iam.Permissions.CANCEL;
import static org.batchpredict.iam.Permissions.CREATE;
import static org.batchpredict.iam.Permissions.GET;
import static org.batchpredict.iam.Permissions.GET_IAM_POLICY;
import static org.batchpredict.iam.Permissions.LIST;
import static org.batchpredict.iam.Permissions.UPDATE;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The roles a binding may name and the job permissions each grants: the predefined {@code
 * roles/ml.*} roles, the basic roles {@code roles/owner}, {@code roles/editor} and {@code
 * roles/viewer}, and custom roles {@code projects/P/roles/R} from the access configuration.
 *
 * <pre>
 * Roles roles = Roles.withCustom(Map.of("projects/p/roles/watcher", Set.of("ml.jobs.get")));
 * roles.permissions("roles/ml.viewer"); // [ml.jobs.get, ml.jobs.getIamPolicy, ml.jobs.list]
 * </pre>
 */
public final class Roles {
  /** The role a job's creator gets on the job. */
  public static final String JOB_OWNER = "roles/ml.jobOwner";

  private static final Set<String> ALL = Set.copyOf(Permissions.ALL);
  private static final Set<String> ALL_BUT_SET_POLICY =
      Set.of(CREATE, GET, LIST, CANCEL, UPDATE, GET_IAM_POLICY);
  private static final Set<String> READ = Set.of(GET, GET_IAM_POLICY, LIST);

  /** Predefined and basic roles, as in the reference. */
  public static final Map<String, Set<String>> BUILT_IN = builtIn();

  private static final Pattern CUSTOM_ROLE =
      Pattern.compile("projects/([a-z][a-z0-9-]{0,62})/roles/([A-Za-z0-9_.]{3,64})");

  private final Map<String, Set<String>> custom;

  private Roles(Map<String, Set<String>> custom) {
    this.custom = custom;
  }

  /** The built-in roles only. */
  public static Roles builtInOnly() {
    return new Roles(Map.of());
  }

  /**
   * The built-in roles plus {@code custom} (role name to permissions).
   *
   * @throws InvalidPolicyException naming {@code customRoles.NAME} when a name is not {@code
   *     projects/P/roles/R} or a permission is not a job permission
   */
  public static Roles withCustom(Map<String, ? extends Iterable<String>> custom) {
    Map<String, Set<String>> checked = new LinkedHashMap<>();
    for (Map.Entry<String, ? extends Iterable<String>> role : custom.entrySet()) {
      String field = "customRoles." + role.getKey();
      if (!CUSTOM_ROLE.matcher(role.getKey()).matches()) {
        throw new InvalidPolicyException(
            field,
            "a custom role is named projects/PROJECT/roles/ROLE_ID (ROLE_ID: 3 to 64 letters,"
                + " digits, '_' or '.')");
      }
      Set<String> permissions = new LinkedHashSet<>();
      for (String permission : role.getValue()) {
        if (!ALL.contains(permission)) {
          throw new InvalidPolicyException(
              field,
              "unknown permission \"" + permission + "\": expected some of " + Permissions.ALL);
        }
        permissions.add(permission);
      }
      checked.put(role.getKey(), Set.copyOf(permissions));
    }
    return new Roles(Map.copyOf(checked));
  }

  /** The permissions {@code role} grants, or empty when no such role is known. */
  public Optional<Set<String>> permissions(String role) {
    Set<String> found = BUILT_IN.get(role);
    return Optional.ofNullable(found != null ? found : custom.get(role));
  }

  public boolean isKnown(String role) {
    return BUILT_IN.containsKey(role) || custom.containsKey(role);
  }

  /** The project a custom role belongs to, or empty for a built-in or malformed name. */
  static Optional<String> customRoleProject(String role) {
    var matcher = CUSTOM_ROLE.matcher(role);
    return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  private static Map<String, Set<String>> builtIn() {
    Map<String, Set<String>> roles = new LinkedHashMap<>();
    roles.put("roles/ml.admin", ALL);
    roles.put("roles/ml.editor", ALL_BUT_SET_POLICY);
    roles.put("roles/ml.developer", Set.of(CREATE, GET, GET_IAM_POLICY, LIST));
    roles.put("roles/ml.viewer", READ);
    roles.put(JOB_OWNER, ALL);
    roles.put("roles/owner", ALL);
    roles.put("roles/editor", ALL_BUT_SET_POLICY);
    roles.put("roles/viewer", READ);
    return Map.copyOf(roles);
  }
}
