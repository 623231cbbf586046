package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.DuplicateKeyException;
import dev.latchkey.server.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.sql.DataSource;

/** Plain JDBC with one rule: every SQLException leaves as a {@link StoreException} or {@link DuplicateKeyException}. */
final class Jdbc {
  private final DataSource dataSource;
  private final Dialect dialect;
  private final Duration timeout;
  /**
   * SQLite lets one connection write at a time; the others find the database locked and retry in its busy handler,
   * which sleeps (1 ms, 2 ms, 5 ms...) inside a native call and so pins a virtual thread's carrier: with two cores,
   * two waiting writers stopped every other request. Writers of this process queue here instead, parked like any
   * virtual thread. Null on PostgreSQL, which has no such limit.
   */
  private final ReentrantLock writeLock;
  /** Compiled statements of this database's SQLite connections; null on PostgreSQL, whose driver keeps its own. */
  private final StatementCache statements;
  /** Answers at once while a networked database is down; null on SQLite, which is a file in this process. */
  private final DatabaseCircuit circuit;

  /**
   * Who else writes this SQLite file ({@link SqliteWriters}): this opener announces its writes through it when it
   * does not own the file. Null on PostgreSQL and for a database that is no file.
   */
  private final SqliteWriters writers;
  /** Session and user rows, when this opener owns its SQLite file; null otherwise. */
  private final RowCache cache;
  /** SQLite's writes, committed in groups; started with the first write, null on PostgreSQL. */
  private volatile GroupCommit groupCommit;
  private volatile boolean closed;

  Jdbc(DataSource dataSource, Dialect dialect, Duration timeout, DatabaseCircuit circuit) {
    this(dataSource, dialect, timeout, circuit, null);
  }

