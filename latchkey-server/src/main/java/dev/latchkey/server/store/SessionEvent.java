package dev.latchkey.server.store;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of the session event log. {@code id} grows by one per event in commit order; {@code sessionId} is empty
 * for {@code user.deleted} and audit events such as {@code sessions.bulk_revoke} (which have no user id either); {@code data} is a small JSON object (never a token or a JWT).
 */
public record SessionEvent(long id, String type, String sessionId, String userId, Instant occurredAt,
    Map<String, Object> data) {
  public static final String CREATED = "session.created";
  public static final String EXTENDED = "session.extended";
  public static final String UPDATED = "session.updated";
  public static final String REVOKED = "session.revoked";
  public static final String EXPIRED = "session.expired";
  public static final String USER_DELETED = "user.deleted";
  /** An audit record of a bulk revoke or its dry run (empty session and user ids; criteria and count in data). */
  public static final String BULK_REVOKE = "sessions.bulk_revoke";

  public SessionEvent {
    data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }
}
