package dev.latchkey.server.store;

import java.time.Instant;
import java.util.List;

/**
 * A TOTP registration as stored: the shared secret sealed by {@code KeyEncryption} (never in clear), the replay
 * guard ({@code lastUsedStep}), the wrong-code counter and lock, and its recovery codes. {@link #toString()} leaves
 * the sealed secret out.
 */
public record TotpRecord(
    String totpId,
    String userId,
    String sealedSecret,
    String secretEncryption,
    boolean verified,
    Instant createdAt,
    Instant expiresAt,
    long lastUsedStep,
    int failedAttempts,
    Instant lockedUntil,
    List<StoredRecoveryCode> recoveryCodes) {

  /** {@code lastUsedStep} of a registration that never accepted a code. */
  public static final long NO_STEP = -1;

  public TotpRecord {
    recoveryCodes = List.copyOf(recoveryCodes);
  }

  /** Usable: verified, or still inside the time it was given to be verified. */
  public boolean isUsableAt(Instant now) {
    return verified || now.isBefore(expiresAt);
  }

  /** Locked against attempts at {@code now}. */
  public boolean isLockedAt(Instant now) {
    return lockedUntil != null && now.isBefore(lockedUntil);
  }

  @Override
  public String toString() {
    return "TotpRecord[totpId=" + totpId + ", userId=" + userId + ", secret=<redacted>, verified=" + verified
        + ", expiresAt=" + expiresAt + ", lastUsedStep=" + lastUsedStep + ", failedAttempts=" + failedAttempts
        + ", lockedUntil=" + lockedUntil + ", recoveryCodes=" + recoveryCodes.size() + "]";
  }

  /**
   * One single-use recovery code: its SHA-256 hash (what a presented code is checked against) and a sealed copy
   * (so the unused codes can be listed again); {@code usedAt} is null while unused.
   */
  public record StoredRecoveryCode(String recoveryCodeId, int position, String codeHash, String sealedCode,
      String codeEncryption, Instant usedAt) {
    @Override
    public String toString() {
      return "StoredRecoveryCode[recoveryCodeId=" + recoveryCodeId + ", position=" + position + ", usedAt=" + usedAt
          + "]";
    }
  }
}
