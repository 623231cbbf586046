package dev.latchkey.server.store;

import java.time.Instant;
import java.util.List;

/**
 * One page of live sessions for a bulk operation, ordered by {@code (started_at, session_id)} and starting after
 * {@code after} (keyset: rows revoked meanwhile do not shift the pages).
 *
 * @param userIds only these users' sessions; empty: any user
 * @param startedBefore only sessions started strictly before this; null: any
 * @param liveAt only sessions whose {@code expires_at} is after this
 * @param after the last session of the previous page; null for the first page
 */
public record SessionScan(List<String> userIds, Instant startedBefore, Instant liveAt, Position after, int limit) {
  public SessionScan {
    userIds = List.copyOf(userIds);
  }

  /** Where a page ended. */
  public record Position(Instant startedAt, String sessionId) {}
}
