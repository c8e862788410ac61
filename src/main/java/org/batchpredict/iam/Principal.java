package org.batchpredict.iam;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An authenticated caller: one member string ({@code user:alice@example.com} or {@code
 * serviceAccount:robot@p.iam.gserviceaccount.com}) and the groups it belongs to ({@code
 * group:ml-team@example.com}). Members are matched against bindings in lower case, as IAM compares
 * emails.
 *
 * <p>{@link #localOwner()} is the one caller of a server on loopback without tokens: it owns every
 * project.
 */
public final class Principal {
  /** The member of {@link #localOwner()}. */
  public static final String LOCAL_OWNER_MEMBER = "user:local-owner@localhost";

  private static final Principal LOCAL_OWNER = new Principal(LOCAL_OWNER_MEMBER, Set.of(), true);

  private final String member;
  private final Set<String> groups;
  private final boolean localOwner;

  private Principal(String member, Set<String> groups, boolean localOwner) {
    this.member = member;
    this.groups = groups;
    this.localOwner = localOwner;
  }

  /**
   * A user or service account and its groups.
   *
   * @throws InvalidPolicyException when {@code member} is not a well-formed {@code user:} or {@code
   *     serviceAccount:} member, or a group not a well-formed {@code group:} member
   */
  public static Principal of(String member, Set<String> groups) {
    if (member == null
        || !(member.startsWith("user:") || member.startsWith("serviceAccount:"))
        || !Members.isValid(member)) {
      throw new InvalidPolicyException(
          "principal",
          "\"" + member + "\" is not a caller: expected user:EMAIL or serviceAccount:EMAIL");
    }
    Set<String> checkedGroups = new LinkedHashSet<>();
    for (String group : groups) {
      if (group == null || !group.startsWith("group:") || !Members.isValid(group)) {
        throw new InvalidPolicyException(
            "groups", "\"" + group + "\" is not a group: expected group:EMAIL");
      }
      checkedGroups.add(group);
    }
    return new Principal(member, Set.copyOf(checkedGroups), false);
  }

  /** The owner of every project when the server runs on loopback without a token file. */
  public static Principal localOwner() {
    return LOCAL_OWNER;
  }

  /**
   * The member string, such as {@code user:alice@example.com}; this is what the audit log shows.
   */
  public String member() {
    return member;
  }

  public Set<String> groups() {
    return groups;
  }

  public boolean isLocalOwner() {
    return localOwner;
  }

  /**
   * Every binding member that stands for this caller: itself, its groups, {@code domain:} of its
   * email, {@code allAuthenticatedUsers} and {@code allUsers}; all in the form of {@link
   * Members#normalize}.
   */
  Set<String> memberships() {
    Set<String> all = new LinkedHashSet<>();
    all.add(Members.normalize(member));
    groups.forEach(group -> all.add(Members.normalize(group)));
    int at = member.lastIndexOf('@');
    if (at > 0) {
      all.add(Members.normalize("domain:" + member.substring(at + 1)));
    }
    all.add(Members.ALL_AUTHENTICATED_USERS);
    all.add(Members.ALL_USERS);
    return all;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Principal that
        && member.equals(that.member)
        && groups.equals(that.groups)
        && localOwner == that.localOwner;
  }

  @Override
  public int hashCode() {
    return member.hashCode() * 31 + groups.hashCode();
  }

  @Override
  public String toString() {
    return groups.isEmpty() ? member : member + " " + groups;
  }
}
