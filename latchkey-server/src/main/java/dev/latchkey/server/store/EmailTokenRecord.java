package dev.latchkey.server.store;

import java.time.Instant;

/**
 * A mailed token: only its hash is stored. {@code kind} says what it may be used for; {@code codeChallenge} is the
 * PKCE challenge the token is bound to, or null.
 */
public record EmailTokenRecord(String tokenHash, String kind, String userId, String emailId, String codeChallenge,
    Instant createdAt, Instant expiresAt) {
  public static final String MAGIC_LINK = "magic_link";
  public static final String RESET_PASSWORD = "reset_password";

  public boolean isLiveAt(Instant now) {
    return now.isBefore(expiresAt);
  }

  @Override
  public String toString() {
    return "EmailTokenRecord[kind=" + kind + ", userId=" + userId + ", emailId=" + emailId + ", pkce="
        + (codeChallenge != null) + ", expiresAt="
        + expiresAt + "]";
  }
}
