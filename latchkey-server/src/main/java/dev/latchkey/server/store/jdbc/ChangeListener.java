package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.config.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread per node that LISTENs on PostgreSQL channels over its own connection (not one borrowed from the pool)
 * and runs a handler when another node NOTIFYs. After every (re)connect each handler runs once, because
 * notifications sent while the connection was down are lost. Handlers run on this thread, one at a time, holding
 * no lock of this class.
 */
final class ChangeListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);
  /** How long one wait for notifications blocks; also bounds how long close() waits for the thread. */
  private static final int POLL_MILLIS = 500;
  /** Reconnect backoff: quick after a blip, at most this slow during a long outage (one log line per outage). */
  private static final Duration MIN_BACKOFF = Duration.ofMillis(250);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final String jdbcUrl;
  private final Duration timeout;
  private final Map<String, Runnable> handlers;
  private final Thread thread;
  private volatile boolean closed;

  ChangeListener(String jdbcUrl, Duration timeout, Map<String, Runnable> handlers) {
    this.jdbcUrl = jdbcUrl;
    this.timeout = timeout;
    this.handlers = Map.copyOf(handlers);
    this.thread = new Thread(this::run, "latchkey-db-listener");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    Duration backoff = MIN_BACKOFF;
    boolean failing = false;
    while (!closed) {
      try (Connection c = connect()) {
        try (Statement st = c.createStatement()) {
          for (String channel : handlers.keySet()) {
            st.execute("LISTEN \"" + channel.replace("\"", "\"\"") + "\"");
          }
        }
        if (failing) {
          LOG.info("Listening for changes from other nodes again");
        }
        failing = false;
        backoff = MIN_BACKOFF;
        handlers.keySet().forEach(this::handle);
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] received = pg.getNotifications(POLL_MILLIS);
          if (received != null) {
            Set<String> channels = new LinkedHashSet<>();
            for (PGNotification n : received) {
              channels.add(n.getName());
            }
            channels.forEach(this::handle);
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        if (!failing) {
          LOG.warn("Not listening for changes from other nodes ({}); retrying, and re-reading on reconnect",
              e.getMessage());
        }
        failing = true;
        try {
          Thread.sleep(backoff.toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
    }
  }

  private Connection connect() throws SQLException {
    Properties props = new Properties();
    String seconds = String.valueOf(Math.max(1, timeout.toSeconds()));
    props.setProperty("connectTimeout", seconds);
    props.setProperty("loginTimeout", seconds);
    props.setProperty("tcpKeepAlive", "true");
    props.setProperty("ApplicationName", "latchkey-listener");
    try {
      return DriverManager.getConnection(jdbcUrl, props);
    } catch (SQLException e) {
      throw new SQLException("cannot connect to " + DatabaseUrl.redact(jdbcUrl) + ": " + e.getMessage(),
          e.getSQLState(), e);
    }
  }

  private void handle(String channel) {
    Runnable handler = handlers.get(channel);
    if (handler == null) {
      return;
    }
    try {
      handler.run();
    } catch (RuntimeException e) {
      // A failing handler (the database went away between NOTIFY and the re-read) must not stop the listener.
      LOG.warn("Handling a change on '{}' failed: {}", channel, e.getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      thread.join(POLL_MILLIS * 4L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
