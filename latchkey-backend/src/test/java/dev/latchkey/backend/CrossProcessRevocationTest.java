package dev.latchkey.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.NodeProcess;
import dev.latchkey.server.testing.TestPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL, each its own JVM; a backend SDK in a third JVM ({@link RevocationProbe}) follows
 * node B's event stream; sessions are made and revoked through node A. Node B learns of A's events through
 * LISTEN/NOTIFY, and the SDK refuses the revoked JWT.
 */
class CrossProcessRevocationTest {
  @TempDir
  Path tmp;

  @Test
  void aRevokeOnNodeAIsRefusedByABackendInAnotherProcessAttachedToNodeB() throws Exception {
    String projectId = "project-test-" + UUID.randomUUID();
    String secret = "secret-test-" + UUID.randomUUID().toString().replace("-", "");
    try (TestPostgres.Database db = TestPostgres.createDatabase()) {
      Map<String, String> env = new HashMap<>();
      env.put("LATCHKEY_PORT", "0");
      env.put("LATCHKEY_BIND", "127.0.0.1");
      env.put("LATCHKEY_DATA_DIR", tmp.resolve("unused").toString());
      env.put("LATCHKEY_DATABASE_URL", db.url());
      env.put("LATCHKEY_DATABASE_POOL_SIZE", "4");
      env.put("LATCHKEY_PROJECT_ID", projectId);
      env.put("LATCHKEY_SECRET", secret);
      env.put("LATCHKEY_ARGON2_MEMORY_KIB", "8192");
      env.put("LATCHKEY_ARGON2_ITERATIONS", "1");
      env.put("LATCHKEY_SESSION_EVENTS_HEARTBEAT", "2s");
      try (NodeProcess a = NodeProcess.start(tmp.resolve("a"), env);
          NodeProcess b = NodeProcess.start(tmp.resolve("b"), env)) {
        ApiClient nodeA = new ApiClient(a.url(), projectId, secret);
        Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx128m", "-cp", System.getProperty("java.class.path"), RevocationProbe.class.getName(), b.url(),
            projectId).redirectError(tmp.resolve("probe.err").toFile()).start();
        try (PrintWriter toProbe = new PrintWriter(probe.getOutputStream(), true, StandardCharsets.UTF_8);
            BufferedReader fromProbe = new BufferedReader(new InputStreamReader(probe.getInputStream(),
                StandardCharsets.UTF_8))) {
          toProbe.println(secret);
          assertThat(line(fromProbe)).isEqualTo("ready");
          for (int i = 0; i < 3; i++) {
            ApiClient.Reply created = nodeA.post("/v1/passwords", "{\"email\":\"xproc-" + UUID.randomUUID()
                + "@example.com\",\"password\":\"" + Fixture.PASSWORD + "\",\"session_duration_minutes\":60}");
            assertThat(created.status()).as(created.text()).isEqualTo(200);
            toProbe.println(created.text("session_jwt"));
            assertThat(line(fromProbe)).isEqualTo("accepted");

            ApiClient.Reply revoked = nodeA.post("/v1/sessions/revoke", "{\"session_id\":\""
                + created.json().path("session").path("session_id").asText() + "\"}");
            assertThat(revoked.status()).as(revoked.text()).isEqualTo(200);

            assertThat(line(fromProbe)).isEqualTo("revoked");
          }
        } finally {
          probe.destroy();
          probe.waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static String line(BufferedReader in) throws IOException {
    String line = in.readLine();
    assertThat(line).as("the probe ended early").isNotNull();
    return line;
  }
}
