package dev.latchkey.server.factor.totp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The server's TOTP arithmetic against the RFCs' own test vectors, and the forms it hands out. */
class Rfc6238Test {
  private static final byte[] SHA1_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

  @ParameterizedTest(name = "{0} at {1}s is {2}")
  @CsvSource({
      "HmacSHA1, 59, 94287082", "HmacSHA256, 59, 46119246", "HmacSHA512, 59, 90693936",
      "HmacSHA1, 1111111109, 07081804", "HmacSHA256, 1111111109, 68084774", "HmacSHA512, 1111111109, 25091201",
      "HmacSHA1, 1234567890, 89005924", "HmacSHA256, 1234567890, 91819424", "HmacSHA512, 1234567890, 93441116",
      "HmacSHA1, 20000000000, 65353130", "HmacSHA256, 20000000000, 77737706", "HmacSHA512, 20000000000, 47863826"})
  void codesMatchTheRfc6238AppendixBTestVectors(String hmac, long seconds, String expected) {
    String seed = switch (hmac) {
      case "HmacSHA1" -> "12345678901234567890";
      case "HmacSHA256" -> "12345678901234567890123456789012";
      default -> "1234567890123456789012345678901234567890123456789012345678901234";
    };
    long step = Rfc6238.step(Instant.ofEpochSecond(seconds));
    assertThat(Rfc6238.code(hmac, seed.getBytes(StandardCharsets.US_ASCII), step, 8)).isEqualTo(expected);
  }

  @Test
  void theSixDigitSha1CodeIsTheVectorsLastSixDigits() {
    assertThat(Rfc6238.code(SHA1_SEED, Rfc6238.step(Instant.ofEpochSecond(1111111109)))).isEqualTo("081804");
    assertThat(Rfc6238.code(SHA1_SEED, Rfc6238.step(Instant.ofEpochSecond(59)))).isEqualTo("287082");
  }

  @Test
  void aStepIsThirtySecondsFromTheEpoch() {
    assertThat(Rfc6238.step(Instant.ofEpochSecond(29))).isZero();
    assertThat(Rfc6238.step(Instant.ofEpochSecond(30))).isEqualTo(1);
    assertThat(Rfc6238.step(Instant.ofEpochSecond(59, 999_999_999))).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({"f, MY", "fo, MZXQ", "foo, MZXW6", "foob, MZXW6YQ", "fooba, MZXW6YTB", "foobar, MZXW6YTBOI"})
  void base32IsRfc4648WithoutPadding(String plain, String encoded) {
    assertThat(Base32.encode(plain.getBytes(StandardCharsets.US_ASCII))).isEqualTo(encoded);
  }

  @Test
  void recoveryCodesHaveStytchsFormAndDoNotRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String code = RecoveryCodes.generate();
      assertThat(code).matches("[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}");
      seen.add(code);
    }
    assertThat(seen).hasSize(1000);
  }

  @Test
  void typedRecoveryCodesAreTrimmedAndLowerCasedAndOtherTextIsRefused() {
    assertThat(RecoveryCodes.normalize(" CKSS-2skx-EBOW ")).isEqualTo("ckss-2skx-ebow");
    assertThat(RecoveryCodes.normalize("ckss2skxebow")).isNull();
    assertThat(RecoveryCodes.normalize("123456")).isNull();
  }

  @Test
  void theOtpauthLinkNamesIssuerAccountAndTheRfc6238Parameters() {
    assertThat(TotpService.otpauthUri("Acme Corp", "ada@example.com", "JBSWY3DPEHPK3PXP")).isEqualTo(
        "otpauth://totp/Acme%20Corp:ada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Acme%20Corp"
            + "&algorithm=SHA1&digits=6&period=30");
  }
}
