package dev.latchkey.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The official Stytch Node SDK ({@code stytch} 14.2.0, pinned in {@code compat/node/package.json}) against a real
 * Latchkey server: {@code compat/node/check.mjs} runs every session call and exits non-zero on the first
 * disagreement. {@code bin/test} installs the npm packages ({@code npm ci --prefix compat/node}) before Maven runs.
 */
class StytchNodeSdkCompatTest {
  /** The script makes about a dozen local HTTP calls; this bound only stops a hung process from hanging the build. */
  private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theNodeSdkAuthenticatesListsVerifiesFallsBackAndRevokesAgainstLatchkey() throws Exception {
    Path nodeDir = NodeScripts.dir();
    assertThat(nodeDir.resolve("node_modules/stytch/package.json"))
        .as("the npm packages are not installed: run 'npm ci --prefix compat/node' (bin/test does this)")
        .exists();

    MutableClock clock = new MutableClock();
    try (TestServer server = TestServer.start(clock)) {
      ApiClient api = server.api();
      // Sign up ten minutes ago: the JWT from then is expired now, while the hour-long session is still alive,
      // which is what makes authenticateJwt fall back from the local check to the API.
      clock.set(Instant.now().minus(Duration.ofMinutes(10)));
      ApiClient.Reply signup = api.post("/v1/passwords", "{\"email\":\"node-" + UUID.randomUUID()
          + "@example.com\",\"password\":\"correct horse battery staple 8472\",\"session_duration_minutes\":60}");
      assertThat(signup.status()).isEqualTo(200);
      clock.set(Instant.now());
      String token = signup.text("session_token");
      String sessionId = signup.json().path("session").path("session_id").asText();

      NodeScripts.Run run = NodeScripts.run("check.mjs", Map.of(
          "LATCHKEY_BASE_URL", server.baseUrl(),
          "LATCHKEY_PROJECT_ID", server.projectId,
          "LATCHKEY_SECRET", server.secret,
          "LATCHKEY_SESSION_TOKEN", token,
          "LATCHKEY_OLD_SESSION_JWT", signup.text("session_jwt")), SCRIPT_TIMEOUT);

      assertThat(run.exitCode()).as("check.mjs failed:\n%s\n%s", run.stdout(), run.stderr()).isEqualTo(0);
      List<String> lines = run.stdout().lines().toList();
      JsonNode summary = JSON.readTree(lines.get(lines.size() - 1));
      assertThat(summary.path("ok").asBoolean()).isTrue();
      assertThat(summary.path("session_id").asText()).isEqualTo(sessionId);
      assertThat(summary.path("user_id").asText()).isEqualTo(signup.text("user_id"));
      assertThat(summary.path("fallback").asBoolean()).isTrue();
      assertThat(summary.path("jwks_keys").asInt()).isEqualTo(1);
      assertThat(JSON.convertValue(summary.path("steps"), String[].class)).containsExactly(
          "sessions.authenticate(session_token)",
          "sessions.authenticate(session_jwt)",
          "sessions.get",
          "sessions.getJWKS",
          "sessions.authenticateJwtLocal",
          "sessions.authenticateJwt(fresh, local)",
          "sessions.authenticateJwtLocal(expired) is refused",
          "sessions.authenticateJwt(expired, falls back to the API)",
          "sessions.authenticate(unknown token) is session_not_found",
          "sessions.revoke",
          "sessions.authenticate(revoked) is session_not_found");

      // The script's revoke really happened on the server.
      ApiClient.Reply after = api.post("/v1/sessions/authenticate", "{\"session_token\":\"" + token + "\"}");
      assertThat(after.status()).isEqualTo(404);
      assertThat(after.text("error_type")).isEqualTo("session_not_found");
    }
  }

  @Test
  void theNodeScriptFailsWithAClearMessageWhenTheServerSaysTheSessionIsGone() throws Exception {
    Path nodeDir = NodeScripts.dir();
    try (TestServer server = TestServer.start()) {
      NodeScripts.Run run = NodeScripts.run("check.mjs", Map.of(
          "LATCHKEY_BASE_URL", server.baseUrl(),
          "LATCHKEY_PROJECT_ID", server.projectId,
          "LATCHKEY_SECRET", server.secret,
          "LATCHKEY_SESSION_TOKEN", "y".repeat(44)), SCRIPT_TIMEOUT);

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.stderr()).contains("check.mjs: FAILED at sessions.authenticate(session_token)")
          .contains("session_not_found");
      assertThat(run.stdout()).doesNotContain("\"ok\":true");
    }
  }
}
