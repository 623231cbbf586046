package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.SessionRecord;
import dev.latchkey.server.store.SessionStore;

import dev.latchkey.model.Attributes;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

final class JdbcSessionStore implements SessionStore {
  private static final String COLUMNS = "session_id, user_id, token_hash, started_at, last_accessed_at, expires_at, "
      + "ip_address, user_agent, factors, custom_claims, version";
  private final Jdbc jdbc;

  JdbcSessionStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void create(SessionRecord s) {
    jdbc.update("INSERT INTO sessions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", s.sessionId(),
        s.userId(), s.tokenHash(), s.startedAt().toEpochMilli(), s.lastAccessedAt().toEpochMilli(),
        s.expiresAt().toEpochMilli(), s.attributes().ipAddress(), s.attributes().userAgent(),
        JsonColumns.write(s.factors()), JsonColumns.write(s.customClaims()), s.version());
  }

  @Override
  public Optional<SessionRecord> findByTokenHash(String tokenHash) {
    return jdbc.queryOne("SELECT " + COLUMNS + " FROM sessions WHERE token_hash = ?", JdbcSessionStore::row,
        tokenHash);
  }

  @Override
  public Optional<SessionRecord> findById(String sessionId) {
    return jdbc.queryOne("SELECT " + COLUMNS + " FROM sessions WHERE session_id = ?", JdbcSessionStore::row,
        sessionId);
  }

  @Override
  public boolean update(SessionRecord next) {
    return jdbc.update("UPDATE sessions SET last_accessed_at = ?, expires_at = ?, factors = ?, custom_claims = ?, "
            + "version = ? WHERE session_id = ? AND version = ?", next.lastAccessedAt().toEpochMilli(),
        next.expiresAt().toEpochMilli(), JsonColumns.write(next.factors()), JsonColumns.write(next.customClaims()),
        next.version(), next.sessionId(), next.version() - 1) == 1;
  }

  @Override
  public boolean delete(String sessionId) {
    return jdbc.update("DELETE FROM sessions WHERE session_id = ?", sessionId) == 1;
  }

  @Override
  public int deleteForUser(String userId, String keepSessionId) {
    return keepSessionId == null ? jdbc.update("DELETE FROM sessions WHERE user_id = ?", userId)
        : jdbc.update("DELETE FROM sessions WHERE user_id = ? AND session_id <> ?", userId, keepSessionId);
  }

  @Override
  public List<SessionRecord> listActive(String userId, Instant now) {
    return jdbc.query("SELECT " + COLUMNS + " FROM sessions WHERE user_id = ? AND expires_at > ? "
        + "ORDER BY started_at, session_id", JdbcSessionStore::row, userId, now.toEpochMilli());
  }

  @Override
  public int purgeExpired(Instant now) {
    // Every node purges on the same schedule; the job lock makes one of them do it and the others skip at once.
    return jdbc.asSoleJob("purge-expired-sessions", 0,
        c -> jdbc.update(c, "DELETE FROM sessions WHERE expires_at <= ?", now.toEpochMilli()));
  }

  /** Maps a row of {@link #COLUMNS}, by position: looking columns up by name costs a native call per column. */
  private static SessionRecord row(ResultSet rs) throws SQLException {
    return new SessionRecord(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
        Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6)),
        new Attributes(rs.getString(7), rs.getString(8)), JsonColumns.readFactors(rs.getString(9)),
        JsonColumns.readMap(rs.getString(10)), rs.getLong(11));
  }
}
