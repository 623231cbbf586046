package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.TotpRecord;
import dev.latchkey.server.store.TotpStore;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

final class JdbcTotpStore implements TotpStore {
  private static final String COLUMNS = "totp_id, user_id, secret, secret_encryption, verified, created_at, "
      + "expires_at, last_used_step, failed_attempts, locked_until";
  private final Jdbc jdbc;

  JdbcTotpStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void create(TotpRecord t, Instant now) {
    jdbc.inTransaction(c -> {
      deleteExpiredUnverified(c, "user_id = ?", t.userId(), now);
      jdbc.update(c, "INSERT INTO totps (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", t.totpId(),
          t.userId(), t.sealedSecret(), t.secretEncryption(), t.verified(), t.createdAt().toEpochMilli(),
          t.expiresAt().toEpochMilli(), t.lastUsedStep(), t.failedAttempts(), millis(t.lockedUntil()));
      for (TotpRecord.StoredRecoveryCode r : t.recoveryCodes()) {
        jdbc.update(c, "INSERT INTO totp_recovery_codes (recovery_code_id, totp_id, position, code_hash, code_sealed, "
                + "code_encryption, used_at) VALUES (?, ?, ?, ?, ?, ?, ?)", r.recoveryCodeId(), t.totpId(),
            r.position(), r.codeHash(), r.sealedCode(), r.codeEncryption(), millis(r.usedAt()));
      }
      return null;
    });
  }

  @Override
  public Optional<TotpRecord> findByUser(String userId) {
    return jdbc.withConnection(c -> load(c, "user_id = ?", userId));
  }

  @Override
  public Optional<TotpRecord> findById(String totpId) {
    return jdbc.withConnection(c -> load(c, "totp_id = ?", totpId));
  }

  @Override
  public boolean beginAttempt(String totpId, Instant now, int maxAttempts, Instant lockUntil) {
    // One statement decides "not locked", counts, and locks on reaching the limit: parallel guesses cannot all read
    // an unlocked row and then each count, so at most maxAttempts codes are ever checked per lock period.
    return jdbc.update("UPDATE totps SET "
            + "failed_attempts = CASE WHEN failed_attempts + 1 >= ? THEN 0 ELSE failed_attempts + 1 END, "
            + "locked_until = CASE WHEN failed_attempts + 1 >= ? THEN ? ELSE NULL END "
            + "WHERE totp_id = ? AND (locked_until IS NULL OR locked_until <= ?)",
        maxAttempts, maxAttempts, lockUntil.toEpochMilli(), totpId, now.toEpochMilli()) == 1;
  }

  @Override
  public boolean acceptStep(String totpId, long step) {
    return jdbc.update("UPDATE totps SET last_used_step = ?, verified = ?, failed_attempts = 0, locked_until = NULL "
        + "WHERE totp_id = ? AND last_used_step < ?", step, true, totpId, step) == 1;
  }

  @Override
  public boolean useRecoveryCode(String totpId, String recoveryCodeId, Instant at) {
    return jdbc.inTransaction(c -> {
      boolean used = jdbc.update(c, "UPDATE totp_recovery_codes SET used_at = ? WHERE recovery_code_id = ? "
          + "AND totp_id = ? AND used_at IS NULL", at.toEpochMilli(), recoveryCodeId, totpId) == 1;
      if (used) {
        jdbc.update(c, "UPDATE totps SET failed_attempts = 0, locked_until = NULL WHERE totp_id = ?", totpId);
      }
      return used;
    });
  }

  @Override
  public boolean delete(String totpId) {
    return jdbc.inTransaction(c -> {
      jdbc.update(c, "DELETE FROM totp_recovery_codes WHERE totp_id = ?", totpId);
      return jdbc.update(c, "DELETE FROM totps WHERE totp_id = ?", totpId) == 1;
    });
  }

  @Override
  public int purgeExpiredUnverified(Instant now) {
    // As the session purge: on PostgreSQL one node does it under the job lock, the others skip.
    return jdbc.asSoleJob("purge-expired-totps", 0, c -> deleteExpiredUnverified(c, "1 = 1", null, now));
  }

  /** Deletes expired unverified registrations matching {@code where} (one optional parameter), codes first. */
  private int deleteExpiredUnverified(Connection c, String where, Object arg, Instant now)
      throws SQLException {
    String expired = where + " AND verified = ? AND expires_at <= ?";
    Object[] args = arg == null ? new Object[] {false, now.toEpochMilli()}
        : new Object[] {arg, false, now.toEpochMilli()};
    jdbc.update(c, "DELETE FROM totp_recovery_codes WHERE totp_id IN (SELECT totp_id FROM totps WHERE " + expired
        + ")", args);
    return jdbc.update(c, "DELETE FROM totps WHERE " + expired, args);
  }

  private Optional<TotpRecord> load(Connection c, String where, String arg) throws SQLException {
    List<TotpRecord> rows = jdbc.query(c, "SELECT " + COLUMNS + " FROM totps WHERE " + where, rs -> row(c, rs), arg);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  private TotpRecord row(Connection c, ResultSet rs) throws SQLException {
    String totpId = rs.getString("totp_id");
    List<TotpRecord.StoredRecoveryCode> codes = jdbc.query(c, "SELECT recovery_code_id, position, code_hash, "
            + "code_sealed, code_encryption, used_at FROM totp_recovery_codes WHERE totp_id = ? ORDER BY position",
        r -> new TotpRecord.StoredRecoveryCode(r.getString(1), r.getInt(2), r.getString(3), r.getString(4),
            r.getString(5), instant(r, 6)), totpId);
    return new TotpRecord(totpId, rs.getString("user_id"), rs.getString("secret"), rs.getString("secret_encryption"),
        rs.getBoolean("verified"), Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("expires_at")), rs.getLong("last_used_step"), rs.getInt("failed_attempts"),
        instant(rs, "locked_until"), codes);
  }

  private static Long millis(Instant t) {
    return t == null ? null : t.toEpochMilli();
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }
}
