package dev.latchkey.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The official Stytch browser SDK ({@code @stytch/vanilla-js} 6.3.0, headless, in jsdom 26.1.0; both pinned in
 * {@code compat/node/package.json}) against a real Latchkey server through its {@code /sdk/v1} endpoints:
 * {@code compat/node/vanilla.mjs} hydrates a session from backend-issued tokens, authenticates it, watches
 * {@code onChange}, reads the user, extends and revokes the session, signs in with a password and steps that session
 * up with an email code ({@code otps.email.send} goes to {@code send/secondary}), refreshes the cached session from a
 * reloaded client, and is signed out when the backend revokes the session behind its back. {@code bin/test} installs the npm packages first.
 */
class StytchVanillaJsCompatTest {
  /** A few dozen local HTTP calls; this bound only stops a hung process from hanging the build. */
  private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "correct horse battery staple 8472";

  @Test
  void theBrowserSdkHydratesAuthenticatesWatchesRevokesAndIsSignedOutByTheServer() throws Exception {
    Path nodeDir = NodeScripts.dir();
    assertThat(nodeDir.resolve("node_modules/@stytch/vanilla-js/package.json"))
        .as("the npm packages are not installed: run 'npm ci --prefix compat/node' (bin/test does this)")
        .exists();

    // The script reads the code of its email sign-in from the dev outbox.
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_DEV_OUTBOX", "true"), java.time.Clock.systemUTC())) {
      ApiClient backend = server.api();
      String email = "browser-" + UUID.randomUUID() + "@example.com";
      ApiClient.Reply signup = backend.post("/v1/passwords", "{\"email\":\"" + email + "\",\"password\":\""
          + PASSWORD + "\",\"session_duration_minutes\":60}");
      assertThat(signup.status()).as(signup.text()).isEqualTo(200);
      String token = signup.text("session_token");
      String sessionId = signup.json().path("session").path("session_id").asText();

      NodeScripts.Run run = NodeScripts.run("vanilla.mjs", Map.of(
          "LATCHKEY_BASE_URL", server.baseUrl(),
          "LATCHKEY_PUBLIC_TOKEN", server.publicToken,
          "LATCHKEY_PROJECT_ID", server.projectId,
          "LATCHKEY_SECRET", server.secret,
          "LATCHKEY_SESSION_TOKEN", token,
          "LATCHKEY_SESSION_JWT", signup.text("session_jwt"),
          "LATCHKEY_EMAIL", email,
          "LATCHKEY_PASSWORD", PASSWORD), SCRIPT_TIMEOUT);

      assertThat(run.exitCode()).as("vanilla.mjs failed:\n%s\n%s", run.stdout(), run.stderr()).isEqualTo(0);
      List<String> lines = run.stdout().lines().toList();
      JsonNode summary = JSON.readTree(lines.get(lines.size() - 1));
      assertThat(summary.path("ok").asBoolean()).isTrue();
      assertThat(summary.path("session_id").asText()).isEqualTo(sessionId);
      assertThat(summary.path("user_id").asText()).isEqualTo(signup.text("user_id"));
      assertThat(JSON.convertValue(summary.path("steps"), String[].class)).containsExactly(
          "session.updateSession",
          "session.authenticate",
          "session.getSync",
          "session.onChange",
          "user.get",
          "session.authenticate(session_duration_minutes)",
          "session.revoke",
          "passwords.authenticate",
          "otps.email.send (signed in: send/secondary)",
          "otps.authenticate steps the session up",
          "a new client starts from the cached session and refreshes it",
          "session.authenticate(revoked by the backend) signs out");

      // The SDK's revoke really ended the session on the server, and the password sign-in's session is gone too.
      ApiClient.Reply sessions = backend.get("/v1/sessions?user_id=" + signup.text("user_id"));
      assertThat(sessions.status()).isEqualTo(200);
      assertThat(sessions.json().path("sessions").size()).as(sessions.text()).isZero();
      ApiClient.Reply after = backend.post("/v1/sessions/authenticate", "{\"session_token\":\"" + token + "\"}");
      assertThat(after.text("error_type")).isEqualTo("session_not_found");
    }
  }
}
