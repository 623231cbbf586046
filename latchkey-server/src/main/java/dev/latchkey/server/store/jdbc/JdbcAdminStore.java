package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.AdminStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

final class JdbcAdminStore implements AdminStore {
  private final Jdbc jdbc;

  JdbcAdminStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public boolean putAdmin(Admin admin) {
    boolean existed = findAdmin(admin.name()).isPresent();
    jdbc.update("INSERT INTO admins (name, password_hash, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO "
        + "UPDATE SET password_hash = excluded.password_hash", admin.name(), admin.passwordHash(),
        admin.createdAt().toEpochMilli());
    return !existed;
  }

  @Override
  public Optional<Admin> findAdmin(String name) {
    return jdbc.query("SELECT name, password_hash, created_at FROM admins WHERE name = ?",
        rs -> new Admin(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))), name)
        .stream().findFirst();
  }

  @Override
  public void createSession(AdminSession s) {
    jdbc.update("INSERT INTO admin_sessions (token_hash, admin_name, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
        s.tokenHash(), s.adminName(), s.createdAt().toEpochMilli(), s.lastSeenAt().toEpochMilli());
  }

  @Override
  public Optional<AdminSession> findSession(String tokenHash) {
    return jdbc.query("SELECT token_hash, admin_name, created_at, last_seen_at FROM admin_sessions "
        + "WHERE token_hash = ?", JdbcAdminStore::session, tokenHash).stream().findFirst();
  }

  @Override
  public boolean touchSession(String tokenHash, Instant at) {
    return jdbc.update("UPDATE admin_sessions SET last_seen_at = ? WHERE token_hash = ?", at.toEpochMilli(),
        tokenHash) == 1;
  }

  @Override
  public boolean deleteSession(String tokenHash) {
    return jdbc.update("DELETE FROM admin_sessions WHERE token_hash = ?", tokenHash) == 1;
  }

  @Override
  public int deleteSessionsOf(String adminName) {
    return jdbc.update("DELETE FROM admin_sessions WHERE admin_name = ?", adminName);
  }

  @Override
  public int purgeSessions(Instant idleBefore, Instant createdBefore) {
    return jdbc.update("DELETE FROM admin_sessions WHERE last_seen_at <= ? OR created_at <= ?",
        idleBefore.toEpochMilli(), createdBefore.toEpochMilli());
  }

  private static AdminSession session(ResultSet rs) throws SQLException {
    return new AdminSession(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
        Instant.ofEpochMilli(rs.getLong(4)));
  }
}
