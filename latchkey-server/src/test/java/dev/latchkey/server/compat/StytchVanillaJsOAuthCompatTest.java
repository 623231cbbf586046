package dev.latchkey.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.testing.TestOidc;
import dev.latchkey.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The official browser SDK ({@code @stytch/vanilla-js}, headless, in jsdom) through its own OAuth calls against a
 * real server and a real OpenID Connect provider on loopback ({@code compat/node/vanilla-oauth.mjs}):
 * {@code oauth.google.start()} builds the start URL with its PKCE challenge, the redirects are followed with the
 * state cookie, and {@code oauth.authenticate(token)} sends the verifier the SDK kept.
 */
class StytchVanillaJsOAuthCompatTest {
  /** A handful of local HTTP calls; this bound only stops a hung process from hanging the build. */
  private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);

  @Test
  void theBrowserSdkStartsAndAuthenticatesAGoogleSignInAgainstLatchkey() throws Exception {
    Path nodeDir = NodeScripts.dir();
    assertThat(nodeDir.resolve("node_modules/@stytch/vanilla-js/package.json"))
        .as("the npm packages are not installed: run 'npm ci --prefix compat/node' (bin/test does this)")
        .exists();
    try (TestOidc idp = TestOidc.start(); TestServer server = TestServer.start(idp.env("google"), Clock.systemUTC())) {
      idp.nextUser("google", "vanilla-sub", "vanilla-oauth@example.com", true);

      NodeScripts.Run run = NodeScripts.run("vanilla-oauth.mjs", Map.of(
          "LATCHKEY_BASE_URL", server.baseUrl(),
          "LATCHKEY_PUBLIC_TOKEN", server.publicToken,
          "LATCHKEY_REDIRECT_URL", TestServer.REDIRECT_URL), SCRIPT_TIMEOUT);

      assertThat(run.exitCode()).as("vanilla-oauth.mjs failed:\n%s\n%s", run.stdout(), run.stderr()).isEqualTo(0);
      List<String> lines = run.stdout().lines().toList();
      JsonNode summary = new ObjectMapper().readTree(lines.get(lines.size() - 1));
      assertThat(summary.path("ok").asBoolean()).isTrue();
      assertThat(new ObjectMapper().convertValue(summary.path("steps"), String[].class)).containsExactly(
          "oauth.google.start", "the browser's redirects", "oauth.authenticate", "the session is the SDK's");
      JsonNode user = server.api().get("/v1/users/" + summary.path("user_id").asText()).json();
      assertThat(user.path("providers").get(0).path("provider_subject").asText()).isEqualTo("vanilla-sub");
    }
  }
}
