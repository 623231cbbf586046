package dev.latchkey.server.store;

import java.time.Instant;
import java.util.Optional;

/**
 * The admin console's accounts and sessions. Sessions are keyed by the SHA-256 of their cookie: the cookie itself is
 * never stored.
 */
public interface AdminStore {
  /** An admin account: its name, its Argon2id hash (PHC string) and when it was created. */
  record Admin(String name, String passwordHash, Instant createdAt) {
    @Override
    public String toString() {
      return "Admin[name=" + name + ", passwordHash=<redacted>, createdAt=" + createdAt + "]";
    }
  }

  /** A signed-in admin: the hash of the cookie, who, since when, and when last seen (for the idle timeout). */
  record AdminSession(String tokenHash, String adminName, Instant createdAt, Instant lastSeenAt) {}

  /** Creates the admin, or replaces the password of the admin of that name; true when it was created. */
  boolean putAdmin(Admin admin);

  Optional<Admin> findAdmin(String name);

  void createSession(AdminSession session);

  Optional<AdminSession> findSession(String tokenHash);

  /** Records that the session was used at {@code at}; false when it is gone. */
  boolean touchSession(String tokenHash, Instant at);

  /** Deletes the session; false when there was none. */
  boolean deleteSession(String tokenHash);

  /** Deletes the admin's sessions (its password changed); returns how many. */
  int deleteSessionsOf(String adminName);

  /**
   * Deletes sessions last seen at or before {@code idleBefore} or created at or before {@code createdBefore};
   * returns how many.
   */
  int purgeSessions(Instant idleBefore, Instant createdBefore);
}
