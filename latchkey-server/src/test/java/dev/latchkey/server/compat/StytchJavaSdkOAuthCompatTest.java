package dev.latchkey.server.compat;

import static dev.latchkey.server.compat.SdkCalls.error;
import static dev.latchkey.server.compat.SdkCalls.success;
import static org.assertj.core.api.Assertions.assertThat;

import com.stytch.java.common.ErrorResponse;
import com.stytch.java.common.OptionalClientConfig;
import com.stytch.java.consumer.StytchClient;
import com.stytch.java.consumer.models.oauth.AttachRequest;
import com.stytch.java.consumer.models.oauth.AuthenticateRequest;
import com.stytch.java.consumer.models.oauth.AuthenticateResponse;
import com.stytch.java.consumer.models.sessions.AuthenticationFactor;
import com.stytch.java.consumer.models.sessions.AuthenticationFactorDeliveryMethod;
import com.stytch.java.consumer.models.sessions.AuthenticationFactorType;
import com.stytch.java.consumer.models.users.DeleteOAuthRegistrationRequest;
import dev.latchkey.server.testing.FakeGitHub;
import dev.latchkey.server.testing.OAuthBrowser;
import dev.latchkey.server.testing.TestOidc;
import dev.latchkey.server.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Stytch Java SDK's {@code oauth.authenticate}, {@code oauth.attach} and
 * {@code users.deleteOAuthRegistration} against a real server, with the browser part of the flow driven against a
 * real OpenID Connect provider (and GitHub's recorded contract) on loopback: every reply must deserialize into the
 * SDK's models (its enums for the OAuth factor included), and every error into its error type.
 */
class StytchJavaSdkOAuthCompatTest {
  /** Generous: a call is a few milliseconds; this bound only stops a broken server from hanging the build. */
  private static TestOidc idp;
  private static FakeGitHub github;
  private static TestServer server;
  private static StytchClient stytch;

  @BeforeAll
  static void start() {
    idp = TestOidc.start();
    github = FakeGitHub.start("github-client", "github-secret");
    Map<String, String> env = new HashMap<>(idp.env("google"));
    env.putAll(github.env());
    server = TestServer.start(env, java.time.Clock.systemUTC());
    stytch = new StytchClient(server.projectId, server.secret, new OptionalClientConfig(server.baseUrl()));
  }

  @AfterAll
  static void stop() {
    stytch.close();
    server.close();
    github.close();
    idp.close();
  }

  private static String token(String provider, String extra) {
    OAuthBrowser.Landing landing = new OAuthBrowser(TestServer.REDIRECT_URL).follow(server.baseUrl()
        + "/v1/public/oauth/" + provider + "/start?public_token="
        + URLEncoder.encode(server.publicToken, StandardCharsets.UTF_8) + extra);
    assertThat(landing.url()).as(landing.body()).startsWith(TestServer.REDIRECT_URL + "?stytch_token_type=oauth");
    return landing.param("token");
  }

  @Test
  void oauthAuthenticateAttachAndUnlinkThroughTheSdk() {
    idp.nextUser("google", "java-sdk-sub", "java-sdk-oauth@example.com", true);
    AuthenticateResponse signedIn = success(stytch.getOauth().authenticateCompletable(
        new AuthenticateRequest(token("google", ""), null, 60, null, Map.of(), null)));

    assertThat(signedIn.getProviderType()).isEqualTo("Google");
    assertThat(signedIn.getProviderSubject()).isEqualTo("java-sdk-sub");
    assertThat(signedIn.getProviderValues().getIdToken()).startsWith("eyJ");
    assertThat(signedIn.getResetSessions()).isFalse();
    assertThat(signedIn.getUserSession()).isNotNull();
    assertThat(signedIn.getUserSession().getAuthenticationFactors()).singleElement().satisfies(f -> {
      assertThat(f.getType()).isEqualTo(AuthenticationFactorType.OAUTH);
      assertThat(f.getDeliveryMethod()).isEqualTo(AuthenticationFactorDeliveryMethod.OAUTH_GOOGLE);
      assertThat(f.getGoogleOAuthFactor().getId()).isEqualTo(signedIn.getOauthUserRegistrationId());
      assertThat(f.getGoogleOAuthFactor().getProviderSubject()).isEqualTo("java-sdk-sub");
    });
    assertThat(signedIn.getUser().getProviders()).singleElement().satisfies(p -> {
      assertThat(p.getProviderType()).isEqualTo("Google");
      assertThat(p.getOauthUserRegistrationId()).isEqualTo(signedIn.getOauthUserRegistrationId());
    });

    github.nextUser(4242, "java-sdk", List.of(FakeGitHub.email("java-sdk-gh@example.com", true, true)));
    String attachToken = success(stytch.getOauth().attachCompletable(new AttachRequest("github", null,
        signedIn.getSessionToken(), null))).getOauthAttachToken();
    AuthenticateResponse stepped = success(stytch.getOauth().authenticateCompletable(new AuthenticateRequest(
        token("github", "&oauth_attach_token=" + attachToken), signedIn.getSessionToken(), null, null, Map.of(),
        null)));

    assertThat(stepped.getUserId()).isEqualTo(signedIn.getUserId());
    assertThat(stepped.getProviderValues().getIdToken()).isEmpty();
    assertThat(stepped.getUserSession().getAuthenticationFactors())
        .extracting(AuthenticationFactor::getDeliveryMethod)
        .containsExactly(AuthenticationFactorDeliveryMethod.OAUTH_GOOGLE, AuthenticationFactorDeliveryMethod.OAUTH_GITHUB);
    assertThat(stepped.getUser().getProviders()).hasSize(2);

    var unlinked = success(stytch.getUsers().deleteOAuthRegistrationCompletable(
        new DeleteOAuthRegistrationRequest(stepped.getOauthUserRegistrationId())));
    assertThat(unlinked.getUser().getProviders()).hasSize(1);

    ErrorResponse unknown = error(stytch.getOauth().authenticateCompletable(
        new AuthenticateRequest("no-such-token", null, 60, null, Map.of(), null)));
    assertThat(unknown.getStatusCode()).isEqualTo(404);
    assertThat(unknown.getErrorType()).isEqualTo("oauth_token_not_found");
  }


}
