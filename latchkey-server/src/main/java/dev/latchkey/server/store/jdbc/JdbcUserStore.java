package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.UserStore;

import dev.latchkey.model.User;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

final class JdbcUserStore implements UserStore {
  private static final String USER_COLUMNS = "user_id, status, first_name, middle_name, last_name, trusted_metadata, "
      + "untrusted_metadata, external_id, created_at";
  /**
   * A user's emails, password and TOTPs in one statement (one read instead of three on every authenticate): each
   * row is {@code kind, id, value, flag, created_at}, ordered by kind, then as Stytch lists them (oldest first).
   */
  private static final String DETAILS = "SELECT 'e', email_id, email, CASE WHEN verified THEN 1 ELSE 0 END, created_at, "
      + "NULL, NULL, NULL FROM emails WHERE user_id = ? "
      + "UNION ALL SELECT 'p', password_id, hash, CASE WHEN requires_reset THEN 1 ELSE 0 END, created_at, NULL, NULL, "
      + "NULL FROM passwords WHERE user_id = ? "
      + "UNION ALL SELECT 't', totp_id, NULL, CASE WHEN verified THEN 1 ELSE 0 END, created_at, NULL, NULL, NULL "
      + "FROM totps WHERE user_id = ? "
      + "UNION ALL SELECT 'w', webauthn_registration_id, name, CASE WHEN verified THEN 1 ELSE 0 END, created_at, "
      + "domain, user_agent, authenticator_type FROM webauthn_registrations WHERE user_id = ? ORDER BY 1, 5, 2";

  /** One row of {@link #DETAILS}; {@code a}, {@code b}, {@code c} only for WebAuthn registrations. */
  private record Detail(String kind, String id, String value, boolean flag, String a, String b, String c) {}

  private final Jdbc jdbc;

  JdbcUserStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void create(UserRecord u) {
    jdbc.inTransaction(c -> {
      jdbc.update(c, "INSERT INTO users (" + USER_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", u.userId(),
          u.status(), u.name().firstName(), u.name().middleName(), u.name().lastName(),
          JsonColumns.write(u.trustedMetadata()), JsonColumns.write(u.untrustedMetadata()), u.externalId(),
          u.createdAt().toEpochMilli());
      for (UserRecord.StoredEmail e : u.emails()) {
        jdbc.update(c, "INSERT INTO emails (email_id, user_id, email, verified, created_at) VALUES (?, ?, ?, ?, ?)",
            e.emailId(), u.userId(), e.email(), e.verified(), u.createdAt().toEpochMilli());
      }
      if (u.password() != null) {
        insertPassword(c, u.userId(), u.password());
      }
      return null;
    });
  }

  @Override
  public Optional<UserRecord> find(String userId) {
    return jdbc.withConnection(c -> load(c, userId));
  }

  @Override
  public Optional<UserRecord> findByEmail(String email) {
    return jdbc.withConnection(c -> {
      List<String> ids = jdbc.query(c, "SELECT user_id FROM emails WHERE email = ?", rs -> rs.getString(1), email);
      return ids.isEmpty() ? Optional.empty() : load(c, ids.get(0));
    });
  }

  @Override
  public boolean update(UserRecord u) {
    return jdbc.update("UPDATE users SET first_name = ?, middle_name = ?, last_name = ?, trusted_metadata = ?, "
            + "untrusted_metadata = ?, external_id = ? WHERE user_id = ?", u.name().firstName(),
        u.name().middleName(), u.name().lastName(), JsonColumns.write(u.trustedMetadata()),
        JsonColumns.write(u.untrustedMetadata()), u.externalId(), u.userId()) == 1;
  }

  @Override
  public void setPassword(String userId, UserRecord.StoredPassword password) {
    jdbc.inTransaction(c -> {
      jdbc.update(c, "DELETE FROM passwords WHERE user_id = ?", userId);
      insertPassword(c, userId, password);
      return null;
    });
  }

