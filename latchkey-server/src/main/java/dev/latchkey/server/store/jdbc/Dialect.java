package dev.latchkey.server.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import dev.latchkey.server.config.DatabaseUrl;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The few things SQLite and PostgreSQL do differently; everything else is the same portable SQL in the Jdbc*
 * stores. Chosen from the JDBC URL.
 */
enum Dialect {
  /** One file, one process: a job lock is never contended and there is nobody to notify. */
  SQLITE {
    @Override
    void configure(HikariConfig config, Duration timeout, int poolSize) {
      // SQLite has one writer at a time; a handful of connections serve concurrent readers (WAL) without lock
      // storms, whatever the pool size setting says.
      config.setMaximumPoolSize(4);
      config.setMinimumIdle(1);
      config.addDataSourceProperty("journal_mode", "WAL");
      config.addDataSourceProperty("synchronous", "FULL");
      config.addDataSourceProperty("foreign_keys", "true");
      config.addDataSourceProperty("busy_timeout", String.valueOf(timeout.toMillis()));
    }

    @Override
    boolean tryJobLock(Connection c, String job) {
      return true;
    }

    @Override
    void lockJob(Connection c, String job) {
      // One process: the write transaction itself is the lock.
    }

    @Override
    void notifyChange(Connection c, String channel) {
      // Nobody listens: other processes on the same file (keys rotate) are seen at the next refresh.
    }
  },

  /** Many nodes on one database: job locks are advisory locks, changes are announced with NOTIFY. */
  POSTGRESQL {
    @Override
    void configure(HikariConfig config, Duration timeout, int poolSize) {
      config.setMaximumPoolSize(poolSize);
      // No minimum of idle connections: with one, the pool keeps trying to reconnect during an outage, sleeping up to
      // 5 s between attempts, and the first request after the database is back would wait out that sleep. Without
      // one, it tries only for requests that wait, and DatabaseCircuit sends none while the database is down.
      config.setMinimumIdle(0);
      int seconds = (int) Math.max(1, timeout.toSeconds());
      // Bound every wait: opening a connection, a statement on the server, and a read from a silent socket
      // (a network partition sends no error; without socketTimeout a request would hang forever).
      config.addDataSourceProperty("connectTimeout", String.valueOf(seconds));
      config.addDataSourceProperty("loginTimeout", String.valueOf(seconds));
      config.addDataSourceProperty("socketTimeout", String.valueOf(seconds + 5));
      config.addDataSourceProperty("options", "-c statement_timeout=" + timeout.toMillis());
      config.addDataSourceProperty("tcpKeepAlive", "true");
      config.addDataSourceProperty("ApplicationName", "latchkey");
    }

    @Override
    boolean tryJobLock(Connection c, String job) throws SQLException {
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
        ps.setLong(1, lockKey(job));
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() && rs.getBoolean(1);
        }
      }
    }

    @Override
    void lockJob(Connection c, String job) throws SQLException {
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
        ps.setLong(1, lockKey(job));
        ps.executeQuery().close();
      }
    }

    @Override
    void notifyChange(Connection c, String channel) throws SQLException {
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, '')")) {
        ps.setString(1, channel);
        ps.executeQuery().close();
      }
    }
  };

  static Dialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (DatabaseUrl.isPostgres(jdbcUrl)) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException("Unsupported database URL " + DatabaseUrl.redact(jdbcUrl) + ": use "
        + DatabaseUrl.ACCEPTED);
  }

  /** Pool size and the driver's own timeouts and options. */
  abstract void configure(HikariConfig config, Duration timeout, int poolSize);

  /**
   * Takes the lock of a background job for the rest of {@code c}'s transaction, without waiting; false when another
   * node holds it (that node is doing the work, so this one skips it). Released at commit or rollback, so a node
   * that dies mid-job never leaves it locked.
   */
  abstract boolean tryJobLock(Connection c, String job) throws SQLException;

  /** Like {@link #tryJobLock}, but waits for the lock: for work every node needs done before it goes on. */
  abstract void lockJob(Connection c, String job) throws SQLException;

  /** Tells every node listening on {@code channel} that something changed, when {@code c}'s transaction commits. */
  abstract void notifyChange(Connection c, String channel) throws SQLException;

  /** A stable 64-bit advisory lock key per job name (the first 8 bytes of its SHA-256). */
  static long lockKey(String job) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(("latchkey:" + job).getBytes(StandardCharsets.UTF_8));
      long key = 0;
      for (int i = 0; i < 8; i++) {
        key = (key << 8) | (d[i] & 0xff);
      }
      return key;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
