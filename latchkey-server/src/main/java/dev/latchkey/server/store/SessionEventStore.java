package dev.latchkey.server.store;

import java.time.Instant;
import java.util.List;

/**
 * The session event log, read side. Events are appended by the other stores in the same transaction as the change
 * they describe ({@link SessionStore}, {@link UserStore#delete}); this store reads, prunes and signals them.
 */
public interface SessionEventStore {
  /** Up to {@code limit} events with an id above {@code afterId}, oldest first. */
  List<SessionEvent> after(long afterId, int limit);

  /** The id of the newest event ever written (0 when none), pruned or not. */
  long lastId();

  /** The highest id the retention task deleted (0 when none): a reader that has not seen it has missed events. */
  long prunedThrough();

  /**
   * Deletes events that occurred before {@code cutoff}, never the newest one; returns how many. When another node is
   * pruning at this moment, returns 0 at once.
   */
  int prune(Instant cutoff);

  /**
   * Runs {@code listener} after every commit in this process that appended events (other nodes announce theirs
   * through {@link Stores#watch} on {@link Stores#SESSION_EVENTS}). It runs on the committing thread: keep it short.
   */
  void onAppend(Runnable listener);

  /**
   * Appends an audit event about no one session (e.g. {@link SessionEvent#BULK_REVOKE}), in a transaction of its own,
   * with empty session and user ids.
   */
  void audit(String type, java.util.Map<String, Object> data);
}
