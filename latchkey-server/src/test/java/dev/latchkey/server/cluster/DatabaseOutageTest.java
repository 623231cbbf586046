package dev.latchkey.server.cluster;

import static dev.latchkey.server.cluster.MultiNodeTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.NodeProcess;
import dev.latchkey.server.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stops in the middle of a stream of writes to three nodes and comes back: the nodes answer 503
 * {@code database_unavailable} (never a 500, never no answer), and once a node has seen the database fail it answers
 * at once (a readiness probe with Kubernetes' one-second timeout reads "unready" instead of timing out) while one
 * probe at a time checks for recovery; they recover by themselves (their pools and their LISTEN connections), the
 * first request after the database is back succeeds, and every write they acknowledged is there afterwards.
 */
class DatabaseOutageTest {
  /** Writes acknowledged before the stop and again after the restart: enough to be a stream, quick to reach. */
  private static final int ACKS_PER_PHASE = 15;
  /**
   * Its pool wait (7 s, see JdbcStores.poolWait) is above the pool's longest pause between reconnection attempts (5 s),
   * so that the first request after recovery succeeds even when an attempt begun during the outage is still asleep.
   */
  private static final String DATABASE_TIMEOUT = "8s";
  /** What an orchestrator gives a readiness probe before it counts a timeout (Kubernetes' default). */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

  @TempDir
  Path tmp;

  /** One reply, or the failure to get one (a hang past the client's timeout, a dropped connection). */
  private record Outcome(int node, int status, String errorType, String userId, String failure, long sentAtNanos,
      long millis) {}

  /** Three threads writing new users to the three nodes until {@link #stop()}. */
  private static final class Writers {
    final ConcurrentLinkedQueue<Outcome> outcomes;
    final AtomicInteger acks;
    final AtomicBoolean writing = new AtomicBoolean(true);
    final List<Thread> threads = new ArrayList<>();

    Writers(Cluster cluster, String phase, ConcurrentLinkedQueue<Outcome> outcomes, AtomicInteger acks) {
      this.outcomes = outcomes;
      this.acks = acks;
      for (int n = 0; n < 3; n++) {
        int node = n;
        ApiClient api = cluster.api(node);
        Thread t = new Thread(() -> {
          for (int i = 0; writing.get(); i++) {
            String email = "outage-" + phase + "-" + node + "-" + i + "@example.com";
            long sent = System.nanoTime();
            try {
              ApiClient.Reply r = api.post("/v1/users", "{\"email\":\"" + email + "\"}");
              outcomes.add(new Outcome(node, r.status(), r.json() == null ? null : r.text("error_type"),
                  r.status() == 200 ? r.text("user_id") : null, null, sent, millisSince(sent)));
              if (r.status() == 200) {
                acks.incrementAndGet();
              }
            } catch (RuntimeException e) {
              outcomes.add(new Outcome(node, 0, null, null, e.toString(), sent, millisSince(sent)));
            }
          }
        }, "outage-writer-" + phase + "-" + node);
        t.start();
        threads.add(t);
      }
    }

    void stop() throws InterruptedException {
      writing.set(false);
      for (Thread t : threads) {
        t.join();
      }
    }
  }

  private static long millisSince(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
  }

  @Test
  void nodesAnswer503AtOnceDuringAnOutageRecoverByThemselvesAndLoseNoAcknowledgedWrite() throws Exception {
    // Keys are re-read on a schedule only every 60 s: a rotation seen sooner after the outage came through the
    // nodes' LISTEN connections, so they reconnected too.
    try (Cluster cluster = Cluster.start(tmp, 3, Map.of("LATCHKEY_DATABASE_TIMEOUT", DATABASE_TIMEOUT,
        "LATCHKEY_KEY_REFRESH_INTERVAL", "60s"))) {
      ApiClient.Reply before = cluster.api(0).post("/v1/passwords", "{\"email\":\"outage-ada@example.com\","
          + "\"password\":\"correct horse battery staple\",\"session_duration_minutes\":60}");
      assertThat(before.status()).as(before.text()).isEqualTo(200);

      ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
      AtomicInteger acks = new AtomicInteger();
      Writers writers = new Writers(cluster, "before", outcomes, acks);
      boolean stopped = false;
      try {
        awaitTrue("writes acknowledged before the outage", () -> acks.get() >= ACKS_PER_PHASE);
        long stoppedAt = System.nanoTime();
        TestPostgres.stopServer();
        stopped = true;
        int repliesAtStop = outcomes.size();

        awaitTrue("every node answers 503 during the outage", () -> outcomes.stream().skip(repliesAtStop)
            .filter(o -> o.status() == 503).map(Outcome::node).distinct().count() == 3);
        for (int node = 0; node < 3; node++) {
          int n = node;
          outcomes.stream().skip(repliesAtStop).filter(o -> o.node() == n && o.status() == 503).findFirst()
              .ifPresent(o -> System.out.printf("node %d: first 503 of the outage after %d ms (request sent %d ms "
                  + "after the stop), with LATCHKEY_DATABASE_TIMEOUT=%s%n", n, o.millis(),
                  Duration.ofNanos(o.sentAtNanos() - stoppedAt).toMillis(), DATABASE_TIMEOUT));
        }

        // The circuit is open on every node: the probe and the requests are answered before the probe's deadline.
        for (ApiClient node : cluster.apis()) {
          ApiClient.Reply ready = node.withTimeout(PROBE_TIMEOUT).get("/readyz");
          assertThat(ready.status()).isEqualTo(503);
          assertThat(ready.text("error_type")).isEqualTo("database_unavailable");
          ApiClient.Reply write = node.withTimeout(PROBE_TIMEOUT).post("/v1/users",
              "{\"email\":\"outage-open-" + UUID.randomUUID() + "@example.com\"}");
          assertThat(write.status()).isEqualTo(503);
          assertThat(write.text("error_type")).isEqualTo("database_unavailable");
        }
        writers.stop();

        TestPostgres.startServer();
        stopped = false;
        // The first request each node gets after the database is back succeeds: its probe finds the database, and
        // the pool connects at once (no reconnection attempts were left sleeping).
        for (int node = 0; node < 3; node++) {
          ApiClient.Reply first = cluster.api(node).post("/v1/users",
              "{\"email\":\"outage-first-" + node + "@example.com\"}");
          assertThat(first.status()).as("node %d's first request after recovery: %s", node, first.text())
              .isEqualTo(200);
          outcomes.add(new Outcome(node, 200, null, first.text("user_id"), null, System.nanoTime(), 0));
        }
        assertThat(cluster.apis()).allSatisfy(node -> assertThat(node.get("/readyz").status()).isEqualTo(200));

        writers = new Writers(cluster, "after", outcomes, acks);
        int acksAtRecovery = acks.get();
        awaitTrue("writes acknowledged after the outage", () -> acks.get() >= acksAtRecovery + ACKS_PER_PHASE);
      } finally {
        writers.stop();
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
