package dev.latchkey.server.cluster;

import static dev.latchkey.server.cluster.MultiNodeTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.NodeProcess;
import dev.latchkey.server.testing.TestPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stops in the middle of a stream of writes to three nodes and comes back: the nodes answer 503
 * {@code database_unavailable} (never a 500, never no answer), report unready, recover by themselves (their pools
 * and their LISTEN connections), and every write they acknowledged is there afterwards.
 */
class DatabaseOutageTest {
  /** Writes acknowledged before the stop and again after the restart: enough to be a stream, quick to reach. */
  private static final int ACKS_PER_PHASE = 15;

  @TempDir
  Path tmp;

  /** One reply, or the failure to get one (a hang past the client's timeout, a dropped connection). */
  private record Outcome(int node, int status, String errorType, String userId, String failure) {}

  @Test
  void nodesAnswer503DuringAnOutageRecoverByThemselvesAndLoseNoAcknowledgedWrite() throws Exception {
    // Keys are re-read on a schedule only every 60 s: a rotation seen sooner after the outage came through the
    // nodes' LISTEN connections, so they reconnected too.
    try (Cluster cluster = Cluster.start(tmp, 3, Map.of("LATCHKEY_DATABASE_TIMEOUT", "2s",
        "LATCHKEY_KEY_REFRESH_INTERVAL", "60s"))) {
      ApiClient.Reply before = cluster.api(0).post("/v1/passwords", "{\"email\":\"outage-ada@example.com\","
          + "\"password\":\"correct horse battery staple\",\"session_duration_minutes\":60}");
      assertThat(before.status()).as(before.text()).isEqualTo(200);

      ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
      AtomicInteger acks = new AtomicInteger();
      AtomicBoolean writing = new AtomicBoolean(true);
      List<Thread> writers = new ArrayList<>();
      for (int n = 0; n < 3; n++) {
        int node = n;
        ApiClient api = cluster.api(node);
        Thread t = new Thread(() -> {
          for (int i = 0; writing.get(); i++) {
            String email = "outage-" + node + "-" + i + "@example.com";
            try {
              ApiClient.Reply r = api.post("/v1/users", "{\"email\":\"" + email + "\"}");
              outcomes.add(new Outcome(node, r.status(), r.json() == null ? null : r.text("error_type"),
                  r.status() == 200 ? r.text("user_id") : null, null));
              if (r.status() == 200) {
                acks.incrementAndGet();
              }
            } catch (RuntimeException e) {
              outcomes.add(new Outcome(node, 0, null, null, e.toString()));
            }
          }
        }, "outage-writer-" + node);
        t.start();
        writers.add(t);
      }

      boolean stopped = false;
      try {
        awaitTrue("writes acknowledged before the outage", () -> acks.get() >= ACKS_PER_PHASE);
        TestPostgres.stopServer();
        stopped = true;
        int repliesAtStop = outcomes.size();

        awaitTrue("every node answers 503 during the outage", () -> outcomes.stream().skip(repliesAtStop)
            .filter(o -> o.status() == 503).map(Outcome::node).distinct().count() == 3);
        for (ApiClient node : cluster.apis()) {
          ApiClient.Reply ready = node.get("/readyz");
          assertThat(ready.status()).isEqualTo(503);
          assertThat(ready.text("error_type")).isEqualTo("database_unavailable");
        }

        TestPostgres.startServer();
        stopped = false;
        awaitTrue("every node is ready again",
            () -> cluster.apis().stream().allMatch(node -> node.get("/readyz").status() == 200));
        int acksAtRecovery = acks.get();
        awaitTrue("writes acknowledged after the outage", () -> acks.get() >= acksAtRecovery + ACKS_PER_PHASE);
      } finally {
        writing.set(false);
        for (Thread t : writers) {
          t.join();
        }
        if (stopped) {
          TestPostgres.startServer();
        }
      }

      assertThat(outcomes).filteredOn(o -> o.failure() != null).as("requests without an answer").isEmpty();
      assertThat(outcomes).extracting(Outcome::status).as("statuses").containsOnly(200, 503);
      assertThat(outcomes).filteredOn(o -> o.status() == 503).extracting(Outcome::errorType)
          .containsOnly("database_unavailable");
      List<String> acknowledged = outcomes.stream().filter(o -> o.status() == 200).map(Outcome::userId).toList();
      for (int i = 0; i < acknowledged.size(); i++) {
        ApiClient.Reply found = cluster.api(i % 3).get("/v1/users/" + acknowledged.get(i));
        assertThat(found.status()).as("acknowledged user %s", acknowledged.get(i)).isEqualTo(200);
      }
      for (ApiClient node : cluster.apis()) {
        ApiClient.Reply session = node.post("/v1/sessions/authenticate",
            "{\"session_token\":\"" + before.text("session_token") + "\"}");
        assertThat(session.status()).as("a session from before the outage").isEqualTo(200);
      }

      NodeProcess.Finished rotate = NodeProcess.run(tmp.resolve("rotate"), cluster.environment(), "keys", "rotate");
      assertThat(rotate.exitCode()).as(rotate.stderr()).isZero();
      Matcher kid = Pattern.compile("New signing key (\\S+);").matcher(rotate.stdout());
      assertThat(kid.find()).as(rotate.stdout()).isTrue();
      awaitTrue("every node hears of a rotation after the outage", () -> cluster.apis().stream()
          .allMatch(node -> node.get("/v1/sessions/jwks/" + cluster.projectId).text().contains(kid.group(1))));
    }
  }
}
