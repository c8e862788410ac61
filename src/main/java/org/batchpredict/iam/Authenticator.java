package org.batchpredict.iam;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a request's {@code Authorization} header into a {@link Principal}.
 *
 * <p>With tokens configured, every request must carry {@code Authorization: Bearer TOKEN} with a
 * known token; anything else is an {@link UnauthenticatedException}. Without tokens the server may
 * only listen on loopback ({@link #requireTokenFileUnlessLoopback}), and every request, with or
 * without a header, acts as {@link Principal#localOwner()}: the clients of this API send their own
 * credentials, which such a server has nothing to check against.
 *
 * <pre>
 * Authenticator auth = Authenticator.forServer(bindAddress, config.tokens());
 * Principal caller = auth.authenticate(request.getHeaders().get("Authorization"));
 * </pre>
 */
public final class Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

  /** RFC 6750 b64token: the characters a bearer token may hold. */
  private static final Pattern TOKEN68 = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*");

  private final Optional<TokenStore> tokens;

  private Authenticator(Optional<TokenStore> tokens) {
    this.tokens = tokens;
  }

  /** Requires a known bearer token on every request. */
  public static Authenticator withTokens(TokenStore tokens) {
    return new Authenticator(Optional.of(tokens));
  }

  /** Every request acts as the local owner. Only for a server bound to loopback. */
  public static Authenticator localOwnerOnly() {
    return new Authenticator(Optional.empty());
  }

  /**
   * The authenticator of a server bound to {@code bindAddress}: tokens when there are any;
   * otherwise, on loopback only, the local owner, which it says in the log.
   *
   * @param tokens empty when the access configuration names no token file and no inline tokens
   * @throws IllegalStateException when there are no tokens and the address is not loopback
   */
  public static Authenticator forServer(InetAddress bindAddress, Optional<TokenStore> tokens) {
    requireTokenFileUnlessLoopback(bindAddress, tokens.isPresent());
    if (tokens.isPresent()) {
      LOG.info("Access control: {} bearer token(s) configured", tokens.get().size());
      return withTokens(tokens.get());
    }
    LOG.info(
        "Access control: no token file, so every request acts as {}, owner of every project."
            + " This is allowed only because the server listens on loopback ({}).",
        Principal.LOCAL_OWNER_MEMBER,
        bindAddress.getHostAddress());
    return localOwnerOnly();
  }

  /**
   * Refuses to serve without tokens on anything but loopback: called by {@code serve} before it
   * binds.
   *
   * @param bindAddress the host or address the server listens on, such as {@code 127.0.0.1} or
   *     {@code 0.0.0.0}
   * @throws IllegalStateException naming the address and the fix
   */
  public static void requireTokenFileUnlessLoopback(String bindAddress, boolean hasTokens) {
    try {
      requireTokenFileUnlessLoopback(InetAddress.getByName(bindAddress), hasTokens);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("Cannot resolve the bind address \"" + bindAddress + "\"", e);
    }
  }

  /** As {@link #requireTokenFileUnlessLoopback(String, boolean)}. */
  public static void requireTokenFileUnlessLoopback(InetAddress bindAddress, boolean hasTokens) {
    if (!hasTokens && !bindAddress.isLoopbackAddress()) {
      throw new IllegalStateException(
          "Refusing to listen on "
              + bindAddress.getHostAddress()
              + " without a token file: anyone who can reach it could run and read jobs. Name a"
              + " token file in the access configuration (\"tokenFile\" in access.json), or"
              + " listen on 127.0.0.1.");
    }
  }

  /** True when every caller is the local owner. */
  public boolean isLocalOwnerOnly() {
    return tokens.isEmpty();
  }

  /**
   * The caller a request's {@code Authorization} header names.
   *
   * @param authorization the raw header value, null when the request has none
   * @throws UnauthenticatedException for a missing, malformed or unknown token; the message never
   *     contains the token
   */
  public Principal authenticate(String authorization) {
    if (tokens.isEmpty()) {
      return Principal.localOwner();
    }
    if (authorization == null || authorization.isBlank()) {
      throw new UnauthenticatedException(
          "Missing credentials: send the header \"Authorization: Bearer TOKEN\".");
    }
    String value = authorization.strip();
    int space = value.indexOf(' ');
    String scheme = space < 0 ? value : value.substring(0, space);
    if (!scheme.equalsIgnoreCase("Bearer")) {
      String shown =
          SCHEME.matcher(scheme).matches() && scheme.length() <= 20 && space >= 0
              ? "\"" + scheme + "\""
              : "in the Authorization header";
      throw new UnauthenticatedException(
          "Unsupported authorization scheme "
              + shown
              + ": send the header \"Authorization: Bearer TOKEN\".");
    }
    String token = space < 0 ? "" : value.substring(space + 1).strip();
    if (token.isEmpty()) {
      throw new UnauthenticatedException(
          "Empty bearer token: send the header \"Authorization: Bearer TOKEN\".");
    }
    if (!TOKEN68.matcher(token).matches()) {
      throw new UnauthenticatedException(
          "Malformed bearer token: a token is one word of letters, digits and -._~+/ (RFC 6750).");
    }
    return tokens
        .get()
        .lookup(token)
        .orElseThrow(
            () ->
                new UnauthenticatedException(
                    "Invalid credentials: the bearer token is not known to this server."));
  }

  @Override
  public String toString() {
    return tokens.map(store -> "Authenticator[" + store + "]").orElse("Authenticator[local owner]");
  }
}
