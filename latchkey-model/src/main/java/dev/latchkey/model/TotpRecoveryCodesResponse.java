package dev.latchkey.model;

import java.util.List;

/** {@code POST /v1/totps/recovery_codes}: each of the user's TOTPs with its recovery codes not used yet. */
public record TotpRecoveryCodesResponse(
    int statusCode, String requestId, String userId, List<TotpRecoveryCodes> totps) {

  public TotpRecoveryCodesResponse {
    totps = List.copyOf(totps);
  }

  public record TotpRecoveryCodes(String totpId, boolean verified, List<String> recoveryCodes) {
    public TotpRecoveryCodes {
      recoveryCodes = List.copyOf(recoveryCodes);
    }

    @Override
    public String toString() {
      return "TotpRecoveryCodes[totpId=" + totpId + ", verified=" + verified + ", recoveryCodes=<redacted>]";
    }
  }
}
