package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.KeyRecord;
import dev.latchkey.server.store.StoreException;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.store.UserRecord;



import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.latchkey.server.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real PostgreSQL (a fresh schema per test), plus what only a database shared by many
 * nodes needs: job locks and change notifications.
 */
class PostgresStoreContractTest extends StoreContract {
  /** Bounds waiting for a NOTIFY that should arrive in milliseconds. */
  private static final long NOTIFY_LIMIT_SECONDS = 10;

  private TestPostgres.Database database;

  @Override
  protected Stores openStores() {
    if (database == null) {
      database = TestPostgres.createSchema();
    }
    return JdbcStores.open(database.url(), Duration.ofSeconds(5), 4);
  }

  @AfterEach
  void dropDatabase() {
    if (stores != null) {
      stores.close();
      stores = null;
    }
    if (database != null) {
      database.close();
    }
  }

  @Test
  void theSchemaIsManagedByTheSameFlywayMigrationsAsOnSqlite() throws SQLException {
    List<String> versions = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(database.url());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT version, success FROM flyway_schema_history ORDER BY installed_rank")) {
      while (rs.next()) {
        assertThat(rs.getBoolean("success")).isTrue();
        versions.add(rs.getString("version"));
      }
    }
    assertThat(versions).startsWith("1");
  }

  @Test
  void reopeningAMigratedDatabaseKeepsItsData() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    stores.close();

    stores = openStores();

    assertThat(stores.users().find(ada.userId())).contains(ada);
  }

  @Test
  void aPurgeWhileAnotherNodeIsPurgingSkipsAtOnceAndLeavesTheWorkToIt() throws SQLException {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    stores.sessions().create(session("session-test-expired", ada.userId(), T0, T0.plusSeconds(60)));

    try (Connection otherNode = DriverManager.getConnection(database.url())) {
      otherNode.setAutoCommit(false);
      try (PreparedStatement ps = otherNode.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
        ps.setLong(1, Dialect.lockKey("purge-expired-sessions"));
        ps.executeQuery().close();
      }

      assertThat(stores.sessions().purgeExpired(T0.plusSeconds(61))).isZero();
      assertThat(stores.sessions().findById("session-test-expired")).isPresent();

      otherNode.rollback();
    }

    assertThat(stores.sessions().purgeExpired(T0.plusSeconds(61))).isEqualTo(1);
    assertThat(stores.sessions().findById("session-test-expired")).isEmpty();
  }

  @Test
  void ofNodesCreatingTheFirstKeyAtOnceExactlyOneSucceedsAndOneKeySigns() throws Exception {
    int nodes = 4;
    List<Stores> others = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(nodes);
    try {
      for (int i = 0; i < nodes; i++) {
        others.add(openStores());
      }
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> created = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        Stores node = others.get(i);
        KeyRecord k = key("kid-" + i, T0);
        created.add(pool.submit(() -> {
          go.await();
          return node.keys().createFirst(k);
        }));
      }
      go.countDown();
      int winners = 0;
      for (Future<Boolean> f : created) {
        winners += f.get(NOTIFY_LIMIT_SECONDS, TimeUnit.SECONDS) ? 1 : 0;
      }

      assertThat(winners).isEqualTo(1);
      assertThat(stores.keys().all()).hasSize(1).allSatisfy(k -> assertThat(k.retiredAt()).isNull());
    } finally {
      pool.shutdownNow();
      others.forEach(Stores::close);
    }
  }

  @Test
  void aKeyRotationIsAnnouncedToEveryOtherNodeWatchingTheDatabase() throws InterruptedException {
    BlockingQueue<String> announced = new LinkedBlockingQueue<>();
    try (Stores otherNode = openStores()) {
      otherNode.watch(Map.of(Stores.KEYS_CHANGED, () -> announced.add("keys")));
      // The watcher reads once when it connects (it may have missed announcements while it was away).
      assertThat(announced.poll(NOTIFY_LIMIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("keys");

      stores.keys().rotate(key("kid-1", T0), T0);

      assertThat(announced.poll(NOTIFY_LIMIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("keys");
    }
  }

  @Test
  void aStatementBlockedPastTheTimeoutFailsAsUnavailableInsteadOfHanging() throws SQLException {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    try (Stores impatient = JdbcStores.open(database.url(), Duration.ofSeconds(1), 2);
        Connection otherNode = DriverManager.getConnection(database.url())) {
      otherNode.setAutoCommit(false);
      try (Statement st = otherNode.createStatement()) {
        st.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE");
      }

      assertThat(catchThrowable(() -> impatient.users().find(ada.userId())))
          .isInstanceOf(StoreException.class).hasMessageContaining("statement timeout");

      otherNode.rollback();
      assertThat(impatient.users().find(ada.userId())).contains(ada);
    }
  }

  @Test
  void aDatabaseThatIsNotThereFailsToOpenWithoutEchoingThePassword() {
    String url = "jdbc:postgresql://127.0.0.1:1/latchkey?user=latchkey&password=s3cr3t-pw";

    assertThat(catchThrowable(() -> JdbcStores.open(url, Duration.ofSeconds(1), 2)))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("Cannot open the database jdbc:postgresql://127.0.0.1:1/latchkey?user=latchkey"
            + "&password=<redacted>: ")
        .hasMessageNotContaining("s3cr3t-pw");
  }
}
