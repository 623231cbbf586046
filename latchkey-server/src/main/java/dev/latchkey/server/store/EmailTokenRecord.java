package dev.latchkey.server.store;

import dev.latchkey.model.Attributes;
import java.time.Instant;

/**
 * A mailed token: only its hash is stored. {@code kind} says what it may be used for; {@code codeChallenge} is the
 * PKCE challenge the token is bound to, or null. {@code requestedBy} is the device that asked for the mail (its
 * fields null when not given), compared when an authenticate call asks for it ({@code options}).
 */
public record EmailTokenRecord(String tokenHash, String kind, String userId, String emailId, String codeChallenge,
    Instant createdAt, Instant expiresAt, Attributes requestedBy, String sessionId) {
  public EmailTokenRecord {
    requestedBy = requestedBy == null ? new Attributes(null, null) : requestedBy;
  }

  /** Not about a session (every kind but {@link #REVOKE_SESSION}). */
  public EmailTokenRecord(String tokenHash, String kind, String userId, String emailId, String codeChallenge,
      Instant createdAt, Instant expiresAt, Attributes requestedBy) {
    this(tokenHash, kind, userId, emailId, codeChallenge, createdAt, expiresAt, requestedBy, null);
  }

  /** Sent without attributes. */
  public EmailTokenRecord(String tokenHash, String kind, String userId, String emailId, String codeChallenge,
      Instant createdAt, Instant expiresAt) {
    this(tokenHash, kind, userId, emailId, codeChallenge, createdAt, expiresAt, null);
  }

  public static final String MAGIC_LINK = "magic_link";
  public static final String RESET_PASSWORD = "reset_password";
  /** The link of a "new device signed in" mail: it revokes {@link #sessionId()}. */
  public static final String REVOKE_SESSION = "revoke_session";

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
