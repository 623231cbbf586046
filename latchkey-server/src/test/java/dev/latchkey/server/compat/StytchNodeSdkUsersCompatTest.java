package dev.latchkey.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The official Stytch Node SDK against a real Latchkey server: {@code compat/node/users.mjs} runs
 * {@code users.search}, {@code users.searchAll} (paging by cursor), {@code users.deletePassword} and
 * {@code users.deleteEmail}, and exits non-zero on the first call that fails or says the wrong thing.
 */
class StytchNodeSdkUsersCompatTest {
  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theNodeSdkSearchesPagesAndDeletesFactorsAgainstLatchkey() throws Exception {
    assertThat(NodeScripts.dir().resolve("node_modules/stytch/package.json"))
        .as("the npm packages are not installed: run 'npm ci --prefix compat/node' (bin/test does this)")
        .exists();
    try (TestServer server = TestServer.start()) {
      NodeScripts.Run run = NodeScripts.run("users.mjs", Map.of(
          "LATCHKEY_BASE_URL", server.baseUrl(),
          "LATCHKEY_PROJECT_ID", server.projectId,
          "LATCHKEY_SECRET", server.secret), SCRIPT_TIMEOUT);

      assertThat(run.exitCode()).as("users.mjs failed:\n%s\n%s", run.stdout(), run.stderr()).isEqualTo(0);
      List<String> lines = run.stdout().lines().toList();
      JsonNode summary = JSON.readTree(lines.get(lines.size() - 1));
      assertThat(summary.path("ok").asBoolean()).isTrue();
      assertThat(summary.path("steps")).hasSize(5);
    }
  }
}
