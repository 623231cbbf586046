package dev.latchkey.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Sessions, looked up by the hash of their token or by id. Every write is durable when the call returns. */
public interface SessionStore {
  void create(SessionRecord session);

  Optional<SessionRecord> findByTokenHash(String tokenHash);

  Optional<SessionRecord> findById(String sessionId);

  /**
   * Replaces the stored session with {@code next} if its version is still {@code next.version() - 1}. Returns false
   * when another writer got there first (the caller re-reads and retries) or the session is gone.
   */
  boolean update(SessionRecord next);

  /** Deletes the session; false when there was none. */
  boolean delete(String sessionId);

  /** Deletes every session of the user except {@code keepSessionId} (null keeps none); returns how many. */
  int deleteForUser(String userId, String keepSessionId);

  /** Sessions of the user that expire after {@code now}, oldest first. */
  List<SessionRecord> listActive(String userId, Instant now);

  /**
   * Deletes sessions that expired at or before {@code now}; returns how many. When another node sharing the
   * database is purging at this moment, returns 0 at once and leaves the work to it.
   */
  /** One page of live sessions matching {@code scan}, in {@code (started_at, session_id)} order. */
  List<SessionRecord> scan(SessionScan scan);

  /**
   * Revokes these sessions in one transaction, each still there with its {@code session.revoked} event; returns how
   * many were.
   */
  int revokeAll(List<SessionRecord> sessions);

  default int purgeExpired(Instant now) {
    return purgeExpired(now, null);
  }

  /**
   * Deletes, like {@link #purgeExpired(Instant)}, the sessions that expired at or before {@code now} and, when
   * {@code idleSince} is not null, those last accessed at or before it (an idle timeout), each with its
   * {@code session.expired} event.
   */
  int purgeExpired(Instant now, Instant idleSince);
}
