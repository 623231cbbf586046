package dev.latchkey.server.store;

import java.time.Instant;

/** A one-time passcode as stored: a keyed hash of the code, its salt, and the number of guesses so far. */
public record OtpCodeRecord(String methodId, String userId, String codeHash, String salt, int attempts,
    Instant createdAt, Instant expiresAt) {
  @Override
  public String toString() {
    return "OtpCodeRecord[methodId=" + methodId + ", userId=" + userId + ", attempts=" + attempts + ", expiresAt="
        + expiresAt + "]";
  }
}
