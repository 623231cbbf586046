package dev.latchkey.server.store;

import dev.latchkey.model.User;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

final class JdbcUserStore implements UserStore {
  private static final String USER_COLUMNS = "user_id, status, first_name, middle_name, last_name, trusted_metadata, "
      + "untrusted_metadata, external_id, created_at";
  private final Jdbc jdbc;

  JdbcUserStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void create(StoredUser u) {
    jdbc.inTransaction(c -> {
      Jdbc.update(c, "INSERT INTO users (" + USER_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", u.userId(),
          u.status(), u.name().firstName(), u.name().middleName(), u.name().lastName(),
          JsonColumns.write(u.trustedMetadata()), JsonColumns.write(u.untrustedMetadata()), u.externalId(),
          u.createdAt().toEpochMilli());
      for (StoredUser.StoredEmail e : u.emails()) {
        Jdbc.update(c, "INSERT INTO emails (email_id, user_id, email, verified, created_at) VALUES (?, ?, ?, ?, ?)",
            e.emailId(), u.userId(), e.email(), e.verified(), u.createdAt().toEpochMilli());
      }
      if (u.password() != null) {
        insertPassword(c, u.userId(), u.password());
      }
      return null;
    });
  }

  @Override
  public Optional<StoredUser> find(String userId) {
    return jdbc.withConnection(c -> load(c, userId));
  }

  @Override
  public Optional<StoredUser> findByEmail(String email) {
    return jdbc.withConnection(c -> {
      List<String> ids = Jdbc.query(c, "SELECT user_id FROM emails WHERE email = ?", rs -> rs.getString(1), email);
      return ids.isEmpty() ? Optional.empty() : load(c, ids.get(0));
    });
  }

  @Override
  public boolean update(StoredUser u) {
    return jdbc.update("UPDATE users SET first_name = ?, middle_name = ?, last_name = ?, trusted_metadata = ?, "
            + "untrusted_metadata = ?, external_id = ? WHERE user_id = ?", u.name().firstName(),
        u.name().middleName(), u.name().lastName(), JsonColumns.write(u.trustedMetadata()),
        JsonColumns.write(u.untrustedMetadata()), u.externalId(), u.userId()) == 1;
  }

  @Override
  public void setPassword(String userId, StoredUser.StoredPassword password) {
    jdbc.inTransaction(c -> {
      Jdbc.update(c, "DELETE FROM passwords WHERE user_id = ?", userId);
      insertPassword(c, userId, password);
      return null;
    });
  }

  @Override
  public boolean markEmailVerified(String userId, String emailId) {
    return jdbc.inTransaction(c -> {
      if (Jdbc.update(c, "UPDATE emails SET verified = ? WHERE email_id = ? AND user_id = ?", true, emailId,
          userId) != 1) {
        return false;
      }
      Jdbc.update(c, "UPDATE users SET status = 'active' WHERE user_id = ? AND status = 'pending'", userId);
      return true;
    });
  }

  @Override
  public boolean delete(String userId) {
    // Foreign keys cascade to emails, passwords, sessions and TOTPs; the explicit deletes keep that true even on a
    // connection where SQLite's foreign_keys pragma was not applied.
    return jdbc.inTransaction(c -> {
      Jdbc.update(c, "DELETE FROM totp_recovery_codes WHERE totp_id IN (SELECT totp_id FROM totps WHERE user_id = ?)",
          userId);
      Jdbc.update(c, "DELETE FROM totps WHERE user_id = ?", userId);
      Jdbc.update(c, "DELETE FROM sessions WHERE user_id = ?", userId);
      Jdbc.update(c, "DELETE FROM email_tokens WHERE user_id = ?", userId);
      Jdbc.update(c, "DELETE FROM otp_codes WHERE user_id = ?", userId);
      Jdbc.update(c, "DELETE FROM passwords WHERE user_id = ?", userId);
      Jdbc.update(c, "DELETE FROM emails WHERE user_id = ?", userId);
      return Jdbc.update(c, "DELETE FROM users WHERE user_id = ?", userId) == 1;
    });
  }

  private static void insertPassword(Connection c, String userId, StoredUser.StoredPassword p) throws SQLException {
    Jdbc.update(c, "INSERT INTO passwords (user_id, password_id, hash, requires_reset, created_at) "
        + "VALUES (?, ?, ?, ?, ?)", userId, p.passwordId(), p.hash(), p.requiresReset(), Instant.now().toEpochMilli());
  }

  private static Optional<StoredUser> load(Connection c, String userId) throws SQLException {
    List<StoredUser> users = Jdbc.query(c, "SELECT " + USER_COLUMNS + " FROM users WHERE user_id = ?",
        rs -> row(c, rs), userId);
    return users.isEmpty() ? Optional.empty() : Optional.of(users.get(0));
  }

  private static StoredUser row(Connection c, ResultSet rs) throws SQLException {
    String userId = rs.getString("user_id");
    List<StoredUser.StoredEmail> emails = Jdbc.query(c,
        "SELECT email_id, email, verified FROM emails WHERE user_id = ? ORDER BY created_at, email_id",
        e -> new StoredUser.StoredEmail(e.getString(1), e.getString(2), e.getBoolean(3)), userId);
    List<StoredUser.StoredPassword> passwords = Jdbc.query(c,
        "SELECT password_id, hash, requires_reset FROM passwords WHERE user_id = ?",
        p -> new StoredUser.StoredPassword(p.getString(1), p.getString(2), p.getBoolean(3)), userId);
    List<User.Totp> totps = Jdbc.query(c,
        "SELECT totp_id, verified FROM totps WHERE user_id = ? ORDER BY created_at, totp_id",
        t -> new User.Totp(t.getString(1), t.getBoolean(2)), userId);
    return new StoredUser(userId, rs.getString("status"),
        new User.Name(rs.getString("first_name"), rs.getString("middle_name"), rs.getString("last_name")),
        JsonColumns.readMap(rs.getString("trusted_metadata")), JsonColumns.readMap(rs.getString("untrusted_metadata")),
        rs.getString("external_id"), Instant.ofEpochMilli(rs.getLong("created_at")), emails,
        passwords.isEmpty() ? null : passwords.get(0), totps);
  }
}
