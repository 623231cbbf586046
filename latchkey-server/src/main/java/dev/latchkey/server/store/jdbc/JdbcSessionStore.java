package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.SessionRecord;
import dev.latchkey.server.store.SessionScan;
import dev.latchkey.server.store.SessionStore;

import dev.latchkey.model.Attributes;
import dev.latchkey.server.store.SessionEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class JdbcSessionStore implements SessionStore {
  private static final String COLUMNS = "session_id, user_id, token_hash, started_at, last_accessed_at, expires_at, "
      + "ip_address, user_agent, factors, custom_claims, version";
  private final Jdbc jdbc;
  private final JdbcSessionEvents events;

  JdbcSessionStore(Jdbc jdbc, JdbcSessionEvents events) {
    this.jdbc = jdbc;
    this.events = events;
  }

  @Override
  public void create(SessionRecord s) {
    // A new row: nothing kept in memory can be it (absent rows are never kept).
    jdbc.inTransaction(RowCache.Invalidation.NONE, c -> {
      jdbc.update(c, "INSERT INTO sessions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", s.sessionId(),
          s.userId(), s.tokenHash(), s.startedAt().toEpochMilli(), s.lastAccessedAt().toEpochMilli(),
          s.expiresAt().toEpochMilli(), s.attributes().ipAddress(), s.attributes().userAgent(),
          JsonColumns.write(s.factors()), JsonColumns.write(s.customClaims()), s.version());
      events.append(c, List.of(event(SessionEvent.CREATED, s.sessionId(), s.userId(),
          Map.of("expires_at", s.expiresAt().toString()))));
      return null;
    });
    events.appended();
  }

  @Override
  public Optional<SessionRecord> findByTokenHash(String tokenHash) {
    RowCache cache = jdbc.cache();
    if (cache != null) {
      return Optional.ofNullable(cache.sessionByTokenHash(tokenHash, () -> readByTokenHash(tokenHash).orElse(null)));
    }
    return readByTokenHash(tokenHash);
  }

  private Optional<SessionRecord> readByTokenHash(String tokenHash) {
    return jdbc.queryOne("SELECT " + COLUMNS + " FROM sessions WHERE token_hash = ?", JdbcSessionStore::row,
        tokenHash);
  }

  @Override
  public Optional<SessionRecord> findById(String sessionId) {
    RowCache cache = jdbc.cache();
    if (cache != null) {
      return Optional.ofNullable(cache.sessionById(sessionId, () -> readById(sessionId).orElse(null)));
    }
    return readById(sessionId);
  }

  private Optional<SessionRecord> readById(String sessionId) {
    return jdbc.queryOne("SELECT " + COLUMNS + " FROM sessions WHERE session_id = ?", JdbcSessionStore::row,
        sessionId);
  }

  /**
   * Writes {@code session.extended} when the expiry moved and {@code session.updated} when the factors or custom
   * claims changed; a write of last_accessed_at alone is no event.
   */
  @Override
  public boolean update(SessionRecord next) {
    String factors = JsonColumns.write(next.factors());
    String claims = JsonColumns.write(next.customClaims());
    List<JdbcSessionEvents.Pending> written = new ArrayList<>();
    boolean updated = jdbc.inTransaction(RowCache.Invalidation.session(next.sessionId()), c -> {
      List<String[]> before = jdbc.query(c, "SELECT expires_at, factors, custom_claims FROM sessions "
          + "WHERE session_id = ? AND version = ?", rs -> new String[] {String.valueOf(rs.getLong(1)),
              rs.getString(2), rs.getString(3)}, next.sessionId(), next.version() - 1);
      if (before.isEmpty() || jdbc.update(c, "UPDATE sessions SET last_accessed_at = ?, expires_at = ?, "
              + "factors = ?, custom_claims = ?, version = ? WHERE session_id = ? AND version = ?",
          next.lastAccessedAt().toEpochMilli(), next.expiresAt().toEpochMilli(), factors, claims, next.version(),
          next.sessionId(), next.version() - 1) != 1) {
        return false;
      }
      String[] old = before.get(0);
      if (Long.parseLong(old[0]) != next.expiresAt().toEpochMilli()) {
        written.add(event(SessionEvent.EXTENDED, next.sessionId(), next.userId(),
            Map.of("expires_at", next.expiresAt().toString())));
      }
      List<String> changed = new ArrayList<>();
      if (!old[1].equals(factors)) {
        changed.add("authentication_factors");
      }
      if (!old[2].equals(claims)) {
        changed.add("custom_claims");
      }
      if (!changed.isEmpty()) {
        written.add(event(SessionEvent.UPDATED, next.sessionId(), next.userId(), Map.of("changed", changed)));
      }
      events.append(c, written);
      return true;
    });
    if (!written.isEmpty()) {
      events.appended();
    }
    return updated;
  }

  @Override
  public boolean delete(String sessionId) {
    boolean deleted = jdbc.inTransaction(RowCache.Invalidation.session(sessionId), c -> {
      // The delete names the user its event needs (RETURNING): no read first, on the thread every write waits for.
      List<String> users = jdbc.query(c, "DELETE FROM sessions WHERE session_id = ? RETURNING user_id",
          rs -> rs.getString(1), sessionId);
      if (users.isEmpty()) {
        return false;
      }
      events.append(c, List.of(event(SessionEvent.REVOKED, sessionId, users.get(0), Map.of())));
      return true;
    });
    if (deleted) {
      events.appended();
    }
    return deleted;
  }

  @Override
  public int deleteForUser(String userId, String keepSessionId) {
    int deleted = jdbc.inTransaction(c -> revoke(c, jdbc.query(c, "SELECT session_id, user_id FROM sessions "
        + "WHERE user_id = ? AND session_id <> ?", rs -> new String[] {rs.getString(1), rs.getString(2)}, userId,
        keepSessionId == null ? "" : keepSessionId)));
    if (deleted > 0) {
      events.appended();
    }
    return deleted;
  }

  @Override
  public List<SessionRecord> scan(SessionScan scan) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM sessions WHERE expires_at > ?");
    List<Object> args = new ArrayList<>();
    args.add(scan.liveAt().toEpochMilli());
    if (!scan.userIds().isEmpty()) {
      sql.append(" AND user_id IN (").append(String.join(", ", java.util.Collections.nCopies(scan.userIds().size(),
          "?"))).append(")");
      args.addAll(scan.userIds());
    }
    if (scan.startedBefore() != null) {
      sql.append(" AND started_at < ?");
      args.add(scan.startedBefore().toEpochMilli());
    }
    if (scan.after() != null) {
      sql.append(" AND (started_at > ? OR (started_at = ? AND session_id > ?))");
      args.add(scan.after().startedAt().toEpochMilli());
      args.add(scan.after().startedAt().toEpochMilli());
      args.add(scan.after().sessionId());
    }
    sql.append(" ORDER BY started_at, session_id LIMIT ?");
    args.add(scan.limit());
    // The SQL varies with the number of user ids: not worth a place in the statement cache.
    return jdbc.withConnection(c -> jdbc.queryOnce(c, sql.toString(), JdbcSessionStore::row, args.toArray()));
  }

  @Override
  public int revokeAll(List<SessionRecord> sessions) {
    if (sessions.isEmpty()) {
      return 0;
    }
    int revoked = jdbc.inTransaction(c -> revoke(c, sessions.stream()
        .map(s -> new String[] {s.sessionId(), s.userId()}).toList()));
    if (revoked > 0) {
      events.appended();
    }
    return revoked;
  }

  /**
   * Deletes the given sessions ({session id, user id}) in {@code c}'s transaction and appends a
   * {@code session.revoked} for each one that was still there; returns how many. For every store that revokes.
   */
  static int revoke(Jdbc jdbc, JdbcSessionEvents events, Connection c, List<String[]> sessions)
      throws SQLException {
    List<JdbcSessionEvents.Pending> revoked = new ArrayList<>();
    for (String[] s : sessions) {
      if (jdbc.update(c, "DELETE FROM sessions WHERE session_id = ?", s[0]) == 1) {
        revoked.add(event(SessionEvent.REVOKED, s[0], s[1], Map.of()));
      }
    }
    events.append(c, revoked);
    return revoked.size();
  }

  private int revoke(Connection c, List<String[]> sessions) throws SQLException {
    return revoke(jdbc, events, c, sessions);
  }

  static JdbcSessionEvents.Pending event(String type, String sessionId, String userId, Map<String, Object> data) {
    // The database node's wall clock: the log's times are for retention and for readers, not for session rules.
    return new JdbcSessionEvents.Pending(type, sessionId, userId, Instant.now(), data);
  }

  @Override
  public List<SessionRecord> listActive(String userId, Instant now) {
    return jdbc.query("SELECT " + COLUMNS + " FROM sessions WHERE user_id = ? AND expires_at > ? "
        + "ORDER BY started_at, session_id", JdbcSessionStore::row, userId, now.toEpochMilli());
  }

  /**
   * Each purged session gets its {@code session.expired} event in the purge's transaction: the sweeper is where
   * expiry is detected (an authenticate of an expired session only refuses it).
   */
  @Override
  public int purgeExpired(Instant now, Instant idleSince) {
    // Every node purges on the same schedule; the job lock makes one of them do it and the others skip at once.
    // Without an idle timeout the idle bound is before every session. Expired and idle sessions are selected apart so
    // that each select uses its own index (sessions_by_expiry, V12's sessions_by_last_access); an OR would scan.
    long idle = idleSince == null ? Long.MIN_VALUE : idleSince.toEpochMilli();
    List<JdbcSessionEvents.Pending> expired = new ArrayList<>();
    int purged = jdbc.asSoleJob("purge-expired-sessions", 0, c -> {
      String columns = "SELECT session_id, user_id, expires_at, last_accessed_at FROM sessions WHERE ";
      Jdbc.RowMapper<String[]> row = rs -> new String[] {rs.getString(1), rs.getString(2), String.valueOf(rs.getLong(3)),
          String.valueOf(rs.getLong(4))};
      List<String[]> due = new ArrayList<>(jdbc.query(c, columns + "expires_at <= ?", row, now.toEpochMilli()));
      if (idleSince != null) {
        due.addAll(jdbc.query(c, columns + "last_accessed_at <= ? AND expires_at > ?", row, idle,
            now.toEpochMilli()));
      }
      for (String[] s : due) {
        // By id and the same bounds again: a session extended or used since the select stays, with no event.
        if (jdbc.update(c, "DELETE FROM sessions WHERE session_id = ? AND (expires_at <= ? OR last_accessed_at <= ?)",
            s[0], now.toEpochMilli(), idle) == 1) {
          boolean timedOut = Long.parseLong(s[2]) <= now.toEpochMilli();
          expired.add(event(SessionEvent.EXPIRED, s[0], s[1], timedOut
              ? Map.of("expires_at", Instant.ofEpochMilli(Long.parseLong(s[2])).toString())
              : Map.of("expires_at", Instant.ofEpochMilli(Long.parseLong(s[2])).toString(), "reason", "idle",
                  "last_accessed_at", Instant.ofEpochMilli(Long.parseLong(s[3])).toString())));
        }
      }
      events.append(c, expired);
      return expired.size();
    });
    if (purged > 0) {
      events.appended();
    }
    return purged;
  }

  /** Maps a row of {@link #COLUMNS}, by position: looking columns up by name costs a native call per column. */
  private static SessionRecord row(ResultSet rs) throws SQLException {
    return new SessionRecord(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
        Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6)),
        new Attributes(rs.getString(7), rs.getString(8)), JsonColumns.readFactors(rs.getString(9)),
        JsonColumns.readMap(rs.getString(10)), rs.getLong(11));
  }
}
