package dev.latchkey.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.NodeProcess;
import dev.latchkey.server.testing.TestPostgres;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a real node (its own JVM) in the middle of a stream of sign-ins, extensions and revocations, at
 * several random moments. After each restart on the same database: every session whose creation was acknowledged
 * exists, every acknowledged revocation holds, every acknowledged extension holds (the expiry is at least the one
 * acknowledged; a later, unacknowledged one may have landed too), and the database passes its integrity check.
 * A request in flight at the kill may or may not have happened; only what a client was told is checked.
 */
class CrashTest {
  private static final int REPETITIONS = 3;
  private static final int WORKERS = 3;
  private static final String PASSWORD = "correct horse battery staple";

  @TempDir
  Path tmp;

  @Test
  void acknowledgedWritesSurviveKillNineOnSqlite() throws Exception {
    String projectId = "project-test-" + UUID.randomUUID();
    String secret = "secret-test-" + UUID.randomUUID().toString().replace("-", "");
    Map<String, String> env = baseEnv(projectId, secret);
    env.put("LATCHKEY_DATA_DIR", tmp.resolve("data").toString());
    crashRepeatedly(env, projectId, secret, () -> sqliteIntegrityIsOk(tmp.resolve("data").resolve("latchkey.db")));
  }

  @Test
  void acknowledgedWritesSurviveKillNineOnPostgres() throws Exception {
    String projectId = "project-test-" + UUID.randomUUID();
    String secret = "secret-test-" + UUID.randomUUID().toString().replace("-", "");
    try (TestPostgres.Database db = TestPostgres.createDatabase()) {
      Map<String, String> env = baseEnv(projectId, secret);
      env.put("LATCHKEY_DATA_DIR", tmp.resolve("unused").toString());
      env.put("LATCHKEY_DATABASE_URL", db.url());
      crashRepeatedly(env, projectId, secret, () -> postgresIsConsistent(db.url()));
    }
  }

  private static Map<String, String> baseEnv(String projectId, String secret) {
    Map<String, String> env = new HashMap<>();
    env.put("LATCHKEY_PORT", "0");
    env.put("LATCHKEY_BIND", "127.0.0.1");
    env.put("LATCHKEY_PROJECT_ID", projectId);
    env.put("LATCHKEY_SECRET", secret);
    env.put("LATCHKEY_ARGON2_MEMORY_KIB", "8192");
    env.put("LATCHKEY_ARGON2_ITERATIONS", "1");
    env.put("LATCHKEY_LIMIT_IP_FAILURES", "100000");
    env.put("LATCHKEY_LOCKOUT_THRESHOLD", "1000");
    return env;
  }

  /**
   * What clients were told: per session, its token, the latest acknowledged expiry, and whether it was revoked; and
   * which sessions had a revocation sent, acknowledged or not (one in flight at the kill may or may not have landed).
   */
  private static final class Acknowledged {
    final Map<String, String> tokens = new ConcurrentHashMap<>();
    final Map<String, Instant> expiries = new ConcurrentHashMap<>();
    final Set<String> revoked = ConcurrentHashMap.newKeySet();
    final Set<String> revokeSent = ConcurrentHashMap.newKeySet();
  }

  private interface Check {
    void run() throws Exception;
  }