  Jdbc(DataSource dataSource, Dialect dialect, Duration timeout, DatabaseCircuit circuit, SqliteWriters writers) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.timeout = timeout;
    this.circuit = circuit;
    this.writeLock = dialect == Dialect.SQLITE ? new ReentrantLock() : null;
    this.statements = dialect == Dialect.SQLITE ? new StatementCache() : null;
    this.writers = writers;
    this.cache = writers != null && writers.owner() ? new RowCache(writers) : null;
  }

  /** The session and user rows this process keeps, or null when it may not keep any (see {@link RowCache}). */
  RowCache cache() {
    return cache;
  }

  /** The statement cache of this database (SQLite), or null. */
  StatementCache statements() {
    return statements;
  }

  Dialect dialect() {
    return dialect;
  }

  /**
   * Runs {@code work} in a transaction that holds the named background job's lock, so that when every node runs the
   * job on the same schedule only one does the work; the others return {@code skipped} at once, without waiting.
   */
  <T> T asSoleJob(String job, T skipped, Work<T> work) {
    return asSoleJob(job, skipped, RowCache.Invalidation.ALL, work);
  }

  /** {@link #asSoleJob(String, Object, Work)} for a job that changes at most what {@code invalidation} names. */
  <T> T asSoleJob(String job, T skipped, RowCache.Invalidation invalidation, Work<T> work) {
    return inTransaction(invalidation, c -> dialect.tryJobLock(c, job) ? work.run(c) : skipped);
  }

  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** A write transaction after which anything cached may have changed ({@link RowCache.Invalidation#ALL}). */
  <T> T inTransaction(Work<T> work) {
    return inTransaction(RowCache.Invalidation.ALL, work);
  }

  /** A write transaction that changes at most what {@code invalidation} names of the cached rows. */
  <T> T inTransaction(RowCache.Invalidation invalidation, Work<T> work) {
    if (writeLock != null) {
      return groupCommit().run(invalidation, work);
    }
    return writing(invalidation, () -> transaction(work));
  }

  /** The group commit of this SQLite database, started on first use. */
  private GroupCommit groupCommit() {
    GroupCommit g = groupCommit;
    if (g == null) {
      synchronized (this) {
        g = groupCommit;
        if (g == null) {
          if (closed) {
            throw new StoreException("The database is closed", null);
          }
          g = new GroupCommit(new GroupCommit.Database() {
            @Override
            public Connection connect() throws SQLException {
              return Jdbc.this.connect();
            }

            @Override
            public RuntimeException failed(SQLException e) {
              return Jdbc.this.failed(e);
            }

            @Override
            public void beforeBatch() {
              if (writers != null && !writers.owner()) {
                writers.beginWrite();
              }
            }

            @Override
            public void afterBatch(List<RowCache.Invalidation> invalidations) {
              if (cache != null) {
                invalidations.forEach(cache::invalidate);
              }
              if (writers != null && !writers.owner()) {
                writers.endWrite();
              }
            }
          }, writeLock, timeout);
          groupCommit = g;
        }
      }
    }
    return g;
  }

  /** Batches and works of the group commit so far ({0, 0} before the first write, and on PostgreSQL). */
  long[] groupCommitCounts() {
    GroupCommit g = groupCommit;
    return g == null ? new long[] {0, 0} : g.counts();
  }

  /** Stops the group commit's thread (after the batch in progress); idempotent. */
  void close() {
    GroupCommit g;
    synchronized (this) {
      closed = true;
      g = groupCommit;
    }
    if (g != null) {
      g.close();
    }
  }

  private <T> T transaction(Work<T> work) {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  <T> T withConnection(Work<T> work) {
    try (Connection c = connect()) {
      return work.run(c);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** A pooled connection, unless the database is known to be down (then a {@link StoreException} at once). */
  private Connection connect() throws SQLException {
    if (circuit != null) {
      circuit.beforeConnect();
    }
    return dataSource.getConnection();
  }

  private RuntimeException failed(SQLException e) {
    if (circuit != null) {
      circuit.failed(e);
    }
    return translate(e);
  }

  <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
    return withConnection(c -> query(c, sql, mapper, args));
  }

  <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... args) {
    List<T> rows = query(sql, mapper, args);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  int update(String sql, Object... args) {
    return update(RowCache.Invalidation.ALL, sql, args);
  }

  int update(RowCache.Invalidation invalidation, String sql, Object... args) {
    if (writeLock != null) {
      return groupCommit().run(invalidation, c -> update(c, sql, args));
    }
    return writing(invalidation, () -> withConnection(c -> update(c, sql, args)));
  }

  /**
   * Runs a write that goes around the statements here (an import's or a copy's own connection) as a write: under the
   * write slot, announced to the owner of the file, and dropping everything cached.
   */
  <T> T rawWrite(Supplier<T> write) {
    return writing(RowCache.Invalidation.ALL, write);
  }

  /**
   * Runs a write under {@link #writeLock} (SQLite), waiting for it no longer than the database timeout; announces it
   * to the owner of the file when this opener is not it, and drops what it may have changed from the cache when it
   * is, before returning (committed or not).
   */
  private <T> T writing(RowCache.Invalidation invalidation, Supplier<T> write) {
    if (writers == null) {
      return locked(write);
    }
    boolean announce = !writers.owner();
    if (announce) {
      writers.beginWrite();
    }
    try {
      // Dropped while the write slot is still held: the next writer of this process reads the rows as written.
      return locked(cache == null ? write : () -> {
        try {
          return write.get();
        } finally {
          cache.invalidate(invalidation);
        }
      });
    } finally {
      if (announce) {
        writers.endWrite();
      }
    }
  }

  private <T> T locked(Supplier<T> write) {
    if (writeLock == null) {
      return write.get();
    }
    try {
      if (!writeLock.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new StoreException("The database did not answer: no write slot within " + timeout.toMillis() + " ms",
            null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("Interrupted while waiting to write to the database", e);
    }
    try {
      return write.get();
    } finally {
      writeLock.unlock();
    }
  }

  <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... args) throws SQLException {
    return withStatement(c, sql, args, ps -> {
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(mapper.map(rs));
        }
      }
      return out;
    });
  }

  /**
   * Like {@link #query(Connection, String, RowMapper, Object...)} with a statement prepared for this one use: for SQL
   * built per request (user search), which would otherwise crowd the hot statements out of the {@link StatementCache}.
   */
  <T> List<T> queryOnce(Connection c, String sql, RowMapper<T> mapper, Object... args) throws SQLException {
    try (PreparedStatement ps = bind(c.prepareStatement(sql), args); ResultSet rs = ps.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(mapper.map(rs));
      }
      return out;
    }
  }

  int update(Connection c, String sql, Object... args) throws SQLException {
    return withStatement(c, sql, args, PreparedStatement::executeUpdate);
  }

  private interface StatementWork<T> {
    T run(PreparedStatement ps) throws SQLException;
  }

  /** Runs {@code work} on a (cached, see {@link StatementCache}) statement for {@code sql} with {@code args} bound. */
  private <T> T withStatement(Connection c, String sql, Object[] args, StatementWork<T> work)
      throws SQLException {
    StatementCache.Lease lease = statements != null ? statements.lease(c, sql) : StatementCache.uncached(c, sql);
    try {
      T result = work.run(bind(lease.statement(), args));
      lease.release();
      return result;
    } catch (SQLException | RuntimeException e) {
      lease.discard(e);
      throw e;
    }
  }

  private static PreparedStatement bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** Unique violations name the field at fault; anything else means the store could not answer. */
  static RuntimeException translate(SQLException e) {
    String message = String.valueOf(e.getMessage());
    boolean unique = "23505".equals(e.getSQLState()) || message.contains("UNIQUE constraint failed");
    if (unique) {
      String field = message.contains("external_id") ? "external_id" : message.contains("email") ? "email" : "id";
      return new DuplicateKeyException(field, e);
    }
    return new StoreException("The database did not answer: " + message, e);
  }
}
