package org.batchpredict.iam;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Bearer tokens and the principals they stand for. Only the SHA-256 of each token is kept, so the
 * file holding them reveals no token; a presented token is hashed and compared with every entry in
 * constant time. Neither this class nor its {@code toString} ever holds or prints a token.
 *
 * <p>The token file is JSON (the same list may also sit inline in {@code access.json}):
 *
 * <pre>
 * {"tokens": [
 *   {"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
 *    "principal": "user:alice@example.com",
 *    "groups": ["group:ml-team@example.com"]}
 * ]}
 * </pre>
 *
 * Hash a token with {@code batch-predict hash-token} (reads it from stdin) or {@code printf %s
 * "$TOKEN" | sha256sum}.
 */
public final class TokenStore {
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  private record Entry(byte[] hash, Principal principal) {}

  private final List<Entry> entries;

  private TokenStore(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * Reads a token file.
   *
   * @throws InvalidPolicyException naming the file and the bad entry ({@code tokens[1].sha256})
   */
  public static TokenStore load(Path file) {
    JsonNode root;
    try {
      root = IamJson.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new InvalidPolicyException(
          file.toString(), "cannot read the token file: " + e.getMessage());
    }
    if (root == null || !root.isObject() || !root.path("tokens").isArray()) {
      throw new InvalidPolicyException(
          file.toString(), "expected a JSON object {\"tokens\": [{\"sha256\": ..., ...}]}");
    }
    return fromJson(root.get("tokens"), file + ": tokens");
  }

  /** Reads a JSON array of token entries; {@code field} prefixes the culprit in errors. */
  static TokenStore fromJson(JsonNode tokens, String field) {
    List<Entry> entries = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < tokens.size(); i++) {
      JsonNode token = tokens.get(i);
      String at = field + "[" + i + "]";
      for (var names = token.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!Set.of("sha256", "principal", "groups").contains(name)) {
          throw new InvalidPolicyException(
              at + "." + name, "unknown field: expected sha256, principal, groups");
        }
      }
      String hash = token.path("sha256").asText("");
      if (!SHA256_HEX.matcher(hash).matches()) {
        throw new InvalidPolicyException(
            at + ".sha256",
            "expected the token's SHA-256 as 64 lower-case hex digits (batch-predict hash-token)");
      }
      if (!seen.add(hash)) {
        throw new InvalidPolicyException(at + ".sha256", "the same token is listed twice");
      }
      Set<String> groups = new LinkedHashSet<>();
      token.path("groups").forEach(group -> groups.add(group.asText()));
      Principal principal;
      try {
        principal = Principal.of(token.path("principal").asText(null), groups);
      } catch (InvalidPolicyException e) {
        throw new InvalidPolicyException(at + "." + e.field(), e.getMessage());
      }
      entries.add(new Entry(HexFormat.of().parseHex(hash), principal));
    }
    return new TokenStore(entries);
  }

  /** A store of one principal per raw token; for tests and tools that mint tokens. */
  public static TokenStore ofTokens(java.util.Map<String, Principal> tokens) {
    List<Entry> entries = new ArrayList<>();
    tokens.forEach((token, principal) -> entries.add(new Entry(sha256(token), principal)));
    return new TokenStore(entries);
  }

  /** This store and {@code other} together. */
  TokenStore with(TokenStore other) {
    List<Entry> all = new ArrayList<>(entries);
    all.addAll(other.entries);
    return new TokenStore(all);
  }

  /** The principal {@code token} stands for; looks at every entry whatever matches. */
  public Optional<Principal> lookup(String token) {
    byte[] presented = sha256(token);
    Principal found = null;
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(entry.hash(), presented) && found == null) {
        found = entry.principal();
      }
    }
    return Optional.ofNullable(found);
  }

  public int size() {
    return entries.size();
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The hex SHA-256 of a token's UTF-8 bytes: what the token file stores. */
  public static String sha256Hex(String token) {
    return HexFormat.of().formatHex(sha256(token));
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "TokenStore[" + entries.size() + " token(s)]";
  }
}
