package dev.latchkey.server.factor.oauth;

import static dev.latchkey.server.factor.oauth.OAuthFlowTest.SIGNUP_URL;
import static dev.latchkey.server.factor.oauth.OAuthFlowTest.browser;
import static dev.latchkey.server.factor.oauth.OAuthFlowTest.startUrl;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.FakeGitHub;
import dev.latchkey.server.testing.OAuthBrowser;
import dev.latchkey.server.testing.TestOidc;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TotpCodes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's "done when", as one user's story over HTTP: she signs up with Google (a real OIDC provider on
 * loopback), signs in again, attaches GitHub (GitHub's recorded contract on loopback) by stepping her session up,
 * adds an authenticator app and steps up with it, and later unlinks GitHub. GitHub sign-up on its own is checked
 * too: only a verified primary email is used.
 */
class OAuthJourneyTest {
  private static TestOidc idp;
  private static FakeGitHub github;
  private static TestServer server;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    idp = TestOidc.start();
    github = FakeGitHub.start("github-client-id", "github-client-secret");
    Map<String, String> env = new HashMap<>(idp.env("google"));
    env.putAll(github.env());
    env.put("LATCHKEY_REDIRECT_URLS", TestServer.REDIRECT_URL + "," + SIGNUP_URL);
    server = TestServer.start(env, Clock.systemUTC());
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
    github.close();
    idp.close();
  }

  private static JsonNode ok(ApiClient.Reply r) {
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json();
  }

  private static List<String> deliveryMethods(JsonNode session) {
    List<String> out = new ArrayList<>();
    session.path("authentication_factors").forEach(f -> out.add(f.path("delivery_method").asText()));
    return out;
  }

  @Test
  void aUserSignsUpWithGoogleSignsInAgainAttachesGithubAndStepsUpWithTotp() {
    // Sign up with Google: a new user, sent to the signup URL; a one-factor session.
    idp.nextUser("google", "journey-google-sub", "journey-ada@example.com", true);
    OAuthBrowser.Landing signup = browser().follow(startUrl(server, "google", ""));
    assertThat(signup.url()).startsWith(SIGNUP_URL + "?stytch_token_type=oauth&token=");
    JsonNode first = ok(api.post("/v1/oauth/authenticate", "{\"token\":\"" + signup.param("token")
        + "\",\"session_duration_minutes\":60}"));
    String userId = first.path("user_id").asText();
    assertThat(deliveryMethods(first.path("session"))).containsExactly("oauth_google");

    // Sign in again: the login URL, the same user, a new session.
    idp.nextUser("google", "journey-google-sub", "journey-ada@example.com", true);
    OAuthBrowser.Landing login = browser().follow(startUrl(server, "google", ""));
    assertThat(login.url()).startsWith(TestServer.REDIRECT_URL + "?stytch_token_type=oauth&token=");
    JsonNode again = ok(api.post("/v1/oauth/authenticate", "{\"token\":\"" + login.param("token")
        + "\",\"session_duration_minutes\":60}"));
    assertThat(again.path("user_id").asText()).isEqualTo(userId);
    String sessionToken = again.path("session_token").asText();
    String sessionId = again.path("session").path("session_id").asText();

    // Attach GitHub (an account whose email differs: the attach token, not the email, says whose it is), then
    // authenticate its token into the same session: two factors.
    github.nextUser(583231, "ada-gh", List.of(FakeGitHub.email("ada@users.noreply.github.com", true, true)));
    String attachToken = ok(api.post("/v1/oauth/attach", "{\"provider\":\"github\",\"session_token\":\""
        + sessionToken + "\"}")).path("oauth_attach_token").asText();
    OAuthBrowser.Landing attached = browser().follow(startUrl(server, "github", "&oauth_attach_token="
        + attachToken));
    assertThat(attached.url()).startsWith(TestServer.REDIRECT_URL + "?stytch_token_type=oauth&token=");
    JsonNode stepped = ok(api.post("/v1/oauth/authenticate", "{\"token\":\"" + attached.param("token")
        + "\",\"session_token\":\"" + sessionToken + "\"}"));
    assertThat(stepped.path("user_id").asText()).isEqualTo(userId);
    assertThat(stepped.path("provider_type").asText()).isEqualTo("Github");
    assertThat(stepped.path("provider_subject").asText()).isEqualTo("583231");
    assertThat(stepped.path("provider_values").path("access_token").asText()).startsWith("gho_");
    assertThat(stepped.path("session").path("session_id").asText()).isEqualTo(sessionId);
    assertThat(deliveryMethods(stepped.path("session"))).containsExactly("oauth_google", "oauth_github");
    assertThat(stepped.path("user").path("providers")).hasSize(2);
    String githubRegistration = stepped.path("oauth_user_registration_id").asText();

    // Step up with an authenticator app: three factors, in the reply and in the JWT the server then accepts.
    String secret = ok(api.post("/v1/totps", "{\"user_id\":\"" + userId + "\"}")).path("secret").asText();
    JsonNode withTotp = ok(api.post("/v1/totps/authenticate", "{\"user_id\":\"" + userId + "\",\"totp_code\":\""
        + TotpCodes.at(secret, Instant.now()) + "\",\"session_token\":\"" + sessionToken + "\"}"));
    assertThat(deliveryMethods(withTotp.path("session")))
        .containsExactly("oauth_google", "oauth_github", "authenticator_app");
    JsonNode byJwt = ok(api.post("/v1/sessions/authenticate", "{\"session_jwt\":\""
        + withTotp.path("session_jwt").asText() + "\"}"));
    assertThat(deliveryMethods(byJwt.path("session")))
        .containsExactly("oauth_google", "oauth_github", "authenticator_app");

    // Unlink GitHub: the user keeps Google only.
    JsonNode unlinked = ok(api.delete("/v1/users/oauth/" + githubRegistration));
    assertThat(unlinked.path("user").path("providers")).hasSize(1);
    assertThat(unlinked.path("user").path("providers").get(0).path("provider_type").asText()).isEqualTo("Google");
    ApiClient.Reply gone = api.delete("/v1/users/oauth/" + githubRegistration);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.json().path("error_type").asText()).isEqualTo("oauth_user_registration_not_found");
  }

  @Test
  void githubSignsUpWithItsVerifiedPrimaryEmailOnly() {
    github.nextUser(9001, "grace-gh", List.of(FakeGitHub.email("grace-old@example.com", false, true),
        FakeGitHub.email("oauth-grace@example.com", true, true)));
    OAuthBrowser.Landing landing = browser().follow(startUrl(server, "github", ""));
    JsonNode user = ok(api.post("/v1/oauth/authenticate", "{\"token\":\"" + landing.param("token") + "\"}"))
        .path("user");

    assertThat(landing.url()).startsWith(SIGNUP_URL);
    assertThat(user.path("emails")).hasSize(1);
    assertThat(user.path("emails").get(0).path("email").asText()).isEqualTo("oauth-grace@example.com");
    assertThat(user.path("emails").get(0).path("verified").asBoolean()).isTrue();
    assertThat(user.path("providers").get(0).path("profile_picture_url").asText()).endsWith("/u/9001");
  }

  @Test
  void aGithubAccountWithAnUnverifiedPrimaryEmailDoesNotLinkToItsOwner() {
    String owner = ok(api.post("/v1/users", "{\"email\":\"oauth-owner@example.com\"}")).path("user_id").asText();
    github.nextUser(9002, "squatter", List.of(FakeGitHub.email("oauth-owner@example.com", true, false)));

    OAuthBrowser.Landing landing = browser().follow(startUrl(server, "github", ""));

    assertThat(landing.status()).isEqualTo(400);
    assertThat(landing.body()).contains("\"error_type\":\"oauth_unverified_email\"");
    assertThat(ok(api.get("/v1/users/" + owner)).path("providers")).isEmpty();
  }

  @Test
  void anAttachTokenIsForOneProviderAndOneUse() {
    String userId = ok(api.post("/v1/users", "{\"email\":\"oauth-attach@example.com\"}")).path("user_id").asText();
    String token = ok(api.post("/v1/oauth/attach", "{\"provider\":\"github\",\"user_id\":\"" + userId + "\"}"))
        .path("oauth_attach_token").asText();

    var forGoogle = browser().get(startUrl(server, "google", "&oauth_attach_token=" + token));
    var neither = api.post("/v1/oauth/attach", "{\"provider\":\"github\"}");
    var unconfigured = api.post("/v1/oauth/attach", "{\"provider\":\"apple\",\"user_id\":\"" + userId + "\"}");

    assertThat(forGoogle.statusCode()).isEqualTo(400);
    assertThat(forGoogle.body()).contains("\"error_type\":\"invalid_oauth_attach_token\"");
    assertThat(neither.status()).isEqualTo(400);
    assertThat(unconfigured.json().path("error_type").asText()).isEqualTo("oauth_provider_not_configured");
    var reused = browser().get(startUrl(server, "github", "&oauth_attach_token=" + token));
    assertThat(reused.body()).contains("\"error_type\":\"invalid_oauth_attach_token\"");
  }

  @Test
  void aProviderAccountLinkedToOneUserCannotBeAttachedToAnother() {
    github.nextUser(9003, "taken", List.of(FakeGitHub.email("oauth-taken@example.com", true, true)));
    ok(api.post("/v1/oauth/authenticate", "{\"token\":\"" + browser().follow(startUrl(server, "github", ""))
        .param("token") + "\"}"));
    String other = ok(api.post("/v1/users", "{\"email\":\"oauth-other@example.com\"}")).path("user_id").asText();
    String token = ok(api.post("/v1/oauth/attach", "{\"provider\":\"github\",\"user_id\":\"" + other + "\"}"))
        .path("oauth_attach_token").asText();
    github.nextUser(9003, "taken", List.of(FakeGitHub.email("oauth-taken@example.com", true, true)));

    OAuthBrowser.Landing landing = browser().follow(startUrl(server, "github", "&oauth_attach_token=" + token));

    assertThat(landing.status()).isEqualTo(400);
    assertThat(landing.body()).contains("\"error_type\":\"oauth_provider_already_linked\"");
    assertThat(ok(api.get("/v1/users/" + other)).path("providers")).isEmpty();
  }
}
