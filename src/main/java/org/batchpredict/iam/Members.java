package org.batchpredict.iam;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The syntax of policy members: {@code user:}, {@code serviceAccount:} and {@code group:} with an
 * email, {@code domain:} with a domain name, {@code allUsers}, {@code allAuthenticatedUsers}, and
 * the {@code deleted:user:EMAIL?uid=N} forms IAM shows for deleted accounts (kept, never matched).
 */
final class Members {
  static final String ALL_USERS = "allusers";
  static final String ALL_AUTHENTICATED_USERS = "allauthenticatedusers";

  private static final String DOMAIN =
      "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+";
  private static final Pattern EMAIL =
      Pattern.compile("[a-z0-9.!#$%&'*+/=^_`{|}~-]{1,64}@" + DOMAIN, Pattern.CASE_INSENSITIVE);
  private static final Pattern DOMAIN_NAME = Pattern.compile(DOMAIN, Pattern.CASE_INSENSITIVE);
  private static final Pattern DELETED =
      Pattern.compile(
          "deleted:(user|serviceaccount|group):(.+)\\?uid=[0-9]{1,32}", Pattern.CASE_INSENSITIVE);

  /** What a member may look like, for messages. */
  static final String EXPECTED =
      "expected user:EMAIL, serviceAccount:EMAIL, group:EMAIL, domain:DOMAIN, allUsers,"
          + " allAuthenticatedUsers or deleted:user:EMAIL?uid=ID";

  private Members() {}

  static boolean isValid(String member) {
    if (member == null) {
      return false;
    }
    String lower = member.toLowerCase(Locale.ROOT);
    if (lower.equals(ALL_USERS) && member.equals("allUsers")
        || lower.equals(ALL_AUTHENTICATED_USERS) && member.equals("allAuthenticatedUsers")) {
      return true;
    }
    if (lower.startsWith("deleted:")) {
      var matcher = DELETED.matcher(member);
      return matcher.matches() && EMAIL.matcher(matcher.group(2)).matches();
    }
    int colon = member.indexOf(':');
    if (colon < 0) {
      return false;
    }
    String kind = member.substring(0, colon);
    String value = member.substring(colon + 1);
    return switch (kind) {
      case "user", "serviceAccount", "group" -> EMAIL.matcher(value).matches();
      case "domain" -> DOMAIN_NAME.matcher(value).matches();
      default -> false;
    };
  }

  /** The form members are compared in: lower case (IAM emails are case-insensitive). */
  static String normalize(String member) {
    return member.toLowerCase(Locale.ROOT);
  }
}
