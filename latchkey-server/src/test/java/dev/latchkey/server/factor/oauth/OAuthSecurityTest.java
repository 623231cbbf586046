package dev.latchkey.server.factor.oauth;

import static dev.latchkey.server.factor.oauth.OAuthFlowTest.SIGNUP_URL;
import static dev.latchkey.server.factor.oauth.OAuthFlowTest.browser;
import static dev.latchkey.server.factor.oauth.OAuthFlowTest.startUrl;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.OAuthBrowser;
import dev.latchkey.server.testing.TestOidc;
import dev.latchkey.server.testing.TestServer;
import java.io.IOException;
import java.net.HttpCookie;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the OAuth flow refuses, each with a documented {@code error_type} and nothing created: a replayed, planted
 * or forged state; an ID token with the wrong nonce, audience, signing key, or past its expiry; an unverified email
 * that matches an existing user; an app token used twice or with the wrong PKCE verifier; redirect URLs that are not
 * on the list, look-alikes included. Counted in the database itself.
 */
class OAuthSecurityTest {
  private static TestOidc idp;
  private static HttpServer forgedDiscovery;
  private static TestServer server;
  private static ApiClient api;

  @BeforeAll
  static void start() throws IOException {
    idp = TestOidc.start();
    forgedDiscovery = discoveryWithAnotherIssuersKeys(idp, "google", "attacker");
    Map<String, String> env = new HashMap<>();
    env.putAll(idp.env("google"));
    env.putAll(idp.env("microsoft"));
    // "oidc" is Google's issuer whose discovery names the JWKS of another issuer: its tokens are signed by a key
    // Latchkey must not trust.
    env.put("LATCHKEY_OAUTH_OIDC_CLIENT_ID", TestOidc.CLIENT_ID);
    env.put("LATCHKEY_OAUTH_OIDC_CLIENT_SECRET", TestOidc.CLIENT_SECRET);
    env.put("LATCHKEY_OAUTH_OIDC_ISSUER", "http://127.0.0.1:" + forgedDiscovery.getAddress().getPort());
    env.put("LATCHKEY_REDIRECT_URLS", TestServer.REDIRECT_URL + "," + SIGNUP_URL);
    server = TestServer.start(env, Clock.systemUTC());
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
    forgedDiscovery.stop(0);
    idp.close();
  }

