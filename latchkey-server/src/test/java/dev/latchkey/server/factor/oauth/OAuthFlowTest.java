package dev.latchkey.server.factor.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.OAuthBrowser;
import dev.latchkey.server.testing.TestOidc;
import dev.latchkey.server.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OAuth flow over HTTP against a real OpenID Connect provider (mock-oauth2-server on loopback) for Google,
 * Microsoft and a generic OIDC provider: the start redirect, the provider's sign-in, the callback and the redirect
 * back are followed by a browser that keeps cookies; the app then authenticates the token it was sent.
 */
class OAuthFlowTest {
  static final String SIGNUP_URL = "https://app.example.com/signup";
  private static TestOidc idp;
  private static TestServer server;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    idp = TestOidc.start();
    Map<String, String> env = new HashMap<>();
    env.putAll(idp.env("google"));
    env.putAll(idp.env("microsoft"));
    env.putAll(idp.env("oidc"));
    env.put("LATCHKEY_REDIRECT_URLS", TestServer.REDIRECT_URL + "," + SIGNUP_URL);
    server = TestServer.start(env, Clock.systemUTC());
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
    idp.close();
  }

  static String startUrl(TestServer server, String provider, String extra) {
    return server.baseUrl() + "/v1/public/oauth/" + provider + "/start?public_token="
        + URLEncoder.encode(server.publicToken, StandardCharsets.UTF_8) + "&login_redirect_url="
        + URLEncoder.encode(TestServer.REDIRECT_URL, StandardCharsets.UTF_8) + "&signup_redirect_url="
        + URLEncoder.encode(SIGNUP_URL, StandardCharsets.UTF_8) + extra;
  }

  static OAuthBrowser browser() {
    return new OAuthBrowser("https://app.example.com/");
  }

  @Test
  void aNewGoogleUserIsSentToTheSignupUrlWithATokenThatSignsThemIn() {
    idp.nextUser("google", "google-sub-new", "oauth-new@example.com", true);

    OAuthBrowser.Landing landing = browser().follow(startUrl(server, "google", ""));

    assertThat(landing.url()).startsWith(SIGNUP_URL + "?stytch_token_type=oauth&token=");
    assertThat(landing.visited()).hasSize(4);
    ApiClient.Reply r = api.post("/v1/oauth/authenticate",
        "{\"token\":\"" + landing.param("token") + "\",\"session_duration_minutes\":60}");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode body = r.json();
    assertThat(body.path("provider_type").asText()).isEqualTo("Google");
    assertThat(body.path("provider_subject").asText()).isEqualTo("google-sub-new");
    assertThat(body.path("oauth_user_registration_id").asText()).startsWith("oauth-user-test-");
    assertThat(body.path("reset_sessions").asBoolean()).isFalse();
    assertThat(body.path("provider_values").path("id_token").asText()).contains(".");
    assertThat(body.path("provider_values").path("access_token").asText()).isNotEmpty();
    assertThat(body.path("session_token").asText()).hasSize(44);
    assertThat(body.path("user_session").path("session_id").asText())
        .isEqualTo(body.path("session").path("session_id").asText());
    JsonNode factor = body.path("session").path("authentication_factors").get(0);
    assertThat(factor.path("type").asText()).isEqualTo("oauth");
    assertThat(factor.path("delivery_method").asText()).isEqualTo("oauth_google");
    assertThat(factor.path("google_oauth_factor").path("id").asText())
        .isEqualTo(body.path("oauth_user_registration_id").asText());
    assertThat(factor.path("google_oauth_factor").path("provider_subject").asText()).isEqualTo("google-sub-new");
    JsonNode user = body.path("user");
    assertThat(user.path("emails").get(0).path("email").asText()).isEqualTo("oauth-new@example.com");
    assertThat(user.path("emails").get(0).path("verified").asBoolean()).isTrue();
    assertThat(user.path("name").path("first_name").asText()).isEqualTo("Ada");
    JsonNode provider = user.path("providers").get(0);
    assertThat(provider.path("provider_type").asText()).isEqualTo("Google");
    assertThat(provider.path("provider_subject").asText()).isEqualTo("google-sub-new");
    assertThat(provider.path("oauth_user_registration_id").asText())
        .isEqualTo(body.path("oauth_user_registration_id").asText());
    assertThat(provider.has("profile_picture_url")).isTrue();
    assertThat(provider.has("locale")).isTrue();
  }

  @Test
  void aBrowserSdkSignInRecordsTheDevicesAddressAndUserAgentOnTheSession() {
    idp.nextUser("google", "google-sub-device", "oauth-device@example.com", true);
    OAuthBrowser.Landing landing = browser().follow(startUrl(server, "google", ""));
    ApiClient device = new ApiClient(server.baseUrl(), server.publicToken, server.publicToken);

    ApiClient.Reply r = device.send("POST", "/sdk/v1/oauth/authenticate", "{\"token\":\"" + landing.param("token")
        + "\",\"session_duration_minutes\":60}", Map.of("User-Agent", "OAuthDevice/1.0 (test)"));

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode attributes = r.json().path("data").path("session").path("attributes");
    assertThat(attributes.path("user_agent").asText()).isEqualTo("OAuthDevice/1.0 (test)");
    assertThat(attributes.path("ip_address").asText()).isEqualTo("127.0.0.1");
  }

  @Test
  void signingInAgainGoesToTheLoginUrlAsTheSameUser() {
    idp.nextUser("google", "google-sub-again", "oauth-again@example.com", true);
    String first = authenticate(browser().follow(startUrl(server, "google", "")).param("token"));
    idp.nextUser("google", "google-sub-again", "oauth-again@example.com", true);

    OAuthBrowser.Landing again = browser().follow(startUrl(server, "google", ""));

    assertThat(again.url()).startsWith(TestServer.REDIRECT_URL + "?stytch_token_type=oauth&token=");
    assertThat(authenticate(again.param("token"))).isEqualTo(first);
    assertThat(api.get("/v1/users/" + first).json().path("providers")).hasSize(1);
  }

  @Test
  void aVerifiedEmailLinksToTheExistingUserWithThatEmail() {
    String userId = api.post("/v1/users", "{\"email\":\"oauth-existing@example.com\"}").text("user_id");
    idp.nextUser("microsoft", "ms-sub-existing", "oauth-existing@example.com", true);

    OAuthBrowser.Landing landing = browser().follow(startUrl(server, "microsoft", ""));

    assertThat(landing.url()).startsWith(TestServer.REDIRECT_URL + "?");
    assertThat(authenticate(landing.param("token"))).isEqualTo(userId);
    JsonNode user = api.get("/v1/users/" + userId).json();
    assertThat(user.path("providers").get(0).path("provider_type").asText()).isEqualTo("Microsoft");
    assertThat(user.path("emails").get(0).path("verified").asBoolean()).isTrue();
  }

  @Test
  void aGenericOidcProviderSignsInWithTheSsoOidcFactor() {
    idp.nextUser("oidc", "keycloak-sub", "oauth-keycloak@example.com", true);
    String token = browser().follow(startUrl(server, "oidc", "")).param("token");

    ApiClient.Reply r = api.post("/v1/oauth/authenticate",
        "{\"token\":\"" + token + "\",\"session_duration_minutes\":60}");

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().path("provider_type").asText()).isEqualTo("OIDC");
    JsonNode factor = r.json().path("session").path("authentication_factors").get(0);
    assertThat(factor.path("type").asText()).isEqualTo("oauth");
    assertThat(factor.path("delivery_method").asText()).isEqualTo("sso_oidc");
  }

  @Test
  void withoutADurationNoSessionIsCreated() {
    idp.nextUser("google", "google-sub-nosession", "oauth-nosession@example.com", true);
    String token = browser().follow(startUrl(server, "google", "")).param("token");

    ApiClient.Reply r = api.post("/v1/oauth/authenticate", "{\"token\":\"" + token + "\"}");

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().path("session_token").asText()).isEmpty();
    assertThat(r.json().path("session").isNull()).isTrue();
    assertThat(r.json().path("user_session").isNull()).isTrue();
  }

  @Test
  void theStartRedirectCarriesStateNoncePkceAndTheAppsProviderParameters() {
    OAuthBrowser b = browser();
    var r = b.get(startUrl(server, "google", "&custom_scopes=" + URLEncoder.encode("https://www.googleapis.com/auth/calendar.readonly", StandardCharsets.UTF_8) + "&provider_prompt=select_account"));

    assertThat(r.statusCode()).isEqualTo(302);
    String location = r.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(idp.issuer("google") + "/authorize?");
    assertThat(location).contains("state=", "nonce=", "code_challenge=", "code_challenge_method=S256",
        "prompt=select_account", "client_id=" + TestOidc.CLIENT_ID, "calendar.readonly",
        "redirect_uri=" + URLEncoder.encode(server.baseUrl() + "/v1/public/oauth/callback/google",
            StandardCharsets.UTF_8));
    assertThat(r.headers().firstValue("Set-Cookie").orElseThrow()).contains("latchkey_oauth_state=", "HttpOnly",
        "SameSite=Lax");
  }

  @Test
  void usersSearchFindsTheUserByTheProviderTheySignedInWith() {
    idp.nextUser("google", "google-sub-search", "oauth-search@example.com", true);
    String userId = authenticate(browser().follow(startUrl(server, "google", "")).param("token"));
    String byEmail = "{\"filter_name\":\"email_address\",\"filter_value\":[\"oauth-search@example.com\"]}";

    JsonNode google = search("{\"filter_name\":\"oauth_provider\",\"filter_value\":[\"google\"]}," + byEmail);
    JsonNode asProviderType = search("{\"filter_name\":\"oauth_provider\",\"filter_value\":[\"Google\"]},"
        + byEmail);
    JsonNode github = search("{\"filter_name\":\"oauth_provider\",\"filter_value\":[\"github\"]}," + byEmail);

    assertThat(google.path("results")).hasSize(1);
    assertThat(google.path("results").get(0).path("user_id").asText()).isEqualTo(userId);
    assertThat(google.path("results").get(0).path("providers").get(0).path("provider_type").asText())
        .isEqualTo("Google");
    assertThat(asProviderType.path("results").get(0).path("user_id").asText()).isEqualTo(userId);
    assertThat(github.path("results")).isEmpty();
    assertThat(github.path("results_metadata").path("total").asLong()).isZero();
  }

  private static JsonNode search(String operands) {
    ApiClient.Reply r = api.post("/v1/users/search", "{\"query\":{\"operator\":\"AND\",\"operands\":["
        + operands + "]}}");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json();
  }

  private static String authenticate(String token) {
    ApiClient.Reply r = api.post("/v1/oauth/authenticate",
        "{\"token\":\"" + token + "\",\"session_duration_minutes\":60}");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json().path("user_id").asText();
  }
}
