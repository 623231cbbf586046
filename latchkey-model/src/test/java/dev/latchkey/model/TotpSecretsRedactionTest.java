package dev.latchkey.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** TOTP wire records that hold a secret never show it in {@code toString()}, so a logged record leaks nothing. */
class TotpSecretsRedactionTest {
  @Test
  void requestsHideTheCodeAndTheSessionToken() {
    String auth = new TotpAuthenticateRequest("user-test-1", "123456", "token-abc", null, 60, null).toString();
    String recover = new TotpRecoverRequest("user-test-1", "ckss-2skx-ebow", null, "jwt-abc", null, null).toString();

    assertThat(auth).contains("user-test-1").doesNotContain("123456").doesNotContain("token-abc");
    assertThat(recover).contains("user-test-1").doesNotContain("ckss-2skx-ebow").doesNotContain("jwt-abc");
  }

  @Test
  void repliesHideTheSecretAndTheRecoveryCodes() {
    String created = new TotpCreateResponse(200, "request-id-test-1", "totp-test-1", "JBSWY3DPEHPK3PXP",
        "data:image/png;base64, iVBOR", List.of("ckss-2skx-ebow"), "user-test-1", null).toString();
    String listed = new TotpRecoveryCodesResponse.TotpRecoveryCodes("totp-test-1", true, List.of("ckss-2skx-ebow"))
        .toString();

    assertThat(created).contains("totp-test-1").doesNotContain("JBSWY3DPEHPK3PXP").doesNotContain("ckss-2skx-ebow");
    assertThat(listed).contains("totp-test-1").doesNotContain("ckss-2skx-ebow");
  }
}
