package dev.latchkey.server.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/**
 * A real OpenID Connect provider on loopback ({@code no.nav.security:mock-oauth2-server}): discovery, JWKS, an
 * authorize endpoint that signs in at once (non-interactive) and a token endpoint issuing RS256-signed ID tokens with
 * the request's nonce. One server serves many issuers by path ({@code /google}, {@code /microsoft}, ...), each with
 * its own signing key.
 *
 * <pre>{@code
 * try (TestOidc idp = TestOidc.start()) {
 *   idp.nextUser("google", "sub-1", "ada@example.com", true);
 *   TestServer.start(idp.env("google"), Clock.systemUTC());
 * }
 * }</pre>
 */
public final class TestOidc implements AutoCloseable {
  public static final String CLIENT_ID = "latchkey-test-client";
  public static final String CLIENT_SECRET = "latchkey-test-client-secret";
  private final MockOAuth2Server server = new MockOAuth2Server();

  private TestOidc() {}

  public static TestOidc start() {
    TestOidc t = new TestOidc();
    t.server.start();
    return t;
  }

  public String issuer(String issuerId) {
    String url = server.issuerUrl(issuerId).toString();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** The settings that turn on Latchkey's {@code provider} (google, microsoft, apple, oidc) against this issuer. */
  public Map<String, String> env(String provider) {
    String p = provider.toUpperCase(java.util.Locale.ROOT);
    return Map.of("LATCHKEY_OAUTH_" + p + "_CLIENT_ID", CLIENT_ID, "LATCHKEY_OAUTH_" + p + "_CLIENT_SECRET",
        CLIENT_SECRET, "LATCHKEY_OAUTH_" + p + "_ISSUER", issuer(provider));
  }

  /** The user the next sign-in at {@code issuerId} returns: subject, email and whether it is verified. */
  public void nextUser(String issuerId, String subject, String email, boolean verified) {
    Map<String, Object> claims = new HashMap<>();
    if (email != null) {
      claims.put("email", email);
      claims.put("email_verified", verified);
    }
    claims.put("given_name", "Ada");
    claims.put("family_name", "Lovelace");
    next(issuerId, subject, null, claims, 3600);
  }

  /**
   * The next token at {@code issuerId} exactly as given: {@code audience} null means the client id; a negative
   * {@code expirySeconds} issues an already expired ID token.
   */
  public void next(String issuerId, String subject, List<String> audience, Map<String, Object> claims,
      long expirySeconds) {
    server.enqueueCallback(new DefaultOAuth2TokenCallback(issuerId, subject, "JWT", audience, claims,
        expirySeconds));
  }

  public MockOAuth2Server server() {
    return server;
  }

  @Override
  public void close() {
    server.shutdown();
  }
}
