package org.batchpredict.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthenticatorTest {
  private static final String TOKEN = "s3cr3t-Token_value.1";
  private static final Principal ALICE =
      Principal.of("user:alice@example.com", Set.of("group:ml-team@example.com"));

  private final Authenticator tokens =
      Authenticator.withTokens(TokenStore.ofTokens(Map.of(TOKEN, ALICE)));

  @Test
  void knownBearerTokenIsItsPrincipal() {
    assertThat(tokens.authenticate("Bearer " + TOKEN)).isEqualTo(ALICE);
    assertThat(tokens.authenticate("bearer " + TOKEN)).isEqualTo(ALICE);
  }

  @Test
  void missingOrEmptyHeaderIsUnauthenticated() {
    assertThatThrownBy(() -> tokens.authenticate(null))
        .isInstanceOf(UnauthenticatedException.class)
        .hasMessageContaining("Missing credentials");
    assertThatThrownBy(() -> tokens.authenticate("  "))
        .isInstanceOf(UnauthenticatedException.class)
        .hasMessageContaining("Missing credentials");
  }

  @Test
  void unknownTokenIsUnauthenticatedWithoutEchoingIt() {
    assertThatThrownBy(() -> tokens.authenticate("Bearer not-the-token"))
        .isInstanceOf(UnauthenticatedException.class)
        .hasMessageContaining("not known")
        .hasMessageNotContaining("not-the-token");
  }

  @Test
  void bearerWithoutTokenIsUnauthenticated() {
    assertThatThrownBy(() -> tokens.authenticate("Bearer"))
        .isInstanceOf(UnauthenticatedException.class)
        .hasMessageContaining("Empty bearer token");
    assertThatThrownBy(() -> tokens.authenticate("Bearer    "))
        .isInstanceOf(UnauthenticatedException.class);
  }

  @Test
  void malformedBearerTokenIsUnauthenticated() {
    assertThatThrownBy(() -> tokens.authenticate("Bearer " + TOKEN + " extra"))
        .isInstanceOf(UnauthenticatedException.class)
        .hasMessageContaining("Malformed")
        .hasMessageNotContaining(TOKEN);
    assertThatThrownBy(() -> tokens.authenticate("Bearer tok\"en"))
        .isInstanceOf(UnauthenticatedException.class)
        .hasMessageContaining("Malformed");
  }

  @Test
  void otherSchemeIsUnauthenticatedNamingTheSchemeOnly() {
    assertThatThrownBy(() -> tokens.authenticate("Basic YWxpY2U6cGFzcw=="))
        .isInstanceOf(UnauthenticatedException.class)
        .hasMessageContaining("\"Basic\"")
        .hasMessageNotContaining("YWxpY2U6cGFzcw");
    assertThatThrownBy(() -> tokens.authenticate(TOKEN))
        .isInstanceOf(UnauthenticatedException.class)
        .hasMessageNotContaining(TOKEN);
  }

  @Test
  void unauthenticatedIsHttp401() {
    UnauthenticatedException error = new UnauthenticatedException("x");

    assertThat(error.status()).isEqualTo("UNAUTHENTICATED");
    assertThat(error.httpStatus()).isEqualTo(401);
  }

  @Test
  void loopbackWithoutTokensActsAsLocalOwnerWithOrWithoutHeader() throws Exception {
    Authenticator local =
        Authenticator.forServer(InetAddress.getByName("127.0.0.1"), Optional.empty());

    assertThat(local.isLocalOwnerOnly()).isTrue();
    assertThat(local.authenticate(null)).isEqualTo(Principal.localOwner());
    assertThat(local.authenticate("Bearer ya29.from-gcloud")).isEqualTo(Principal.localOwner());
  }

  @Test
  void anyOtherAddressWithoutTokensRefusesToStart() {
    assertThatThrownBy(() -> Authenticator.requireTokenFileUnlessLoopback("0.0.0.0", false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Refusing to listen on 0.0.0.0 without a token file");
    assertThatThrownBy(() -> Authenticator.requireTokenFileUnlessLoopback("192.168.1.10", false))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anyAddressWithTokensOrLoopbackMayStart() {
    Authenticator.requireTokenFileUnlessLoopback("0.0.0.0", true);
    Authenticator.requireTokenFileUnlessLoopback("::1", false);
    Authenticator.requireTokenFileUnlessLoopback("localhost", false);
  }

  @Test
  void tokenFileHoldsHashesAndNeverShowsThem(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokens.json");
    Files.writeString(
        file,
        "{\"tokens\": [{\"sha256\": \""
            + TokenStore.sha256Hex(TOKEN)
            + "\", \"principal\": \"serviceAccount:ci@p.iam.gserviceaccount.com\","
            + " \"groups\": [\"group:robots@example.com\"]}]}");

    TokenStore store = TokenStore.load(file);

    Principal robot = store.lookup(TOKEN).orElseThrow();
    assertThat(robot.member()).isEqualTo("serviceAccount:ci@p.iam.gserviceaccount.com");
    assertThat(robot.groups()).containsExactly("group:robots@example.com");
    assertThat(store.lookup("other")).isEmpty();
    assertThat(store.toString()).isEqualTo("TokenStore[1 token(s)]");
    assertThat(Authenticator.withTokens(store).toString()).doesNotContain(TOKEN);
  }

  @Test
  void tokenFileErrorsNameTheEntry(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokens.json");
    Files.writeString(
        file,
        "{\"tokens\": [{\"sha256\": \""
            + TokenStore.sha256Hex("a")
            + "\", \"principal\": \"user:a@example.com\"},"
            + " {\"sha256\": \"plain-token\", \"principal\": \"user:b@example.com\"}]}");

    assertThatThrownBy(() -> TokenStore.load(file))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("tokens[1].sha256")
        .hasMessageContaining("64 lower-case hex digits");
  }

  @Test
  void tokenForAGroupIsRefused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokens.json");
    Files.writeString(
        file,
        "{\"tokens\": [{\"sha256\": \""
            + TokenStore.sha256Hex("a")
            + "\", \"principal\": \"group:g@example.com\"}]}");

    assertThatThrownBy(() -> TokenStore.load(file))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("tokens[0].principal");
  }

  @Test
  void sha256HexMatchesTheStandardDigest() {
    assertThat(TokenStore.sha256Hex("test"))
        .isEqualTo("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  }
}
