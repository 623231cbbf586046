package dev.latchkey.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which failures open the circuit, read from real drivers' real exceptions: only those that say the database is not
 * there. (The circuit's behaviour in an outage is {@code cluster.DatabaseOutageTest}, with a real PostgreSQL stopped
 * and started under load.)
 */
class DatabaseCircuitTest {
  @TempDir
  Path tmp;

  @Test
  void aRefusedPostgresConnectionMeansTheDatabaseIsUnavailable() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Properties bounds = new Properties();
    bounds.setProperty("connectTimeout", "1");

    SQLException refused = catchThrowableOfType(SQLException.class, () -> DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres?user=nobody&password=x", bounds).close());

    assertThat(refused.getSQLState()).startsWith("08");
    assertThat(DatabaseCircuit.meansUnavailable(refused)).isTrue();
  }

  @Test
  void aConstraintViolationOrABadStatementSaysNothingAboutAvailability() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("circuit.db"));
         Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t (id TEXT PRIMARY KEY)");
      st.execute("INSERT INTO t VALUES ('a')");

      SQLException duplicate = catchThrowableOfType(SQLException.class, () -> st.execute("INSERT INTO t VALUES ('a')"));
      SQLException syntax = catchThrowableOfType(SQLException.class, () -> st.execute("SELEKT 1"));

      assertThat(DatabaseCircuit.meansUnavailable(duplicate)).isFalse();
      assertThat(DatabaseCircuit.meansUnavailable(syntax)).isFalse();
    }
  }

  @Test
  void thePoolWaitLeavesRoomForOneConnectionCheckAndTheReplyWithinTheTimeout() {
    assertThat(JdbcStores.poolWait(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(9));
    assertThat(JdbcStores.validationWait(Duration.ofSeconds(10))).isEqualTo(Duration.ofMillis(500));
    assertThat(JdbcStores.poolWait(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(500));
    assertThat(JdbcStores.validationWait(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(250));
    assertThat(JdbcStores.poolWait(Duration.ofSeconds(3))).isEqualTo(Duration.ofMillis(2400));
  }

  /** A failure the pool reports when no connection came: what opens the circuit in an outage. */
  private static SQLException refused() {
    return new java.sql.SQLTransientConnectionException("latchkey-db - Connection is not available");
  }

  @Test
  void aProbeThatFailedAnInstantBeforeTheDatabaseCameBackDoesNotFailTheNextRequest() {
    java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean(false);
    DatabaseCircuit circuit = new DatabaseCircuit(up::get);
    circuit.failed(refused());
    assertThat(circuit.isOpen()).isTrue();
    // Someone (the event reader's backstop, say) probes while the database is still down.
    assertThat(circuit.probeIfOpen()).isFalse();

    up.set(true);

    // The very next request, well within the probe interval of that failed probe, waits for its turn and gets in.
    circuit.beforeConnect();
    assertThat(circuit.isOpen()).isFalse();
  }

  @Test
  void whileTheDatabaseStaysDownEveryCallerIsRefusedAndTheProbeRunsOneAtATime() throws Exception {
    java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger mostAtOnce = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger probes = new java.util.concurrent.atomic.AtomicInteger();
    DatabaseCircuit circuit = new DatabaseCircuit(() -> {
      int now = running.incrementAndGet();
      mostAtOnce.accumulateAndGet(now, Math::max);
      probes.incrementAndGet();
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      running.decrementAndGet();
      return false;
    });
    circuit.failed(refused());
    java.util.concurrent.atomic.AtomicInteger refusedCalls = new java.util.concurrent.atomic.AtomicInteger();
    java.util.List<Thread> callers = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      callers.add(Thread.ofVirtual().start(() -> {
        try {
          circuit.beforeConnect();
        } catch (dev.latchkey.server.store.StoreException e) {
          refusedCalls.incrementAndGet();
        }
      }));
    }
    for (Thread t : callers) {
      t.join();
    }

    assertThat(refusedCalls).hasValue(50);
    assertThat(mostAtOnce).hasValue(1);
    assertThat(probes.get()).isBetween(1, 50);
    assertThat(circuit.isOpen()).isTrue();
  }
}
