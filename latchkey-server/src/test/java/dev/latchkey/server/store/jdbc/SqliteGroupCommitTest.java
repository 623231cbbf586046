package dev.latchkey.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.server.store.DuplicateKeyException;
import dev.latchkey.server.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite writes of one process are committed in groups ({@link GroupCommit}): writes that queue while a commit runs
 * share the next one, and each still has its own outcome, as if it had been alone.
 */
class SqliteGroupCommitTest {
  @TempDir
  Path dir;
  private JdbcStores stores;
  private Jdbc jdbc;
  private ExecutorService callers;

  @BeforeEach
  void open() throws SQLException {
    stores = JdbcStores.open("jdbc:sqlite:" + dir.resolve("group.db"), Duration.ofSeconds(5));
    jdbc = stores.jdbc();
    callers = Executors.newVirtualThreadPerTaskExecutor();
    try (Connection c = stores.dataSource().getConnection()) {
      jdbc.update(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE)");
    }
  }

  @AfterEach
  void close() {
    callers.shutdownNow();
    stores.close();
  }

  private List<String> values() {
    return jdbc.query("SELECT value FROM t ORDER BY id", rs -> rs.getString(1));
  }

  /** Holds the committer inside a batch until released, so that the writes sent meanwhile queue together. */
  private CountDownLatch holdTheCommitter(CountDownLatch inside) {
    CountDownLatch release = new CountDownLatch(1);
    callers.submit(() -> jdbc.inTransaction(c -> {
      jdbc.update(c, "INSERT INTO t (id, value) VALUES (?, ?)", 1000, "first");
      inside.countDown();
      awaitQuietly(release);
      return null;
    }));
    return release;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void writesQueuedWhileACommitRunsShareTheNextCommit() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = holdTheCommitter(inside);
    assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
    long[] before = jdbc.groupCommitCounts();

    List<Future<Integer>> writes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int id = i;
      writes.add(callers.submit(() -> jdbc.update("INSERT INTO t (id, value) VALUES (?, ?)", id, "v" + id)));
    }
    Thread.sleep(200);  // let them queue (the assertions below hold however many queued in time)
    release.countDown();
    for (Future<Integer> w : writes) {
      assertThat(w.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }

    long[] after = jdbc.groupCommitCounts();
    assertThat(after[1] - before[1]).as("works").isEqualTo(20);
    assertThat(after[0] - before[0]).as("commits for 20 writes queued together").isLessThan(20);
    assertThat(values()).hasSize(21).contains("first", "v0", "v19");
  }

  @Test
  void aWriteThatFailsInABatchIsUndoneAloneAndItsCallerGetsItsError() throws Exception {
    // The value the failing write collides with is committed before the batch, so the failure does not depend on
    // the order in which the three writes below reach the queue (submitted together, they may queue in any order).
    jdbc.update("INSERT INTO t (id, value) VALUES (?, ?)", 0, "taken");
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = holdTheCommitter(inside);
    assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();

    Future<Integer> before = callers.submit(() -> jdbc.update("INSERT INTO t (id, value) VALUES (?, ?)", 1, "a"));
    Future<Object> failing = callers.submit(() -> jdbc.inTransaction(c -> {
      jdbc.update(c, "INSERT INTO t (id, value) VALUES (?, ?)", 2, "written, then undone");
      jdbc.update(c, "INSERT INTO t (id, value) VALUES (?, ?)", 3, "taken");  // unique violation
      return null;
    }));
    Future<Integer> after = callers.submit(() -> jdbc.update("INSERT INTO t (id, value) VALUES (?, ?)", 4, "b"));
    Thread.sleep(200);
    release.countDown();

    assertThat(before.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(DuplicateKeyException.class);
    assertThat(values()).containsExactly("taken", "a", "b", "first");
  }

  @Test
  void aWriteOpenedInsideAWriteRunsInItsBatchInsteadOfWaitingForIt() {
    int inner = jdbc.inTransaction(c -> {
      jdbc.update(c, "INSERT INTO t (id, value) VALUES (?, ?)", 1, "outer");
      return jdbc.update("INSERT INTO t (id, value) VALUES (?, ?)", 2, "inner");
    });

    assertThat(inner).isEqualTo(1);
    assertThat(values()).containsExactly("outer", "inner");
  }

  @Test
  void aWriteStillQueuedWhenTheTimeoutPassesIsTakenOutAndNeverWritten() throws Exception {
    Jdbc impatient = new Jdbc(stores.dataSource(), Dialect.SQLITE, Duration.ofMillis(300), null);
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<Object> first = callers.submit(() -> impatient.inTransaction(c -> {
      impatient.update(c, "INSERT INTO t (id, value) VALUES (?, ?)", 1, "first");
      inside.countDown();
      awaitQuietly(release);
      return null;
    }));
    assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();

    assertThatThrownBy(() -> impatient.update("INSERT INTO t (id, value) VALUES (?, ?)", 2, "second"))
        .isInstanceOf(StoreException.class).hasMessageContaining("no write slot within 300 ms");
    release.countDown();
    first.get(10, TimeUnit.SECONDS);
    // A later write goes through, and the one given up on was never made.
    assertThat(impatient.update("INSERT INTO t (id, value) VALUES (?, ?)", 3, "third")).isEqualTo(1);
    assertThat(values()).containsExactly("first", "third");
    impatient.close();
  }
}