  private void crashRepeatedly(Map<String, String> env, String projectId, String secret, Check integrity)
      throws Exception {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    Acknowledged acked = new Acknowledged();
    NodeProcess node = NodeProcess.start(tmp.resolve("node"), env);
    try {
      for (int rep = 0; rep < REPETITIONS; rep++) {
        ApiClient api = new ApiClient(node.url(), projectId, secret);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch firstAcks = new CountDownLatch(WORKERS);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
          Thread t = new Thread(() -> stream(api, acked, stop, firstAcks), "crash-stream-" + w);
          t.start();
          workers.add(t);
        }
        firstAcks.await();
        // The moment of the kill: anywhere in the next 1.5 seconds of the stream (seed in the failure message).
        Thread.sleep(random.nextInt(1500));
        node.kill();
        stop.set(true);
        for (Thread t : workers) {
          t.join();
        }

        node = NodeProcess.start(tmp.resolve("node"), env);
        verify(new ApiClient(node.url(), projectId, secret), acked, "repetition " + rep + ", seed " + seed);
      }
    } finally {
      node.close();
    }
    integrity.run();
  }

  /** Signs users up, extends and revokes their sessions until told to stop or the node is gone. */
  private static void stream(ApiClient api, Acknowledged acked, AtomicBoolean stop, CountDownLatch firstAcks) {
    boolean counted = false;
    try {
      for (int i = 0; !stop.get(); i++) {
        Reply created = api.post("/v1/passwords", "{\"email\":\"crash-" + UUID.randomUUID()
            + "@example.com\",\"password\":\"" + PASSWORD + "\",\"session_duration_minutes\":60}");
        if (created.status() != 200) {
          continue;
        }
        String id = created.json().path("session").path("session_id").asText();
        String token = created.text("session_token");
        acked.tokens.put(id, token);
        acked.expiries.put(id, Instant.parse(created.json().path("session").path("expires_at").asText()));
        // Each extension asks for longer than the one before, so a later grant never shortens the session.
        for (int minutes = 61; minutes < 64; minutes++) {
          Reply extended = api.post("/v1/sessions/authenticate", "{\"session_token\":\"" + token
              + "\",\"session_duration_minutes\":" + minutes + "}");
          if (extended.status() == 200) {
            acked.expiries.put(id, Instant.parse(extended.json().path("session").path("expires_at").asText()));
          }
        }
        if (i % 2 == 0) {
          acked.revokeSent.add(id);
          if (api.post("/v1/sessions/revoke", "{\"session_id\":\"" + id + "\"}").status() == 200) {
            acked.revoked.add(id);
          }
        }
        if (!counted) {
          counted = true;
          firstAcks.countDown();
        }
      }
    } catch (UncheckedIOException | IllegalStateException gone) {
      // The node was killed under this request: it is not acknowledged, and the stream ends.
    } finally {
      if (!counted) {
        firstAcks.countDown();
      }
    }
  }

  private static void verify(ApiClient api, Acknowledged acked, String when) {
    assertThat(acked.tokens).as("sessions acknowledged before the kill (%s)", when).isNotEmpty();
    for (Map.Entry<String, String> session : acked.tokens.entrySet()) {
      String id = session.getKey();
      Reply r = api.post("/v1/sessions/authenticate", "{\"session_token\":\"" + session.getValue() + "\"}");
      if (acked.revokeSent.contains(id) && !acked.revoked.contains(id)) {
        // The revocation was in flight at the kill: either outcome is correct, as long as it is one of the two.
        assertThat(r.status()).as("session %s with an unacknowledged revocation (%s): %s", id, when, r.text())
            .isIn(200, 404);
      } else if (acked.revoked.contains(id)) {
        assertThat(r.status()).as("revoked session %s after a kill (%s): %s", id, when, r.text()).isEqualTo(404);
        assertThat(r.text("error_type")).isEqualTo("session_not_found");
      } else {
        assertThat(r.status()).as("acknowledged session %s after a kill (%s): %s", id, when, r.text())
            .isEqualTo(200);
        JsonNode s = r.json().path("session");
        assertThat(Instant.parse(s.path("expires_at").asText())).as("expiry of %s (%s)", id, when)
            .isAfterOrEqualTo(acked.expiries.get(id));
      }
    }
  }

  private static void sqliteIntegrityIsOk(Path file) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      List<String> problems = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
        while (rs.next()) {
          problems.add(rs.getString(1));
        }
      }
      assertThat(problems).containsExactly("ok");
      try (ResultSet rs = st.executeQuery("PRAGMA foreign_key_check")) {
        assertThat(rs.next()).as("a row whose foreign key points nowhere").isFalse();
      }
    }
  }

  /**
   * amcheck verifies every B-tree index against its table when the extension is installed; either way, every
   * session must belong to a user that exists (the writes of one sign-up are one transaction).
   */
  private static void postgresIsConsistent(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      boolean amcheck;
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_available_extensions WHERE name = 'amcheck'")) {
        rs.next();
        amcheck = rs.getInt(1) > 0;
      }
      if (amcheck) {
        st.execute("CREATE EXTENSION IF NOT EXISTS amcheck");
        try (ResultSet rs = st.executeQuery("SELECT bt_index_check(c.oid, true), c.relname FROM pg_index i "
            + "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'btree' AND n.nspname = current_schema()")) {
          int checked = 0;
          while (rs.next()) {
            checked++;
          }
          assertThat(checked).as("indexes checked by amcheck").isPositive();
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sessions s LEFT JOIN users u "
          + "ON u.user_id = s.user_id WHERE u.user_id IS NULL")) {
        rs.next();
        assertThat(rs.getInt(1)).as("sessions of users that do not exist").isZero();
      }
    }
  }
}
