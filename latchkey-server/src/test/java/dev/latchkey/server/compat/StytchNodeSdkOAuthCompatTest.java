package dev.latchkey.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.testing.OAuthBrowser;
import dev.latchkey.server.testing.TestOidc;
import dev.latchkey.server.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The official Stytch Node SDK's {@code oauth.authenticate}, {@code oauth.attach} and
 * {@code users.deleteOAuthRegistration} ({@code compat/node/oauth.mjs}) against a real server, with the token of a
 * browser flow against a real OpenID Connect provider on loopback.
 */
class StytchNodeSdkOAuthCompatTest {
  /** A handful of local HTTP calls; this bound only stops a hung process from hanging the build. */
  private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);

  @Test
  void theNodeSdkAuthenticatesAttachesAndUnlinksAgainstLatchkey() throws Exception {
    Path nodeDir = NodeScripts.dir();
    assertThat(nodeDir.resolve("node_modules/stytch/package.json"))
        .as("the npm packages are not installed: run 'npm ci --prefix compat/node' (bin/test does this)")
        .exists();
    try (TestOidc idp = TestOidc.start(); TestServer server = TestServer.start(idp.env("google"), Clock.systemUTC())) {
      idp.nextUser("google", "node-sdk-sub", "node-sdk-oauth@example.com", true);
      OAuthBrowser.Landing landing = new OAuthBrowser(TestServer.REDIRECT_URL).follow(server.baseUrl()
          + "/v1/public/oauth/google/start?public_token=" + URLEncoder.encode(server.publicToken,
              StandardCharsets.UTF_8));
      assertThat(landing.url()).as(landing.body()).startsWith(TestServer.REDIRECT_URL + "?stytch_token_type=oauth");

      NodeScripts.Run run = NodeScripts.run("oauth.mjs", Map.of(
          "LATCHKEY_BASE_URL", server.baseUrl(),
          "LATCHKEY_PROJECT_ID", server.projectId,
          "LATCHKEY_SECRET", server.secret,
          "LATCHKEY_OAUTH_TOKEN", landing.param("token")), SCRIPT_TIMEOUT);

      assertThat(run.exitCode()).as("oauth.mjs failed:\n%s\n%s", run.stdout(), run.stderr()).isEqualTo(0);
      List<String> lines = run.stdout().lines().toList();
      JsonNode summary = new ObjectMapper().readTree(lines.get(lines.size() - 1));
      assertThat(summary.path("ok").asBoolean()).isTrue();
      assertThat(summary.path("provider_type").asText()).isEqualTo("Google");
      assertThat(new ObjectMapper().convertValue(summary.path("steps"), String[].class)).containsExactly(
          "oauth.authenticate", "oauth.authenticate(spent token) is oauth_token_not_found", "oauth.attach",
          "users.deleteOAuthRegistration");
      assertThat(server.api().get("/v1/users/" + summary.path("user_id").asText()).json().path("providers"))
          .isEmpty();
    }
  }
}
