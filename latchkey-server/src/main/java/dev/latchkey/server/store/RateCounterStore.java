package dev.latchkey.server.store;

import java.time.Instant;

/**
 * Fixed-window counters shared by every node through the database. A key is an opaque string (the caller hashes
 * what it counts); a window is named by its start.
 */
public interface RateCounterStore {
  /** Adds one to the key's counter for the window starting at {@code windowStart} and returns the new count. */
  int increment(String key, Instant windowStart, Instant windowEnd);

  /** The key's count in the window starting at {@code windowStart}; 0 when nothing was counted. */
  int count(String key, Instant windowStart);

  /** Deletes counters whose window ended at or before {@code now}; returns how many. */
  int purgeExpired(Instant now);
}
