package dev.latchkey.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The tests' own authenticator app computes RFC 6238's published codes, so what it signs in with is right. */
class TotpCodesTest {
  private static final String SHA1_SEED = "12345678901234567890";
  private static final String SHA256_SEED = "12345678901234567890123456789012";
  private static final String SHA512_SEED = "1234567890123456789012345678901234567890123456789012345678901234";

  @ParameterizedTest(name = "{0} at {1}s is {2}")
  @CsvSource({
      "HmacSHA1, 59, 94287082", "HmacSHA256, 59, 46119246", "HmacSHA512, 59, 90693936",
      "HmacSHA1, 1111111109, 07081804", "HmacSHA256, 1111111109, 68084774", "HmacSHA512, 1111111109, 25091201",
      "HmacSHA1, 1111111111, 14050471", "HmacSHA256, 1111111111, 67062674", "HmacSHA512, 1111111111, 99943326",
      "HmacSHA1, 1234567890, 89005924", "HmacSHA256, 1234567890, 91819424", "HmacSHA512, 1234567890, 93441116",
      "HmacSHA1, 2000000000, 69279037", "HmacSHA256, 2000000000, 90698825", "HmacSHA512, 2000000000, 38618901",
      "HmacSHA1, 20000000000, 65353130", "HmacSHA256, 20000000000, 77737706", "HmacSHA512, 20000000000, 47863826"})
  void matchesTheRfc6238AppendixBTestVectors(String hmac, long seconds, String expected) {
    String seed = switch (hmac) {
      case "HmacSHA1" -> SHA1_SEED;
      case "HmacSHA256" -> SHA256_SEED;
      default -> SHA512_SEED;
    };
    assertThat(TotpCodes.generate(hmac, seed.getBytes(StandardCharsets.US_ASCII), seconds / 30, 8))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "base32 {0}")
  @CsvSource({"MY======, f", "MZXQ====, fo", "MZXW6===, foo", "MZXW6YQ=, foob", "MZXW6YTB, fooba",
      "MZXW6YTBOI======, foobar"})
  void decodesTheRfc4648Base32TestVectors(String encoded, String plain) {
    assertThat(new String(TotpCodes.base32(encoded), StandardCharsets.US_ASCII)).isEqualTo(plain);
  }

  @ParameterizedTest(name = "6 digits at {0}s")
  @CsvSource({"59, 287082", "1111111109, 081804", "1234567890, 005924"})
  void sixDigitCodesAreTheLastSixOfTheEightDigitVectors(long seconds, String expected) {
    // The base32 of the SHA-1 seed "12345678901234567890".
    assertThat(TotpCodes.at("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Instant.ofEpochSecond(seconds))).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void aWrongCodeIsNoneOfTheCodesOfTheWindow() {
    String secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    for (long seconds = 0; seconds < 3000; seconds += 30) {
      Instant t = Instant.ofEpochSecond(1_700_000_000L + seconds);
      assertThat(TotpCodes.wrongAt(secret, t)).matches("[0-9]{6}")
          .isNotIn(TotpCodes.at(secret, t, -1), TotpCodes.at(secret, t), TotpCodes.at(secret, t, 1));
    }
  }
}
