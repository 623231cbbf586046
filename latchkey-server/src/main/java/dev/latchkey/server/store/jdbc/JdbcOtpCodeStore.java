package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.OtpCodeRecord;
import dev.latchkey.server.store.OtpCodeStore;

import dev.latchkey.model.Attributes;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

final class JdbcOtpCodeStore implements OtpCodeStore {
  private static final String COLUMNS = "method_id, user_id, code_hash, salt, attempts, created_at, expires_at, "
      + "ip_address, user_agent";
  private final Jdbc jdbc;

  JdbcOtpCodeStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void replace(OtpCodeRecord o) {
    // One upsert rather than delete-then-insert: two concurrent sends to one email must not collide on the key.
    jdbc.update("INSERT INTO otp_codes (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (method_id) DO "
            + "UPDATE SET user_id = excluded.user_id, code_hash = excluded.code_hash, salt = excluded.salt, "
            + "attempts = excluded.attempts, created_at = excluded.created_at, expires_at = excluded.expires_at, "
            + "ip_address = excluded.ip_address, user_agent = excluded.user_agent",
        o.methodId(), o.userId(), o.codeHash(), o.salt(), o.attempts(), o.createdAt().toEpochMilli(),
        o.expiresAt().toEpochMilli(), o.requestedBy().ipAddress(), o.requestedBy().userAgent());
  }

  @Override
  public Optional<OtpCodeRecord> claimAttempt(String methodId, Instant now, int maxAttempts) {
    // Two statements, not one transaction: SQLite cannot upgrade a read transaction to a write while another
    // connection writes. The conditional update is the gate: a guess that does not manage to count itself (out of
    // tries, expired, or the code was replaced since the read) is not checked.
    List<OtpCodeRecord> rows = jdbc.query("SELECT " + COLUMNS + " FROM otp_codes WHERE method_id = ?",
        JdbcOtpCodeStore::row, methodId);
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    OtpCodeRecord code = rows.get(0);
    int counted = jdbc.update("UPDATE otp_codes SET attempts = attempts + 1 WHERE method_id = ? AND code_hash = ? "
        + "AND attempts < ? AND expires_at > ?", methodId, code.codeHash(), maxAttempts, now.toEpochMilli());
    return counted == 1 ? Optional.of(code) : Optional.empty();
  }

  @Override
  public boolean consume(String methodId, String codeHash) {
    return delete(methodId, codeHash);
  }

  @Override
  public boolean delete(String methodId, String codeHash) {
    return jdbc.update("DELETE FROM otp_codes WHERE method_id = ? AND code_hash = ?", methodId, codeHash) == 1;
  }

  @Override
  public int purgeExpired(Instant now) {
    return jdbc.update("DELETE FROM otp_codes WHERE expires_at <= ?", now.toEpochMilli());
  }

  private static OtpCodeRecord row(ResultSet rs) throws SQLException {
    return new OtpCodeRecord(rs.getString("method_id"), rs.getString("user_id"), rs.getString("code_hash"),
        rs.getString("salt"), rs.getInt("attempts"), Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("expires_at")),
        new Attributes(rs.getString("ip_address"), rs.getString("user_agent")));
  }
}
