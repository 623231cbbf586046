package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.StoreException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * connection attempts back off for seconds, which would delay recovery) or, while a probe is under way or the last
 * one ended less than {@link #PROBE_INTERVAL} ago, fails at once. A probe that reaches the database closes the
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
  private final Clock clock;
  private volatile boolean open;
  private volatile Instant lastProbeEnded = Instant.EPOCH;
  private final AtomicBoolean probing = new AtomicBoolean();

  /** {@code probe}: true when a fresh connection to the database answers, within about a second. */
  DatabaseCircuit(BooleanSupplier probe, Clock clock) {
    this.probe = probe;
    this.clock = clock;
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

  /** True when this call was the probe and it reached the database (the circuit is then closed). */
  private boolean probeNow() {
    if (Duration.between(lastProbeEnded, clock.instant()).compareTo(PROBE_INTERVAL) < 0
        || !probing.compareAndSet(false, true)) {
      return false;
    }
    try {
      if (probe.getAsBoolean()) {
        open = false;
        log.info("The database answers again: requests go to it again");
        return true;
      }
      return false;
    } finally {
      lastProbeEnded = clock.instant();
      probing.set(false);
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
