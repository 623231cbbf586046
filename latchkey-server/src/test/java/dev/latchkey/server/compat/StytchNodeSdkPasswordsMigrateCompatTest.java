package dev.latchkey.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.testing.LegacyHashes;
import dev.latchkey.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The official Stytch Node SDK's {@code passwords.migrate} against a real Latchkey server ({@code
 * compat/node/passwords-migrate.mjs}): a bcrypt user migrated and signed in through the SDK, and a refused config.
 */
class StytchNodeSdkPasswordsMigrateCompatTest {
  private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theNodeSdkMigratesAUserWhoThenSignsInWithTheOldPassword() throws Exception {
    assertThat(NodeScripts.dir().resolve("node_modules/stytch/package.json"))
        .as("the npm packages are not installed: run 'npm ci --prefix compat/node' (bin/test does this)")
        .exists();
    try (TestServer server = TestServer.start()) {
      NodeScripts.Run run = NodeScripts.run("passwords-migrate.mjs", Map.of(
          "LATCHKEY_BASE_URL", server.baseUrl(),
          "LATCHKEY_PROJECT_ID", server.projectId,
          "LATCHKEY_SECRET", server.secret,
          "LATCHKEY_BCRYPT_HASH", (String) LegacyHashes.of("bcrypt", "the password from before").get("hash"),
          "LATCHKEY_BCRYPT_PASSWORD", "the password from before"), SCRIPT_TIMEOUT);

      assertThat(run.exitCode()).as("passwords-migrate.mjs failed:\n%s\n%s", run.stdout(), run.stderr()).isEqualTo(0);
      List<String> lines = run.stdout().lines().toList();
      JsonNode summary = JSON.readTree(lines.get(lines.size() - 1));
      assertThat(summary.path("ok").asBoolean()).isTrue();
      assertThat(summary.path("steps")).hasSize(5);
      assertThat(server.api().get("/v1/users/" + summary.path("user_id").asText()).json().path("password")
          .path("password_id").asText()).startsWith("password-test-");
    }
  }
}