  @Override
  public boolean markEmailVerified(String userId, String emailId) {
    return jdbc.inTransaction(c -> {
      if (jdbc.update(c, "UPDATE emails SET verified = ? WHERE email_id = ? AND user_id = ?", true, emailId,
          userId) != 1) {
        return false;
      }
      jdbc.update(c, "UPDATE users SET status = 'active' WHERE user_id = ? AND status = 'pending'", userId);
      return true;
    });
  }

  @Override
  public boolean delete(String userId) {
    // Foreign keys cascade to emails, passwords, sessions and TOTPs; the explicit deletes keep that true even on a
    // connection where SQLite's foreign_keys pragma was not applied.
    return jdbc.inTransaction(c -> {
      jdbc.update(c, "DELETE FROM totp_recovery_codes WHERE totp_id IN (SELECT totp_id FROM totps WHERE user_id = ?)",
          userId);
      jdbc.update(c, "DELETE FROM totps WHERE user_id = ?", userId);
      jdbc.update(c, "DELETE FROM webauthn_registrations WHERE user_id = ?", userId);
      jdbc.update(c, "DELETE FROM webauthn_ceremonies WHERE user_id = ?", userId);
      jdbc.update(c, "DELETE FROM sessions WHERE user_id = ?", userId);
      jdbc.update(c, "DELETE FROM email_tokens WHERE user_id = ?", userId);
      jdbc.update(c, "DELETE FROM otp_codes WHERE user_id = ?", userId);
      jdbc.update(c, "DELETE FROM passwords WHERE user_id = ?", userId);
      jdbc.update(c, "DELETE FROM emails WHERE user_id = ?", userId);
      return jdbc.update(c, "DELETE FROM users WHERE user_id = ?", userId) == 1;
    });
  }

  private void insertPassword(Connection c, String userId, UserRecord.StoredPassword p) throws SQLException {
    jdbc.update(c, "INSERT INTO passwords (user_id, password_id, hash, requires_reset, created_at) "
        + "VALUES (?, ?, ?, ?, ?)", userId, p.passwordId(), p.hash(), p.requiresReset(), Instant.now().toEpochMilli());
  }

  private Optional<UserRecord> load(Connection c, String userId) throws SQLException {
    List<UserRecord> users = jdbc.query(c, "SELECT " + USER_COLUMNS + " FROM users WHERE user_id = ?",
        rs -> row(c, rs), userId);
    return users.isEmpty() ? Optional.empty() : Optional.of(users.get(0));
  }

  /** Maps a row of {@link #USER_COLUMNS} (by position, see JdbcSessionStore.row) and reads the user's details. */
  private UserRecord row(Connection c, ResultSet rs) throws SQLException {
    String userId = rs.getString(1);
    List<Detail> details = jdbc.query(c, DETAILS,
        d -> new Detail(d.getString(1), d.getString(2), d.getString(3), d.getInt(4) != 0, d.getString(6),
            d.getString(7), d.getString(8)), userId, userId, userId, userId);
    List<UserRecord.StoredEmail> emails = new ArrayList<>(1);
    List<UserRecord.StoredPassword> passwords = new ArrayList<>(1);
    List<User.Totp> totps = new ArrayList<>(0);
    List<User.WebAuthnRegistration> webauthn = new ArrayList<>(0);
    for (Detail d : details) {
      switch (d.kind()) {
        case "e" -> emails.add(new UserRecord.StoredEmail(d.id(), d.value(), d.flag()));
        case "p" -> passwords.add(new UserRecord.StoredPassword(d.id(), d.value(), d.flag()));
        case "w" -> webauthn.add(new User.WebAuthnRegistration(d.id(), d.a(), d.b(), d.flag(), d.c(), d.value()));
        default -> totps.add(new User.Totp(d.id(), d.flag()));
      }
    }
    return new UserRecord(userId, rs.getString(2), new User.Name(rs.getString(3), rs.getString(4), rs.getString(5)),
        JsonColumns.readMap(rs.getString(6)), JsonColumns.readMap(rs.getString(7)), rs.getString(8),
        Instant.ofEpochMilli(rs.getLong(9)), emails,
        passwords.isEmpty() ? null : passwords.get(0), totps, webauthn);
  }
}
