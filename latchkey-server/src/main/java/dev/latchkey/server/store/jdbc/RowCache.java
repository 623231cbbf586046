package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.SessionRecord;
import dev.latchkey.server.store.UserRecord;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Session and user rows kept in memory by the process that owns an SQLite database ({@link SqliteWriters}), so that
 * a session check that changes nothing reads no row. Exact, not eventually right: every write of this process drops
 * what it may have changed before the write returns ({@link Invalidation}: everything, unless the write says which
 * rows), every write of another process drops everything ({@link SqliteWriters}), and while another process is inside
 * a write nothing is read from here.
 *
 * <p>A row read from the database is kept only if nothing was written between the moment before the read and the
 * moment it is kept ({@link #generation}, checked and kept under this object's monitor, which every invalidation
 * also takes): a read that raced a write may answer its caller with the row as it was, as any read that overlaps a
 * write may, but never leaves it here.
 *
 * <p>Bounded: past {@link #MAX_ENTRIES} rows of a kind, an arbitrary one makes room. Rows are the stored values
 * (immutable records), so their time-based rules (expiry, idle timeout) are decided by the caller as for a row just
 * read.
 */
final class RowCache {
  /** Rows of each kind kept at most (sessions; users): a few tens of MB of heap when full. */
  static final int MAX_ENTRIES = 16_384;

  /** What a write may have changed, dropped from the cache when it returns. */
  sealed interface Invalidation {
    /** The default of every write: anything may have changed. */
    Invalidation ALL = new All();
    /** The write touched no session or user row (and no row a user record is read from). */
    Invalidation NONE = new Session(null);

    /** The write changed this session's row and nothing else cached (no user row). */
    static Invalidation session(String sessionId) {
      return new Session(sessionId);
    }

    record All() implements Invalidation {}

    record Session(String sessionId) implements Invalidation {}
  }

  private final SqliteWriters writers;
  private final Map<String, SessionRecord> sessionsByTokenHash = new ConcurrentHashMap<>();
  private final Map<String, String> tokenHashBySessionId = new ConcurrentHashMap<>();
  private final Map<String, UserRecord> usersById = new ConcurrentHashMap<>();
  /** Raised under this monitor by every invalidation; a row read before a raise is not kept. */
  private long generation;
  /** The other processes' write epoch this cache's contents are valid for. */
  private volatile long epoch;

  RowCache(SqliteWriters writers) {
    this.writers = writers;
    this.epoch = writers.epoch();
  }

  /** The session with this token hash: from memory when kept, else read by {@code load} and kept. */
  SessionRecord sessionByTokenHash(String tokenHash, Supplier<SessionRecord> load) {
    if (usable()) {
      SessionRecord kept = sessionsByTokenHash.get(tokenHash);
      if (kept != null) {
        return kept;
      }
    }
    return keepSession(load);
  }

  /** The session with this id: from memory when kept, else read by {@code load} and kept. */
  SessionRecord sessionById(String sessionId, Supplier<SessionRecord> load) {
    if (usable()) {
      String hash = tokenHashBySessionId.get(sessionId);
      SessionRecord kept = hash == null ? null : sessionsByTokenHash.get(hash);
      if (kept != null && kept.sessionId().equals(sessionId)) {
        return kept;
      }
    }
    return keepSession(load);
  }

  /** The user with this id: from memory when kept, else read by {@code load} and kept. */
  UserRecord user(String userId, Supplier<UserRecord> load) {
    if (usable()) {
      UserRecord kept = usersById.get(userId);
      if (kept != null) {
        return kept;
      }
    }
    long before = stamp();
    UserRecord read = load.get();
    if (read != null) {
      synchronized (this) {
        if (usable() && before == generation) {
          makeRoom(usersById);
          usersById.put(read.userId(), read);
        }
      }
    }
    return read;
  }

  private SessionRecord keepSession(Supplier<SessionRecord> load) {
    long before = stamp();
    SessionRecord read = load.get();
    if (read != null) {
      synchronized (this) {
        if (usable() && before == generation) {
          if (sessionsByTokenHash.size() >= MAX_ENTRIES) {
            Iterator<Map.Entry<String, SessionRecord>> it = sessionsByTokenHash.entrySet().iterator();
            if (it.hasNext()) {
              SessionRecord evicted = it.next().getValue();
              it.remove();
              tokenHashBySessionId.remove(evicted.sessionId());
            }
          }
          sessionsByTokenHash.put(read.tokenHash(), read);
          tokenHashBySessionId.put(read.sessionId(), read.tokenHash());
        }
      }
    }
    return read;
  }

  /** Drops what {@code invalidation} names; runs after every write of this process, committed or not. */
  synchronized void invalidate(Invalidation invalidation) {
    generation++;
    switch (invalidation) {
      case Invalidation.All all -> clear();
      case Invalidation.Session session -> {
        if (session.sessionId() != null) {
          String hash = tokenHashBySessionId.remove(session.sessionId());
          if (hash != null) {
            sessionsByTokenHash.remove(hash);
          }
        }
      }
    }
  }

  /** Rows kept now (sessions, users), for tests and metrics. */
  int[] sizes() {
    return new int[] {sessionsByTokenHash.size(), usersById.size()};
  }

  /**
   * Whether the cache may be read now: no other process inside a write, and everything kept before the last write
   * of another process forgotten (done here, the first time the new epoch is seen).
   */
  private boolean usable() {
    if (!writers.quiet()) {
      return false;
    }
    long now = writers.epoch();
    if (now != epoch) {
      synchronized (this) {
        if (now != epoch) {
          generation++;
          clear();
          epoch = now;
        }
      }
    }
    return true;
  }

  /** The generation before a read from the database; a read while another process writes is never kept. */
  private synchronized long stamp() {
    return usable() ? generation : -1;
  }

  private void clear() {
    sessionsByTokenHash.clear();
    tokenHashBySessionId.clear();
    usersById.clear();
  }

  private static <V> void makeRoom(Map<String, V> map) {
    if (map.size() >= MAX_ENTRIES) {
      Iterator<String> it = map.keySet().iterator();
      if (it.hasNext()) {
        it.next();
        it.remove();
      }
    }
  }
}
