package dev.latchkey.client;

import java.util.List;

/**
 * A new authenticator-app registration ({@link TotpClient#create}): show {@code qrCode} (a PNG data URI) or
 * {@code secret} (base32) to the user once, and have them keep the {@code recoveryCodes}. Until the first
 * {@link TotpClient#authenticate} it is unverified. {@link #toString()} leaves the secrets out.
 */
public record TotpRegistration(String totpId, String secret, String qrCode, List<String> recoveryCodes) {
  public TotpRegistration {
    recoveryCodes = recoveryCodes == null ? List.of() : List.copyOf(recoveryCodes);
  }

  @Override
  public String toString() {
    return "TotpRegistration[totpId=" + totpId + ", secret=<redacted>, recoveryCodes=<redacted>]";
  }
}
