package dev.latchkey.model;

import java.util.List;

/**
 * {@code POST /v1/totps}: the only reply that carries the shared {@code secret} (base32) and the {@code qrCode}
 * (a {@code data:image/png;base64} URI of the {@code otpauth://} link); show both to the user once.
 */
public record TotpCreateResponse(
    int statusCode,
    String requestId,
    String totpId,
    String secret,
    String qrCode,
    List<String> recoveryCodes,
    String userId,
    User user) {

  public TotpCreateResponse {
    recoveryCodes = List.copyOf(recoveryCodes);
  }

  /** The secret stays out of logs. */
  @Override
  public String toString() {
    return "TotpCreateResponse[totpId=" + totpId + ", userId=" + userId + ", secret=<redacted>]";
  }
}
