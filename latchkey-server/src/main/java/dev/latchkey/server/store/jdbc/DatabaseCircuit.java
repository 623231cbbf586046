package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.StoreException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fails requests at once while the database is known to be down, instead of letting each one wait out the database
 * timeout (which ties up a thread per request and makes a readiness probe time out instead of reading "unready").
 *
 * <p>Closed (the normal state), every request goes to the pool. The first failure that means "the database is not
 * there" (no connection within the timeout, a refused or broken connection, the server shutting down) opens it. Open,
 * a request either becomes the one probe (a fresh connection outside the pool, bounded by about a second: pooled
 * connection attempts back off for seconds, which would delay recovery) or waits, at most {@link #PROBE_INTERVAL},
 * for its turn or for the probe under way, and fails then if the database is still away. A probe that reaches the database closes the
 * circuit, and that same request goes on to the pool: the first request after recovery succeeds.
 *
 * <p>Only failures of the connection count: a constraint violation, a timeout of one slow statement or a bug in SQL
 * says nothing about whether the database is there.
 */
final class DatabaseCircuit {
  private static final Logger log = LoggerFactory.getLogger(DatabaseCircuit.class);
  /** Between two probes: one request a tenth of a second tries the database, the rest are answered at once. */
  static final Duration PROBE_INTERVAL = Duration.ofMillis(100);

  private final BooleanSupplier probe;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition probeEnded = lock.newCondition();
  private volatile boolean open;
  /** Guarded by {@link #lock}. */
  private boolean probing;
  /** Guarded by {@link #lock}; {@link System#nanoTime()} when the last probe ended. */
  private long lastProbeEndedNanos = System.nanoTime() - PROBE_INTERVAL.toNanos();

  /** {@code probe}: true when a fresh connection to the database answers, within about a second. */
  DatabaseCircuit(BooleanSupplier probe) {
    this.probe = probe;
  }

  boolean isOpen() {
    return open;
  }

  /**
   * Before a request takes a connection: returns at once when closed; when open, probes (if it is this request's
   * turn) and returns when the database is back, or throws {@link StoreException} at once.
   */
  void beforeConnect() {
    if (open && !probeNow()) {
      throw new StoreException("The database is unavailable (found down earlier; checking again every "
          + PROBE_INTERVAL.toMillis() + " ms)", null);
    }
  }

  /** For readiness: false at once while open and the probe (if it is its turn) does not reach the database. */
  boolean probeIfOpen() {
    return !open || probeNow();
  }

  /** Records a failure a request met; opens the circuit when it says the database is not there. */
  void failed(SQLException e) {
    if (!open && meansUnavailable(e)) {
      open = true;
      log.warn("The database is unavailable ({}): requests are answered 503 at once until a probe reaches it",
          e.getClass().getSimpleName());
    }
  }

  /**
   * True when the database is back: this call probed and reached it, or the probe under way when it came did.
   * A call never waits longer than {@link #PROBE_INTERVAL} for its turn or for another call's probe; its own probe
   * is bounded by the probe's timeouts (about a second).
   *
   * <p>Why a call waits for its turn instead of failing at once: anything may probe (a request, the event reader's
   * backstop read every two seconds, a purge), so a probe that failed an instant before the database came back would
   * otherwise fail the first request after recovery, too. Waiting out the rest of the interval (at most a tenth of a
   * second) lets that request probe, and succeed; while the database stays down, calls still fail within it.
   */
  private boolean probeNow() {
    long deadline = System.nanoTime() + PROBE_INTERVAL.toNanos();
    lock.lock();
    try {
      while (true) {
        if (!open) {
          return true;
        }
        long now = System.nanoTime();
        if (!probing && now - lastProbeEndedNanos >= PROBE_INTERVAL.toNanos()) {
          probing = true;
          break;
        }
        long left = deadline - now;
        if (left <= 0) {
          return false;
        }
        // Woken when a probe ends; otherwise at the earlier of this call's deadline and the next probe's turn.
        long untilTurn = probing ? left : PROBE_INTERVAL.toNanos() - (now - lastProbeEndedNanos);
        probeEnded.awaitNanos(Math.max(1, Math.min(left, untilTurn)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
    boolean reached = false;
    try {
      reached = probe.getAsBoolean();
      return reached;
    } finally {
      lock.lock();
      try {
        if (reached && open) {
          open = false;
          log.info("The database answers again: requests go to it again");
        }
        lastProbeEndedNanos = System.nanoTime();
        probing = false;
        probeEnded.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * A connection failure: the pool gave up waiting, the driver lost or could not open its connection (SQLState
   * class 08), or the server is shutting down or refusing connections (57P01..57P03).
   */
  static boolean meansUnavailable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLTransientConnectionException || t instanceof SQLRecoverableException
          || t instanceof IOException) {
        return true;
      }
      if (t instanceof SQLException s && s.getSQLState() != null
          && (s.getSQLState().startsWith("08") || s.getSQLState().matches("57P0[1-3]"))) {
        return true;
      }
    }
    return false;
  }
}