  /** The real discovery document of {@code issuerId}, but with the JWKS of {@code keysOf}. */
  private static HttpServer discoveryWithAnotherIssuersKeys(TestOidc idp, String issuerId, String keysOf)
      throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext("/.well-known/openid-configuration", ex -> {
      ObjectMapper json = new ObjectMapper();
      var doc = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(
          URI.create(idp.issuer(issuerId) + "/.well-known/openid-configuration").toURL());
      doc.put("jwks_uri", idp.server().jwksUrl(keysOf).toString());
      byte[] bytes = json.writeValueAsBytes(doc);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, bytes.length);
      ex.getResponseBody().write(bytes);
      ex.close();
    });
    s.start();
    return s;
  }

  private static long count(String table) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + server.dataDir().resolve("latchkey.db"));
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Users, registrations and app tokens: what a refused callback must not add. */
  private static List<Long> stored() {
    return List.of(count("users"), count("oauth_registrations"), count("oauth_tokens"));
  }

  private static void assertError(int status, String type, int actualStatus, String body) {
    JsonNode json;
    try {
      json = new ObjectMapper().readTree(body);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
    assertThat(actualStatus).as(body).isEqualTo(status);
    assertThat(json.path("error_type").asText()).as(body).isEqualTo(type);
    assertThat(json.path("status_code").asInt()).isEqualTo(status);
  }

  /** Follows the start and the provider's sign-in, stopping before Latchkey's callback; returns its URL. */
  private static String callbackUrl(OAuthBrowser b, String provider, String extra) {
    HttpResponse<String> start = b.get(startUrl(server, provider, extra));
    assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
    HttpResponse<String> authorize = b.get(start.headers().firstValue("Location").orElseThrow());
    assertThat(authorize.statusCode()).as(authorize.body()).isEqualTo(302);
    String callback = authorize.headers().firstValue("Location").orElseThrow();
    assertThat(callback).startsWith(server.baseUrl() + "/v1/public/oauth/callback/" + provider);
    return callback;
  }

  @Test
  void aReplayedCallbackIsRefusedAsAnInvalidState() {
    idp.nextUser("google", "sec-replay", "sec-replay@example.com", true);
    OAuthBrowser b = browser();
    String callback = callbackUrl(b, "google", "");
    HttpCookie cookie = b.cookiesFor(callback).get(0);
    assertThat(b.get(callback).statusCode()).isEqualTo(302);
    List<Long> before = stored();

    HttpResponse<String> replay = withCookie(callback, cookie.getValue());

    assertError(400, "oauth_invalid_state", replay.statusCode(), replay.body());
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  void aCallbackInAnotherBrowserIsRefusedAndLeavesTheRealSignInUsable() {
    // Nothing is enqueued at the provider: the attacker's code is never exchanged.
    OAuthBrowser victim = browser();
    String attackersCallback = callbackUrl(browser(), "google", "");
    List<Long> before = stored();

    HttpResponse<String> planted = victim.get(attackersCallback);
    HttpResponse<String> forged = withCookie(attackersCallback, "forged-state-value");

    assertError(400, "oauth_state_mismatch", planted.statusCode(), planted.body());
    assertError(400, "oauth_state_mismatch", forged.statusCode(), forged.body());
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  void anUnknownStateIsRefused() {
    List<Long> before = stored();
    HttpResponse<String> r = withCookie(server.baseUrl() + "/v1/public/oauth/callback/google?state=made-up&code=x",
        "made-up");

    assertError(400, "oauth_invalid_state", r.statusCode(), r.body());
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  void anIdTokenWithAnotherNonceIsRefused() {
    idp.next("google", "sec-nonce", null, Map.of("nonce", "not-the-flows-nonce", "email", "sec-nonce@example.com",
        "email_verified", true), 3600);
    List<Long> before = stored();

    OAuthBrowser.Landing r = browser().follow(startUrl(server, "google", ""));

    assertError(401, "invalid_oauth_id_token", r.status(), r.body());
    assertThat(r.body()).contains("nonce");
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  void anIdTokenForAnotherAudienceIsRefused() {
    idp.next("google", "sec-aud", null, Map.of("aud", "another-client", "email", "sec-aud@example.com",
        "email_verified", true), 3600);
    List<Long> before = stored();

    OAuthBrowser.Landing r = browser().follow(startUrl(server, "google", ""));

    assertError(401, "invalid_oauth_id_token", r.status(), r.body());
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  void anExpiredIdTokenIsRefused() {
    idp.next("google", "sec-expired", null, Map.of("email", "sec-expired@example.com", "email_verified", true),
        -3600);
    List<Long> before = stored();

    OAuthBrowser.Landing r = browser().follow(startUrl(server, "google", ""));

    assertError(401, "invalid_oauth_id_token", r.status(), r.body());
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  void anIdTokenSignedByAKeyNotInTheProvidersJwksIsRefused() {
    idp.nextUser("google", "sec-key", "sec-key@example.com", true);
    List<Long> before = stored();

    OAuthBrowser.Landing r = browser().follow(startUrl(server, "oidc", ""));

    assertError(401, "invalid_oauth_id_token", r.status(), r.body());
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  void anUnverifiedEmailNeverLinksToTheExistingUserWithIt() {
    String userId = api.post("/v1/users", "{\"email\":\"sec-victim@example.com\"}").text("user_id");
    idp.nextUser("microsoft", "sec-attacker", "sec-victim@example.com", false);
    List<Long> before = stored();

    OAuthBrowser.Landing r = browser().follow(startUrl(server, "microsoft", ""));

    assertError(400, "oauth_unverified_email", r.status(), r.body());
    assertThat(stored()).isEqualTo(before);
    assertThat(api.get("/v1/users/" + userId).json().path("providers")).isEmpty();
  }

  @Test
  void anUnverifiedEmailMatchingNobodySignsUpAUserWithoutThatEmail() {
    idp.nextUser("microsoft", "sec-unverified-new", "sec-unverified-new@example.com", false);

    OAuthBrowser.Landing r = browser().follow(startUrl(server, "microsoft", ""));
    ApiClient.Reply auth = api.post("/v1/oauth/authenticate", "{\"token\":\"" + r.param("token") + "\"}");

    assertThat(r.url()).startsWith(SIGNUP_URL);
    assertThat(auth.json().path("user").path("emails")).isEmpty();
    assertThat(auth.json().path("user").path("providers")).hasSize(1);
  }

  @Test
  void aTokenIsSpentByItsFirstAuthenticate() {
    idp.nextUser("google", "sec-reuse", "sec-reuse@example.com", true);
    String token = browser().follow(startUrl(server, "google", "")).param("token");
    assertThat(api.post("/v1/oauth/authenticate", "{\"token\":\"" + token + "\"}").status()).isEqualTo(200);
    long sessions = count("sessions");

    ApiClient.Reply again = api.post("/v1/oauth/authenticate",
        "{\"token\":\"" + token + "\",\"session_duration_minutes\":60}");

    assertError(404, "oauth_token_not_found", again.status(), again.text());
    assertThat(count("sessions")).isEqualTo(sessions);
  }

  @Test
  void aWrongPkceVerifierIsRefusedWithoutSpendingTheToken() throws Exception {
    String verifier = "a-verifier-of-the-app-that-is-long-enough-0123456789";
    String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    idp.nextUser("google", "sec-pkce", "sec-pkce@example.com", true);
    String token = browser().follow(startUrl(server, "google", "&code_challenge=" + challenge)).param("token");
    long sessions = count("sessions");

    ApiClient.Reply wrong = api.post("/v1/oauth/authenticate", "{\"token\":\"" + token
        + "\",\"session_duration_minutes\":60,\"code_verifier\":\"another-verifier-entirely-0123456789abcdefghij\"}");
    ApiClient.Reply missing = api.post("/v1/oauth/authenticate",
        "{\"token\":\"" + token + "\",\"session_duration_minutes\":60}");

    assertError(400, "pkce_mismatch", wrong.status(), wrong.text());
    assertError(400, "pkce_expected_code_verifier", missing.status(), missing.text());
    assertThat(count("sessions")).isEqualTo(sessions);
    ApiClient.Reply right = api.post("/v1/oauth/authenticate", "{\"token\":\"" + token
        + "\",\"session_duration_minutes\":60,\"code_verifier\":\"" + verifier + "\"}");
    assertThat(right.status()).as(right.text()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://evil.example.net/authenticate", "https://app.example.com.evil.net/authenticate",
      "https://app.example.com@evil.net/authenticate", "https://APP.example.com/authenticate",
      "https://app.example.com/authenticate/", "https://app.example.com/authenticate?next=https://evil.net",
      "https://app.example.com/authenticate#x", "http://app.example.com/authenticate",
      "https://app.example.com:443/authenticate", "//evil.net/authenticate", "javascript:alert(1)"})
  void aRedirectUrlNotExactlyOnTheListIsRefusedBeforeAnythingIsStored(String url) {
    long states = count("oauth_states");
    for (String field : List.of("login_redirect_url", "signup_redirect_url")) {
      HttpResponse<String> r = browser().get(server.baseUrl() + "/v1/public/oauth/google/start?public_token="
          + server.publicToken + "&" + field + "=" + URLEncoder.encode(url, StandardCharsets.UTF_8));

      assertError(400, "no_match_for_provided_oauth_url", r.statusCode(), r.body());
      assertThat(r.headers().firstValue("Location")).isEmpty();
      assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
    }
    assertThat(count("oauth_states")).isEqualTo(states);
  }

  @Test
  void startRefusesAWrongPublicTokenAnUnconfiguredProviderAndProtocolParameters() {
    Map<String, String> urls = new LinkedHashMap<>();
    urls.put("public_token_not_found", server.baseUrl() + "/v1/public/oauth/google/start?public_token="
        + "public-token-test-00000000-0000-0000-0000-000000000000");
    urls.put("oauth_provider_not_configured", startUrl(server, "github", ""));
    urls.put("oauth_provider_not_configured ", startUrl(server, "facebook", ""));
    urls.put("bad_request", startUrl(server, "google", "&provider_redirect_uri=https://evil.net/"));
    urls.put("invalid_pkce_code_challenge", startUrl(server, "google", "&code_challenge=short"));
    long states = count("oauth_states");
    urls.forEach((type, url) -> {
      HttpResponse<String> r = browser().get(url);
      assertThat(r.statusCode()).as(url).isBetween(400, 404);
      assertThat(r.body()).as(url).contains("\"error_type\":\"" + type.trim() + "\"");
    });
    assertThat(count("oauth_states")).isEqualTo(states);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/public/oauth/../../users/{id}", "/v1/public/%2e%2e/users/{id}",
      "/v1/public/..%2fusers/{id}", "/v1/public//../users/{id}", "/v1/public/oauth/%2e%2e/%2e%2e/users/{id}"})
  void aPathThatClimbsOutOfThePublicOAuthRoutesStillNeedsTheProjectsCredentials(String template) throws Exception {
    String userId = api.post("/v1/users", "{\"email\":\"sec-path-" + System.nanoTime() + "@example.com\"}")
        .text("user_id");
    String path = template.replace("{id}", userId);
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", URI.create(server.baseUrl()).getPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(reply).as(path).startsWith("HTTP/1.1 4").doesNotContain(userId);
    }
  }

  private static HttpResponse<String> withCookie(String url, String state) {
    try {
      return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(URI.create(url))
          .header("Cookie", "latchkey_oauth_state=" + state).GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
