package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.EmailTokenRecord;
import dev.latchkey.server.store.EmailTokenStore;

import dev.latchkey.model.Attributes;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

final class JdbcEmailTokenStore implements EmailTokenStore {
  private static final String COLUMNS = "token_hash, kind, user_id, email_id, code_challenge, created_at, expires_at, "
      + "ip_address, user_agent, session_id";
  private final Jdbc jdbc;

  JdbcEmailTokenStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void create(EmailTokenRecord t) {
    jdbc.update("INSERT INTO email_tokens (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", t.tokenHash(),
        t.kind(), t.userId(), t.emailId(), t.codeChallenge(), t.createdAt().toEpochMilli(), t.expiresAt().toEpochMilli(),
        t.requestedBy().ipAddress(), t.requestedBy().userAgent(), t.sessionId());
  }

  @Override
  public Optional<EmailTokenRecord> find(String tokenHash, String kind) {
    return jdbc.queryOne("SELECT " + COLUMNS + " FROM email_tokens WHERE token_hash = ? AND kind = ?",
        JdbcEmailTokenStore::row, tokenHash, kind);
  }

  @Override
  public Optional<EmailTokenRecord> consume(String tokenHash, String kind) {
    // Two statements, not one transaction: SQLite cannot upgrade a read transaction to a write while another
    // connection writes (it fails at once with SQLITE_BUSY). The row never changes, and the delete decides: when
    // two requests read the same row, only one of them deletes it.
    Optional<EmailTokenRecord> found = find(tokenHash, kind);
    if (found.isEmpty() || !delete(tokenHash)) {
      return Optional.empty();
    }
    return found;
  }

  @Override
  public boolean delete(String tokenHash) {
    return jdbc.update("DELETE FROM email_tokens WHERE token_hash = ?", tokenHash) == 1;
  }

  @Override
  public int purgeExpired(Instant now) {
    return jdbc.update("DELETE FROM email_tokens WHERE expires_at <= ?", now.toEpochMilli());
  }

  private static EmailTokenRecord row(ResultSet rs) throws SQLException {
    return new EmailTokenRecord(rs.getString("token_hash"), rs.getString("kind"), rs.getString("user_id"),
        rs.getString("email_id"), rs.getString("code_challenge"), Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("expires_at")),
        new Attributes(rs.getString("ip_address"), rs.getString("user_agent")), rs.getString("session_id"));
  }
}
