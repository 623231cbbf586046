package dev.latchkey.server.session;

import dev.latchkey.server.store.SessionEvent;
import dev.latchkey.server.store.SessionEventStore;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the session event log to this node's streams. One reader thread reads new events from the store when told
 * that some were committed ({@link #wake}: by this process after a commit, by the PostgreSQL listener for other
 * nodes, and every few seconds as a backstop) and keeps the most recent ones in memory; every subscriber waits here
 * without a database connection and takes what is new from memory. A subscriber resuming from further back than
 * memory holds reads the store, a page at a time.
 */
public final class SessionEventHub implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SessionEventHub.class);
  /** Events kept in memory for subscribers that are a little behind. */
  private static final int RECENT = 4096;
  /** Events read from the store per query. */
  private static final int PAGE = 500;
  /** The backstop: a NOTIFY lost while the listener reconnects is made up for within this. */
  private static final Duration BACKSTOP = Duration.ofSeconds(2);

  /** A resume point older than what the log still holds: the subscriber has missed events and must resync. */
  public static final class HistoryGoneException extends RuntimeException {
    HistoryGoneException(long after, long prunedThrough) {
      super("Events after " + after + " are no longer kept (pruned through " + prunedThrough + "); resync");
    }
  }

  private final SessionEventStore store;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<SessionEvent> recent = new ArrayDeque<>();
  private final Thread reader;
  private long head;
  private boolean wakeRequested;
  private volatile boolean closed;

  public SessionEventHub(SessionEventStore store) {
    this.store = store;
    this.head = store.lastId();
    store.onAppend(this::wake);
    this.reader = Thread.ofVirtual().name("latchkey-session-events").unstarted(this::readLoop);
    reader.start();
  }

  /** Tells the reader that events may have been committed. Cheap; safe from any thread. */
  public void wake() {
    lock.lock();
    try {
      wakeRequested = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Where a stream without a resume point starts: the newest event committed anywhere, read from the store, so that
   * events committed before the request are not sent to it (this node's reader may not have read them yet). With the
   * store away, the newest event this node has read: the stream may then also get events committed just before it
   * began, and still misses none.
   */
  public long latest() {
    long seen = head();
    try {
      return Math.max(seen, store.lastId());
    } catch (RuntimeException e) {
      LOG.debug("Reading the newest session event id failed, starting from this node's: {}", e.getMessage());
      return seen;
    }
  }

  /** The id of the newest event this node has read into memory. */
  private long head() {
    lock.lock();
    try {
      return head;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Events after {@code after}, waiting up to {@code wait} for one when there are none yet (then empty). Throws
   * {@link HistoryGoneException} when events after {@code after} were pruned, or {@code after} is from the future.
   */
  public List<SessionEvent> next(long after, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    lock.lock();
    try {
      while (after >= head) {
        if (closed) {
          return List.of();
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          if (after > head && after > store.lastId()) {
            throw new HistoryGoneException(after, head);
          }
          return List.of();
        }
        changed.awaitNanos(left);
      }
      SessionEvent oldest = recent.peekFirst();
      if (oldest != null && oldest.id() <= after + 1) {
        List<SessionEvent> out = new ArrayList<>();
        for (SessionEvent e : recent) {
          if (e.id() > after) {
            out.add(e);
          }
        }
        return out;
      }
    } finally {
      lock.unlock();
    }
    return fromStore(after);
  }

  /** Reads a page from the store (holding a connection only for the query), refusing a pruned resume point. */
  private List<SessionEvent> fromStore(long after) {
    List<SessionEvent> page = store.after(after, PAGE);
    long pruned = store.prunedThrough();
    if (after < pruned && (page.isEmpty() || page.get(0).id() != after + 1)) {
      throw new HistoryGoneException(after, pruned);
    }
    return page;
  }

  /** True once the server is stopping: streams end. */
  public boolean closed() {
    return closed;
  }

  /** Checks a resume point before a stream starts (so the refusal is a plain HTTP error). */
  public void checkResumable(long after) {
    long pruned = store.prunedThrough();
    if (after > 0 && after < pruned) {
      throw new HistoryGoneException(after, pruned);
    }
    if (after > store.lastId()) {
      throw new HistoryGoneException(after, pruned);
    }
  }

  private void readLoop() {
    while (!closed) {
      try {
        lock.lock();
        try {
          if (!wakeRequested) {
            changed.await(BACKSTOP.toMillis(), TimeUnit.MILLISECONDS);
          }
          wakeRequested = false;
        } finally {
          lock.unlock();
        }
        catchUp();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // The database is away: subscribers keep waiting (and heartbeating); the next wake or backstop retries.
        LOG.debug("Reading new session events failed: {}", e.getMessage());
        try {
          Thread.sleep(BACKSTOP.toMillis());
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /** Reads everything after {@link #head} into memory and wakes the subscribers. Only the reader thread calls it. */
  private void catchUp() {
    long from = head();
    while (true) {
      List<SessionEvent> page = store.after(from, PAGE);
      if (page.isEmpty()) {
        return;
      }
      lock.lock();
      try {
        for (SessionEvent e : page) {
          recent.addLast(e);
          if (recent.size() > RECENT) {
            recent.removeFirst();
          }
        }
        head = page.get(page.size() - 1).id();
        from = head;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      if (page.size() < PAGE) {
        return;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    reader.interrupt();
    wake();
  }
}
