package dev.latchkey.server.store;

import dev.latchkey.model.Attributes;
import java.time.Instant;

/**
 * A one-time passcode as stored: a keyed hash of the code, its salt, and the number of guesses so far.
 * {@code requestedBy} is the device that asked for the code (its fields null when not given).
 */
public record OtpCodeRecord(String methodId, String userId, String codeHash, String salt, int attempts,
    Instant createdAt, Instant expiresAt, Attributes requestedBy) {
  public OtpCodeRecord {
    requestedBy = requestedBy == null ? new Attributes(null, null) : requestedBy;
  }

  /** Sent without attributes. */
  public OtpCodeRecord(String methodId, String userId, String codeHash, String salt, int attempts,
      Instant createdAt, Instant expiresAt) {
    this(methodId, userId, codeHash, salt, attempts, createdAt, expiresAt, null);
  }

  @Override
  public String toString() {
    return "OtpCodeRecord[methodId=" + methodId + ", userId=" + userId + ", attempts=" + attempts + ", expiresAt="
        + expiresAt + "]";
  }
}
