package dev.latchkey.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;

/**
 * The official Stytch Node SDK's {@code sessions.migrate} ({@code compat/node/sessions-migrate.mjs}) against a real server
 * whose migration provider is a real OpenID provider on loopback ({@code mock-oauth2-server}).
 */
class StytchNodeSdkSessionsMigrateCompatTest {
  /** A few local HTTP calls; this bound only stops a hung process from hanging the build. */
  private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theNodeSdkMigratesASessionFromAnotherProvider() throws Exception {
    Path nodeDir = NodeScripts.dir();
    assertThat(nodeDir.resolve("node_modules/stytch/package.json"))
        .as("the npm packages are not installed: run 'npm ci --prefix compat/node' (bin/test does this)")
        .exists();
    MockOAuth2Server provider = new MockOAuth2Server();
    provider.start();
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_SESSION_MIGRATE_ISSUER",
        provider.issuerUrl("legacy").toString()), new MutableClock())) {
      String email = "node-migrate-" + UUID.randomUUID() + "@example.com";
      String token = provider.issueToken("legacy", "legacy-user-node", "legacy-app",
          Map.of("email", email, "email_verified", true), 3600).serialize();

      NodeScripts.Run run = NodeScripts.run("sessions-migrate.mjs", Map.of(
          "LATCHKEY_BASE_URL", server.baseUrl(),
          "LATCHKEY_PROJECT_ID", server.projectId,
          "LATCHKEY_SECRET", server.secret,
          "LATCHKEY_ACCESS_TOKEN", token,
          "LATCHKEY_EXPECTED_EMAIL", email), SCRIPT_TIMEOUT);

      assertThat(run.exitCode()).as("sessions-migrate.mjs failed:\n%s\n%s", run.stdout(), run.stderr()).isEqualTo(0);
      List<String> lines = run.stdout().lines().toList();
      JsonNode summary = JSON.readTree(lines.get(lines.size() - 1));
      assertThat(summary.path("ok").asBoolean()).isTrue();
      assertThat(summary.path("steps")).hasSize(3);
    } finally {
      provider.shutdown();
    }
  }
}
