package dev.latchkey.server.store;

import java.time.Instant;

/** A mailed token: only its hash is stored. {@code kind} says what it may be used for. */
public record StoredEmailToken(String tokenHash, String kind, String userId, String emailId, Instant createdAt,
    Instant expiresAt) {
  public static final String MAGIC_LINK = "magic_link";
  public static final String RESET_PASSWORD = "reset_password";

  public boolean isLiveAt(Instant now) {
    return now.isBefore(expiresAt);
  }

  @Override
  public String toString() {
    return "StoredEmailToken[kind=" + kind + ", userId=" + userId + ", emailId=" + emailId + ", expiresAt="
        + expiresAt + "]";
  }
}
