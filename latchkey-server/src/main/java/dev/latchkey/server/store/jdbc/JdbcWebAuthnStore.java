package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.WebAuthnCeremonyRecord;
import dev.latchkey.server.store.WebAuthnRegistrationRecord;
import dev.latchkey.server.store.WebAuthnStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

final class JdbcWebAuthnStore implements WebAuthnStore {
  private static final String COLUMNS = "webauthn_registration_id, user_id, domain, credential_id, user_handle, "
      + "public_key_cose, sign_count, user_agent, authenticator_type, name, verified, created_at, clone_warning_at";
  private static final String CEREMONY_COLUMNS = "challenge_hash, kind, user_id, domain, request_json, user_agent, "
      + "authenticator_type, user_verification, expires_at";

  private final Jdbc jdbc;

  JdbcWebAuthnStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void startCeremony(WebAuthnCeremonyRecord c) {
    jdbc.update("INSERT INTO webauthn_ceremonies (" + CEREMONY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        c.challengeHash(), c.kind(), c.userId(), c.domain(), c.requestJson(), c.userAgent(), c.authenticatorType(),
        c.userVerification(), c.expiresAt().toEpochMilli());
  }

  @Override
  public Optional<WebAuthnCeremonyRecord> takeCeremony(String challengeHash, Instant now) {
    return jdbc.inTransaction(c -> {
      List<WebAuthnCeremonyRecord> rows = jdbc.query(c, "SELECT " + CEREMONY_COLUMNS
          + " FROM webauthn_ceremonies WHERE challenge_hash = ?", JdbcWebAuthnStore::ceremony, challengeHash);
      // The delete decides who takes it: of two concurrent finishes only one deletes the row.
      if (rows.isEmpty()
          || jdbc.update(c, "DELETE FROM webauthn_ceremonies WHERE challenge_hash = ?", challengeHash) != 1) {
        return Optional.empty();
      }
      WebAuthnCeremonyRecord found = rows.get(0);
      return found.expiresAt().isAfter(now) ? Optional.of(found) : Optional.empty();
    });
  }

  @Override
  public void create(WebAuthnRegistrationRecord r) {
    jdbc.update("INSERT INTO webauthn_registrations (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        r.webauthnRegistrationId(), r.userId(), r.domain(), r.credentialId(), r.userHandle(), r.publicKeyCose(),
        r.signCount(), r.userAgent(), r.authenticatorType(), r.name(), r.verified(), r.createdAt().toEpochMilli(),
        r.cloneWarningAt() == null ? null : r.cloneWarningAt().toEpochMilli());
  }

  @Override
  public Optional<WebAuthnRegistrationRecord> findById(String id) {
    return jdbc.queryOne("SELECT " + COLUMNS + " FROM webauthn_registrations WHERE webauthn_registration_id = ?",
        JdbcWebAuthnStore::row, id);
  }

  @Override
  public Optional<WebAuthnRegistrationRecord> findByCredentialId(String credentialId) {
    return jdbc.queryOne("SELECT " + COLUMNS + " FROM webauthn_registrations WHERE credential_id = ?",
        JdbcWebAuthnStore::row, credentialId);
  }

  @Override
  public List<WebAuthnRegistrationRecord> listByUser(String userId) {
    return jdbc.query("SELECT " + COLUMNS + " FROM webauthn_registrations WHERE user_id = ? "
        + "ORDER BY created_at, webauthn_registration_id", JdbcWebAuthnStore::row, userId);
  }

  @Override
  public List<WebAuthnRegistrationRecord> listByUserHandle(String userHandle) {
    return jdbc.query("SELECT " + COLUMNS + " FROM webauthn_registrations WHERE user_handle = ? "
        + "ORDER BY created_at, webauthn_registration_id", JdbcWebAuthnStore::row, userHandle);
  }

  @Override
  public boolean advanceSignCount(String id, long expected, long next) {
    return jdbc.update("UPDATE webauthn_registrations SET sign_count = ?, verified = ? "
        + "WHERE webauthn_registration_id = ? AND sign_count = ?", next, true, id, expected) == 1;
  }

  @Override
  public boolean recordCloneWarning(String id, Instant at) {
    return jdbc.update("UPDATE webauthn_registrations SET clone_warning_at = ? WHERE webauthn_registration_id = ?",
        at.toEpochMilli(), id) == 1;
  }

  @Override
  public boolean rename(String id, String name) {
    return jdbc.update("UPDATE webauthn_registrations SET name = ? WHERE webauthn_registration_id = ?", name, id)
        == 1;
  }

  @Override
  public boolean delete(String id) {
    return jdbc.update("DELETE FROM webauthn_registrations WHERE webauthn_registration_id = ?", id) == 1;
  }

  @Override
  public int purgeExpiredCeremonies(Instant now) {
    return jdbc.update("DELETE FROM webauthn_ceremonies WHERE expires_at <= ?", now.toEpochMilli());
  }

  private static WebAuthnRegistrationRecord row(ResultSet rs) throws SQLException {
    long clone = rs.getLong(13);
    boolean noClone = rs.wasNull();
    return new WebAuthnRegistrationRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getString(6), rs.getLong(7), rs.getString(8), rs.getString(9), rs.getString(10),
        rs.getBoolean(11), Instant.ofEpochMilli(rs.getLong(12)), noClone ? null : Instant.ofEpochMilli(clone));
  }

  private static WebAuthnCeremonyRecord ceremony(ResultSet rs) throws SQLException {
    return new WebAuthnCeremonyRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getString(6), rs.getString(7), rs.getBoolean(8), Instant.ofEpochMilli(rs.getLong(9)));
  }
}
