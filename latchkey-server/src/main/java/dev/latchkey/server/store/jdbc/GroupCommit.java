package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for SQLite: the write transactions of this process queue here, and one thread runs whatever has queued
 * in one database transaction, each inside its own savepoint, and commits once. A commit is a write of every changed
 * page to the log and an fsync; revokes that arrive together share them (a revoke changes a session page, five index
 * pages and the event log's pages, most of them the same pages as its neighbours').
 *
 * <p>Each caller still gets its own outcome: a work that fails is rolled back to its savepoint and its caller gets the
 * exception, as if alone; the others commit. A failed commit fails every work of the batch. A caller waits for its
 * batch no longer than the database timeout while its work has not started (then it is taken out of the queue and
 * the caller gets "no write slot", as before); once started it waits for the commit. A work that opens another write
 * while it runs (on this thread) runs inside the batch, in a savepoint of its own.
 *
 * <p>The thread is a platform thread: SQLite's calls are native and would pin a virtual thread's carrier anyway.
 */
final class GroupCommit implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
  /** Works per transaction at most: a batch is short however many wait, so the first of them waits little. */
  static final int MAX_BATCH = 128;
  private static final int QUEUED = 0;
  private static final int RUNNING = 1;
  private static final int CANCELLED = 2;

  /** What runs a batch needs of the database handle. */
  interface Database {
    Connection connect() throws SQLException;

    RuntimeException failed(SQLException e);

    /** Runs before the batch's transaction (the write slot is held); announces it to the file's owner if need be. */
    void beforeBatch();

    /** Runs after the commit or rollback, still holding the write slot: drops what the batch changed from memory. */
    void afterBatch(List<RowCache.Invalidation> invalidations);
  }

  private static final class Pending<T> {
    final Jdbc.Work<T> work;
    final RowCache.Invalidation invalidation;
    final AtomicInteger state = new AtomicInteger(QUEUED);
    final CompletableFuture<T> done = new CompletableFuture<>();

    Pending(Jdbc.Work<T> work, RowCache.Invalidation invalidation) {
      this.work = work;
      this.invalidation = invalidation;
    }
  }

  private final Database db;
  private final ReentrantLock writeLock;
  private final Duration timeout;
  private final LinkedBlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final Thread committer;
  private volatile boolean closed;
  /** The batch's connection while a batch runs; read and written only on the committer thread. */
  private Connection batchConnection;
  /** Invalidations of writes nested in the batch's works; committer thread only. */
  private final List<RowCache.Invalidation> nested = new ArrayList<>();
  private final java.util.concurrent.atomic.LongAdder batches = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder works = new java.util.concurrent.atomic.LongAdder();

  GroupCommit(Database db, ReentrantLock writeLock, Duration timeout) {
    this.db = db;
    this.writeLock = writeLock;
    this.timeout = timeout;
    this.committer = Thread.ofPlatform().daemon().name("latchkey-group-commit").unstarted(this::loop);
    this.committer.start();
  }

  /** Runs {@code work} in the next batch and returns its result (or throws its exception) once that batch is done. */
  <T> T run(RowCache.Invalidation invalidation, Jdbc.Work<T> work) {
    if (Thread.currentThread() == committer) {
      return nestedRun(invalidation, work);
    }
    if (closed) {
      throw new StoreException("The database is closed", null);
    }
    Pending<T> p = new Pending<>(work, invalidation);
    queue.add(p);
    try {
      return p.done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      if (p.state.compareAndSet(QUEUED, CANCELLED)) {
        throw new StoreException("The database did not answer: no write slot within " + timeout.toMillis() + " ms",
            null);
      }
      return awaitStarted(p);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (p.state.compareAndSet(QUEUED, CANCELLED)) {
        throw new StoreException("Interrupted while waiting to write to the database", e);
      }
      return awaitStarted(p);
    } catch (ExecutionException e) {
      throw rethrown(e);
    }
  }

  /** Waits, however long, for a work that has started: its outcome is what the database has. */
  private static <T> T awaitStarted(Pending<T> p) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return p.done.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw rethrown(e);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static RuntimeException rethrown(ExecutionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof RuntimeException r) {
      return r;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return new StoreException("The database write failed: " + cause, cause);
  }

  private <T> T nestedRun(RowCache.Invalidation invalidation, Jdbc.Work<T> work) {
    Connection c = batchConnection;
    Savepoint sp = null;
    try {
      sp = c.setSavepoint();
      T result = work.run(c);
      c.releaseSavepoint(sp);
      nested.add(invalidation);
      return result;
    } catch (SQLException e) {
      undoNested(c, sp);
      throw db.failed(e);
    } catch (RuntimeException e) {
      undoNested(c, sp);
      throw e;
    }
  }

  private void loop() {
    while (!closed) {
      List<Pending<?>> batch = new ArrayList<>();
      try {
        Pending<?> first = queue.poll(250, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        batch.removeIf(p -> !p.state.compareAndSet(QUEUED, RUNNING));
        if (!batch.isEmpty()) {
          runBatch(batch);
        }
      } catch (InterruptedException e) {
        // close() wakes the thread; the loop condition decides
      } catch (Throwable t) {
        // Never leave a caller waiting: whatever went wrong is its answer.
        LOG.error("A batch of database writes failed unexpectedly", t);
        for (Pending<?> p : batch) {
          p.done.completeExceptionally(t instanceof RuntimeException r ? r
              : new StoreException("The database write failed: " + t, t));
        }
      }
    }
    for (Pending<?> p; (p = queue.poll()) != null; ) {
      p.done.completeExceptionally(new StoreException("The database is closed", null));
    }
  }

  /** Transactions committed (or rolled back) so far, and the works they ran: how much grouping there was. */
  long[] counts() {
    return new long[] {batches.sum(), works.sum()};
  }

  private void runBatch(List<Pending<?>> batch) {
    int n = batch.size();
    batches.increment();
    works.add(n);
    Object[] results = new Object[n];
    RuntimeException[] failures = new RuntimeException[n];
    writeLock.lock();
    try {
      db.beforeBatch();
      nested.clear();
      try (Connection c = db.connect()) {
        c.setAutoCommit(false);
        batchConnection = c;
        try {
          for (int i = 0; i < n; i++) {
            // A savepoint only when a failure must not undo a neighbour's work.
            Savepoint sp = n > 1 ? c.setSavepoint() : null;
            try {
              results[i] = batch.get(i).work.run(c);
              if (sp != null) {
                c.releaseSavepoint(sp);
              }
            } catch (SQLException e) {
              undo(c, sp);
              failures[i] = db.failed(e);
            } catch (RuntimeException e) {
              undo(c, sp);
              failures[i] = e;
            }
          }
          c.commit();
        } catch (SQLException | RuntimeException e) {
          try {
            c.rollback();
          } catch (SQLException suppressed) {
            e.addSuppressed(suppressed);
          }
          RuntimeException all = e instanceof SQLException s ? db.failed(s) : (RuntimeException) e;
          for (int i = 0; i < n; i++) {
            if (failures[i] == null) {
              failures[i] = all;
            }
          }
        } finally {
          batchConnection = null;
          c.setAutoCommit(true);
        }
      } catch (SQLException e) {
        RuntimeException all = db.failed(e);
        for (int i = 0; i < n; i++) {
          if (failures[i] == null) {
            failures[i] = all;
          }
        }
      } finally {
        List<RowCache.Invalidation> invalidations = new ArrayList<>(n + nested.size());
        batch.forEach(p -> invalidations.add(p.invalidation));
        invalidations.addAll(nested);
        nested.clear();
        db.afterBatch(invalidations);
      }
    } finally {
      writeLock.unlock();
    }
    for (int i = 0; i < n; i++) {
      complete(batch.get(i), results[i], failures[i]);
    }
  }

  /** Undoes one work: to its savepoint in a batch, or the whole (one-work) transaction. */
  private static void undo(Connection c, Savepoint sp) {
    try {
      if (sp == null) {
        c.rollback();
      } else {
        c.rollback(sp);
        c.releaseSavepoint(sp);
      }
    } catch (SQLException e) {
      // The commit that follows fails too, and says why.
    }
  }

  /** Undoes a nested write to its savepoint; without one (taking it failed) there is nothing of its own to undo. */
  private static void undoNested(Connection c, Savepoint sp) {
    if (sp != null) {
      undo(c, sp);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> void complete(Pending<T> p, Object result, RuntimeException failure) {
    if (failure != null) {
      p.done.completeExceptionally(failure);
    } else {
      p.done.complete((T) result);
    }
  }

  @Override
  public void close() {
    closed = true;
    committer.interrupt();
    try {
      committer.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
