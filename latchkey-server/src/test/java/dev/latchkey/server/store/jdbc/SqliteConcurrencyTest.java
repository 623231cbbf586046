package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.StoreException;
import dev.latchkey.server.store.Stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;

/**
 * SQLite statements are compiled once per connection and reused, without changing what any statement does; writers of
 * one process queue for SQLite's single write slot in Java, within the database timeout.
 */
class SqliteConcurrencyTest {
  private static final String SELECT = "SELECT value FROM t WHERE id = ?";

  @TempDir
  Path dir;
  private JdbcStores stores;
  private Jdbc jdbc;
  private StatementCache cache;

  @BeforeEach
  void open() throws SQLException {
    stores = JdbcStores.open("jdbc:sqlite:" + dir.resolve("cache.db"), Duration.ofSeconds(5));
    jdbc = stores.jdbc();
    cache = jdbc.statements();
    try (Connection c = stores.dataSource().getConnection()) {
      jdbc.update(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, value TEXT NOT NULL)");
      jdbc.update(c, "INSERT INTO t (id, value) VALUES (?, ?)", 1, "one");
      jdbc.update(c, "INSERT INTO t (id, value) VALUES (?, ?)", 2, "two");
    }
  }

  @AfterEach
  void close() {
    if (stores != null) {
      stores.close();
    }
  }

  @Test
  void aStatementGivenBackIsTheOneTheNextUseOfItsSqlOnThatConnectionGets() throws SQLException {
    try (Connection c = stores.dataSource().getConnection()) {
      StatementCache.Lease first = cache.lease(c, SELECT);
      PreparedStatement statement = first.statement();
      first.release();

      StatementCache.Lease second = cache.lease(c, SELECT);

      assertThat(second.statement()).isSameAs(statement);
      second.release();
      assertThat(jdbc.query(c, SELECT, rs -> rs.getString(1), 2)).containsExactly("two");
      assertThat(jdbc.query(c, SELECT, rs -> rs.getString(1), 1)).containsExactly("one");
    }
  }

  @Test
  void theSameSqlNestedOnOneConnectionGetsASecondStatement() throws SQLException {
    try (Connection c = stores.dataSource().getConnection()) {
      List<String> pairs = jdbc.query(c, SELECT, outer -> outer.getString(1) + "+"
          + jdbc.query(c, SELECT, inner -> inner.getString(1), 2).get(0), 1);

      assertThat(pairs).containsExactly("one+two");
    }
  }

  @Test
  void aStatementWhoseUseFailedIsClosedAndNotHandedOutAgain() throws SQLException {
    try (Connection c = stores.dataSource().getConnection()) {
      StatementCache.Lease lease = cache.lease(c, SELECT);
      PreparedStatement failed = lease.statement();
      lease.discard(new SQLException("the use failed"));
      assertThatThrownBy(() -> jdbc.query(c, SELECT, rs -> {
        throw new IllegalStateException("mapper failed");
      }, 1)).hasMessage("mapper failed");

      StatementCache.Lease next = cache.lease(c, SELECT);

      assertThat(failed.isClosed()).isTrue();
      assertThat(next.statement()).isNotSameAs(failed);
      assertThat(next.statement().isClosed()).isFalse();
      next.release();
      assertThat(jdbc.query(c, SELECT, rs -> rs.getString(1), 1)).containsExactly("one");
    }
  }

  @Test
  void aCachedReadLeavesNoReadTransactionOpenSoACheckpointEmptiesTheLog() throws SQLException {
    try (Connection reader = stores.dataSource().getConnection()) {
      assertThat(jdbc.query(reader, SELECT, rs -> rs.getString(1), 1)).containsExactly("one");
      assertThat(jdbc.query(reader, SELECT, rs -> rs.getString(1), 2)).containsExactly("two");
      try (Connection writer = stores.dataSource().getConnection()) {
        jdbc.update(writer, "UPDATE t SET value = ? WHERE id = ?", "uno", 1);
        // TRUNCATE waits for no reader; "busy" = 1 would mean the reader's cached statement still holds a snapshot.
        List<Integer> busy = jdbc.query(writer, "PRAGMA wal_checkpoint(TRUNCATE)", rs -> rs.getInt(1));

        assertThat(busy).containsExactly(0);
      }
      assertThat(jdbc.query(reader, SELECT, rs -> rs.getString(1), 1)).containsExactly("uno");
    }
  }

  @Test
  void statementsOfAClosedDatabaseAreNotKept() throws SQLException {
    Connection physical;
    try (Connection c = stores.dataSource().getConnection()) {
      jdbc.query(c, SELECT, rs -> rs.getString(1), 1);
      physical = c.unwrap(SQLiteConnection.class);
    }
    assertThat(cache.connections()).contains(physical);

    stores.close();
    stores = null;

    assertThat(cache.connections()).doesNotContain(physical);
    assertThat(cache.kept()).isEmpty();
  }

  @Test
  void aWriterQueuedBehindAnotherPastTheTimeoutFailsAsUnavailableAndTheFirstWriteStands() throws Exception {
    Jdbc jdbc = new Jdbc(stores.dataSource(), Dialect.SQLITE, Duration.ofMillis(300), null);
    assertThat(jdbc.statements()).as("a second database handle has a cache of its own").isNotSameAs(cache);
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread first = Thread.ofVirtual().start(() -> jdbc.inTransaction(c -> {
      jdbc.update(c, "INSERT INTO t (id, value) VALUES (?, ?)", 10, "first");
      inside.countDown();
      await(release);
      return null;
    }));
    assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();

    assertThatThrownBy(() -> jdbc.update("INSERT INTO t (id, value) VALUES (?, ?)", 11, "second"))
        .isInstanceOf(StoreException.class).hasMessageContaining("no write slot within 300 ms");

    release.countDown();
    first.join();
    assertThat(jdbc.query("SELECT value FROM t WHERE id >= 10 ORDER BY id", rs -> rs.getString(1)))
        .containsExactly("first");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aWriteThroughACachedStatementIsDurableAfterReopening() throws SQLException {
    try (Connection c = stores.dataSource().getConnection()) {
      for (int i = 3; i < 10; i++) {
        jdbc.update(c, "INSERT INTO t (id, value) VALUES (?, ?)", i, "v" + i);
      }
    }
    stores.close();
    stores = JdbcStores.open("jdbc:sqlite:" + dir.resolve("cache.db"), Duration.ofSeconds(5));
    jdbc = stores.jdbc();
    cache = jdbc.statements();

    try (Connection c = stores.dataSource().getConnection();
        ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(9);
    }
  }
}
