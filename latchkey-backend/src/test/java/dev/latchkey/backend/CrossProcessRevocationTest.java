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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes on one PostgreSQL, each its own JVM; three backends, each in a JVM of its own
 * ({@link RevocationProbe}), each following the event stream of a different node. Sessions are made on one node and
 * revoked on the next, in turn, so every node both writes revocations and relays the others' (learnt through
 * LISTEN/NOTIFY); every backend refuses every revoked JWT.
 */
class CrossProcessRevocationTest {
  @TempDir
  Path tmp;

  @Test
  void aRevokeOnAnyNodeIsRefusedByBackendsInOtherProcessesAttachedToEveryNode() throws Exception {
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
          NodeProcess b = NodeProcess.start(tmp.resolve("b"), env);
          NodeProcess c = NodeProcess.start(tmp.resolve("c"), env)) {
        List<NodeProcess> nodes = List.of(a, b, c);
        List<Probe> probes = new ArrayList<>();
        try {
          for (int n = 0; n < nodes.size(); n++) {
            probes.add(Probe.start(nodes.get(n).url(), projectId, secret, tmp.resolve("probe-" + n + ".err")));
          }
          for (int i = 0; i < 6; i++) {
            ApiClient maker = new ApiClient(nodes.get(i % 3).url(), projectId, secret);
            ApiClient revoker = new ApiClient(nodes.get((i + 1) % 3).url(), projectId, secret);
            ApiClient.Reply created = maker.post("/v1/passwords", "{\"email\":\"xproc-" + UUID.randomUUID()
                + "@example.com\",\"password\":\"" + Fixture.PASSWORD + "\",\"session_duration_minutes\":60}");
            assertThat(created.status()).as(created.text()).isEqualTo(200);
            for (Probe probe : probes) {
              probe.send(created.text("session_jwt"));
            }
            for (Probe probe : probes) {
              assertThat(probe.line()).as("backend on " + probe.nodeUrl).isEqualTo("accepted");
            }

            ApiClient.Reply revoked = revoker.post("/v1/sessions/revoke", "{\"session_id\":\""
                + created.json().path("session").path("session_id").asText() + "\"}");
            assertThat(revoked.status()).as(revoked.text()).isEqualTo(200);

            for (Probe probe : probes) {
              assertThat(probe.line()).as("backend on " + probe.nodeUrl + ", session made on node " + (i % 3)
                  + " and revoked on node " + ((i + 1) % 3)).isEqualTo("revoked");
            }
          }
        } finally {
          for (Probe probe : probes) {
            probe.close();
          }
        }
      }
    }
  }

  /** One {@link RevocationProbe} JVM and its pipes. */
  private record Probe(String nodeUrl, Process process, PrintWriter to, BufferedReader from) {
    static Probe start(String nodeUrl, String projectId, String secret, Path stderr) throws IOException {
      Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx128m", "-cp", System.getProperty("java.class.path"), RevocationProbe.class.getName(), nodeUrl,
          projectId).redirectError(stderr.toFile()).start();
      Probe probe = new Probe(nodeUrl, process,
          new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8),
          new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)));
      probe.send(secret);
      assertThat(probe.line()).isEqualTo("ready");
      return probe;
    }

    void send(String line) {
      to.println(line);
    }

    String line() throws IOException {
      String line = from.readLine();
      assertThat(line).as("the probe on " + nodeUrl + " ended early").isNotNull();
      return line;
    }

    void close() throws InterruptedException {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
