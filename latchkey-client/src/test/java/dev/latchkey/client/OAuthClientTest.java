package dev.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.Session;
import dev.latchkey.server.testing.OAuthBrowser;
import dev.latchkey.server.testing.TestOidc;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OAuth through the client against a real server and a real OpenID Connect provider on loopback: the start URL is
 * opened in a browser that keeps cookies, and the token it lands with is authenticated by the client, which sends
 * the PKCE verifier it kept.
 */
class OAuthClientTest {
  private static TestOidc idp;
  private static TestServer server;

  @BeforeAll
  static void start() {
    idp = TestOidc.start();
    Map<String, String> env = new HashMap<>(idp.env("google"));
    env.putAll(idp.env("microsoft"));
    server = TestServer.start(env, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    server.close();
    idp.close();
  }

  private static String tokenFrom(URI startUrl) {
    OAuthBrowser.Landing landing = new OAuthBrowser(TestServer.REDIRECT_URL).follow(startUrl.toString());
    assertThat(landing.url()).as(landing.body()).startsWith(TestServer.REDIRECT_URL + "?stytch_token_type=oauth");
    return landing.param("token");
  }

  private static List<String> deliveryMethods(Session s) {
    return s.authenticationFactors().stream().map(AuthenticationFactor::deliveryMethod).toList();
  }

  @Test
  void aGoogleSignInBecomesTheClientsSessionAndMicrosoftStepsItUp() {
    try (LatchkeyClient client = Fixture.client(server).scheduler(new ManualScheduler()).build()) {
      idp.nextUser("google", "client-google", "oauth-client@example.com", true);
      URI url = client.oauth().startUrl("google", OAuthStartOptions.builder()
          .loginRedirectUrl(TestServer.REDIRECT_URL).providerParameter("login_hint", "ada@example.com").build());
      assertThat(url.toString()).startsWith(server.baseUrl() + "/v1/public/oauth/google/start?public_token=")
          .contains("code_challenge=", "provider_login_hint=ada%40example.com");

      AuthenticateResponse r = client.oauth().authenticate(tokenFrom(url), 60).join();

      assertThat(client.session().getSync().sessionId()).isEqualTo(r.session().sessionId());
      assertThat(client.session().getTokens().sessionToken()).isEqualTo(r.sessionToken());
      assertThat(deliveryMethods(client.session().getSync())).containsExactly("oauth_google");

      idp.nextUser("microsoft", "client-microsoft", "oauth-client@example.com", true);
      AuthenticateResponse stepped = client.oauth().authenticate(
          tokenFrom(client.oauth().startUrl("microsoft", OAuthStartOptions.defaults())), 60).join();

      assertThat(stepped.session().sessionId()).isEqualTo(r.session().sessionId());
      assertThat(deliveryMethods(client.session().getSync())).containsExactly("oauth_google", "oauth_microsoft");
    }
  }

  @Test
  void theVerifierOfTheStartIsNeededSoATokenFromAnotherStartIsRefused() {
    try (LatchkeyClient mine = Fixture.client(server).scheduler(new ManualScheduler()).build();
        LatchkeyClient other = Fixture.client(server).scheduler(new ManualScheduler()).build()) {
      idp.nextUser("google", "client-pkce", "oauth-client-pkce@example.com", true);
      String token = tokenFrom(mine.oauth().startUrl("google", OAuthStartOptions.defaults()));
      other.oauth().startUrl("google", OAuthStartOptions.defaults());

      assertThatThrownBy(() -> other.oauth().authenticate(token, 60).join())
          .isInstanceOf(CompletionException.class).cause().isInstanceOf(LatchkeyClientException.class)
          .hasMessageContaining("pkce");
      assertThat(mine.oauth().authenticate(token, 60).join().sessionToken()).isNotEmpty();
    }
  }

  @Test
  void startUrlRefusesABadProviderName() {
    try (LatchkeyClient client = Fixture.client(server).build()) {
      assertThatThrownBy(() -> client.oauth().startUrl("../admin", OAuthStartOptions.defaults()))
          .hasMessageStartingWith("provider must be a provider name");
      assertThatThrownBy(() -> OAuthStartOptions.builder().customScope("a b"))
          .hasMessageStartingWith("customScope must be one scope");
    }
  }
}
