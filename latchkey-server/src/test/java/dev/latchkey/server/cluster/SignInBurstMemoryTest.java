package dev.latchkey.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.NodeProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher gives the server a 256 MiB heap (bin/latchkey, LATCHKEY_JAVA_OPTS). Argon2id holds its memory cost
 * (19 MiB by default) for a whole hash, so a burst of sign-ins must not run them all at once: hashes run on the
 * hashing pool's threads (one per core by default), and the rest of the burst waits in its queue (64 by default).
 */
class SignInBurstMemoryTest {
  private static final String PASSWORD = "correct horse battery staple 1987!";

  @TempDir
  Path tmp;

  @Test
  void sixtyFourConcurrentSignInsAtTheDefaultCostSucceedInAServerWithA256MibHeap() throws Exception {
    String projectId = "project-test-" + UUID.randomUUID();
    String secret = "secret-test-" + UUID.randomUUID().toString().replace("-", "");
    Map<String, String> env = new HashMap<>();
    env.put("LATCHKEY_PORT", "0");
    env.put("LATCHKEY_BIND", "127.0.0.1");
    env.put("LATCHKEY_PROJECT_ID", projectId);
    env.put("LATCHKEY_SECRET", secret);
    env.put("LATCHKEY_DATA_DIR", tmp.resolve("data").toString());
    // Sign-in attempts against one email are counted while they run, so 64 at once would trip the default lockout
    // (by design: that is what a guessing burst looks like). Memory is what this test is about.
    env.put("LATCHKEY_LOCKOUT_THRESHOLD", "1000");
    // No LATCHKEY_ARGON2_*: the default cost, 19 MiB a hash; 64 at once would need 1.2 GiB. NodeProcess gives the
    // JVM -Xmx256m, the launcher's default.
    try (NodeProcess node = NodeProcess.start(tmp, env)) {
      ApiClient api = new ApiClient(node.url(), projectId, secret);
      assertThat(api.post("/v1/passwords", "{\"email\":\"burst@example.com\",\"password\":\"" + PASSWORD + "\"}")
          .status()).isEqualTo(200);
      List<Future<Integer>> signIns = new ArrayList<>();
      try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < 64; i++) {
          signIns.add(clients.submit(() -> api.post("/v1/passwords/authenticate",
              "{\"email\":\"burst@example.com\",\"password\":\"" + PASSWORD + "\",\"session_duration_minutes\":60}")
              .status()));
        }
        for (Future<Integer> signIn : signIns) {
          assertThat(signIn.get()).isEqualTo(200);
        }
      }
      assertThat(node.log()).doesNotContain("OutOfMemoryError");
    }
  }
}
