package dev.latchkey.server.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.sqlite.SQLiteConnection;

/**
 * Compiled SQLite statements kept per physical connection, keyed by their SQL. SQLite compiles a statement on every
 * {@code prepareStatement}, and neither xerial's driver nor Hikari keeps one: before this cache, compiling was a
 * fifth of the CPU of an authenticate by token (profiled at 64 connections; docs/benchmarks.md).
 *
 * <p>A statement is taken out of its connection's cache while in use and put back after, so the same SQL nested on
 * one connection gets a second statement instead of sharing one, and a statement whose use failed is closed, not put
 * back. Hikari lends a connection to one thread at a time, so a cache is never used by two threads at once. Closing
 * a physical connection finalizes its statements (SQLite does); the entries of closed connections are dropped when
 * a new connection is first seen. PostgreSQL's driver keeps server-side prepared statements by SQL itself, so only
 * SQLite connections go through here.
 *
 * <p>One cache belongs to one database's {@link Jdbc} (and so to one {@code JdbcStores}): two databases opened in
 * one process, or a database closed and opened again, never share or see each other's statements.
 */
final class StatementCache {
  /** Distinct SQL strings kept per connection; the stores use a few dozen, so this only bounds a mistake. */
  static final int MAX_PER_CONNECTION = 256;
  private final Map<Connection, Map<String, PreparedStatement>> byConnection = new ConcurrentHashMap<>();

  /** A statement for {@code sql} on {@code pooled}; return it with {@link Lease#release} or {@link Lease#discard}. */
  Lease lease(Connection pooled, String sql) throws SQLException {
    if (!pooled.isWrapperFor(SQLiteConnection.class)) {
      return uncached(pooled, sql);
    }
    Connection physical = pooled.unwrap(SQLiteConnection.class);
    Map<String, PreparedStatement> cache = byConnection.get(physical);
    if (cache == null) {
      byConnection.keySet().removeIf(StatementCache::isClosed);
      cache = byConnection.computeIfAbsent(physical, c -> new ConcurrentHashMap<>());
    }
    PreparedStatement cached = cache.remove(sql);
    return new Lease(cached != null ? cached : physical.prepareStatement(sql), cache, sql);
  }

  /** A statement prepared for one use and closed after it (PostgreSQL, or no cache). */
  static Lease uncached(Connection c, String sql) throws SQLException {
    return new Lease(c.prepareStatement(sql), null, sql);
  }

  /** The physical connections whose statements are kept now (those of closed connections are dropped first). */
  Set<Connection> connections() {
    byConnection.keySet().removeIf(StatementCache::isClosed);
    return Set.copyOf(byConnection.keySet());
  }

  /** The statements kept now, not in use, over every connection. */
  List<PreparedStatement> kept() {
    return byConnection.values().stream().flatMap(m -> m.values().stream()).toList();
  }

  private static boolean isClosed(Connection c) {
    try {
      return c.isClosed();
    } catch (SQLException e) {
      return true;
    }
  }

  /** One use of a statement; {@code cache} null means the statement is not cached and is closed after use. */
  static final class Lease {
    private final PreparedStatement statement;
    private final Map<String, PreparedStatement> cache;
    private final String sql;

    private Lease(PreparedStatement statement, Map<String, PreparedStatement> cache, String sql) {
      this.statement = statement;
      this.cache = cache;
      this.sql = sql;
    }

    PreparedStatement statement() {
      return statement;
    }

    /**
     * After a use that completed (any result set closed): keeps the statement for the next use of its SQL. Its bound
     * values stay until that use rebinds them: what the stores write to the database anyway (ids, hashes, sealed
     * values), never a raw session token, code or password. Clearing them ({@code clearParameters}) cost a fifth of
     * the authenticate-by-token throughput in {@code bin/bench}.
     */
    void release() throws SQLException {
      if (cache == null || cache.size() >= MAX_PER_CONNECTION || cache.putIfAbsent(sql, statement) != null) {
        statement.close();
      }
    }

    /** After a use that failed: the statement is closed, whatever state it was left in. */
    void discard(Exception cause) {
      try {
        statement.close();
      } catch (SQLException e) {
        cause.addSuppressed(e);
      }
    }
  }
}
