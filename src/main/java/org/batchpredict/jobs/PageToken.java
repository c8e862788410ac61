package org.batchpredict.jobs;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * The opaque {@code pageToken} of {@code jobs.list}: where the previous page stopped in creation
 * order, and a hash of the filter it was made for. Pages walk from newest to oldest, so jobs
 * created after the first page neither shift nor repeat the later pages.
 */
public final class PageToken {
  private PageToken() {}

  /** The token of the page that starts after the job created as {@code lastSeq}. */
  public static String encode(long lastSeq, String filter) {
    String plain = "v1:" + lastSeq + ":" + Integer.toHexString(hash(filter));
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The creation sequence number a token continues after.
   *
   * @throws IllegalArgumentException when the token is not one of ours or belongs to another filter
   */
  public static long decode(String token, String filter) {
    String[] parts;
    try {
      parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
    } catch (IllegalArgumentException e) {
      parts = new String[0];
    }
    if (parts.length != 3 || !parts[0].equals("v1") || !parts[1].matches("[0-9]{1,18}")) {
      throw new IllegalArgumentException(
          "Invalid pageToken \"" + token + "\": pass the nextPageToken of a previous list call");
    }
    if (!parts[2].equals(Integer.toHexString(hash(filter)))) {
      throw new IllegalArgumentException(
          "The pageToken belongs to a list call with another filter: send the same filter");
    }
    return Long.parseLong(parts[1]);
  }

  private static int hash(String filter) {
    return Objects.hashCode(filter == null || filter.isBlank() ? "" : filter.strip());
  }
}
