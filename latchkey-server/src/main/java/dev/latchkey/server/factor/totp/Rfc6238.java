package dev.latchkey.server.factor.totp;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP) with the parameters every authenticator app
 * assumes when the {@code otpauth://} link names none: HMAC-SHA1, 30-second steps from the Unix epoch, 6 digits.
 */
final class Rfc6238 {
  static final int DIGITS = 6;
  static final long PERIOD_SECONDS = 30;
  private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
      100_000_000};

  private Rfc6238() {}

  /** The time step {@code t} falls in: whole 30-second periods since the epoch. */
  static long step(Instant t) {
    return Math.floorDiv(t.getEpochSecond(), PERIOD_SECONDS);
  }

  /** The 6-digit HMAC-SHA1 code of {@code step}, zero-padded. */
  static String code(byte[] key, long step) {
    return code("HmacSHA1", key, step, DIGITS);
  }

  /** Any HMAC and length (RFC 6238's test vectors use SHA-256, SHA-512 and 8 digits too). */
  static String code(String hmac, byte[] key, long step, int digits) {
    try {
      Mac mac = Mac.getInstance(hmac);
      mac.init(new SecretKeySpec(key, "RAW"));
      byte[] h = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(step).array());
      // RFC 4226 section 5.3, dynamic truncation: 31 bits from the offset named by the last nibble.
      int offset = h[h.length - 1] & 0x0f;
      int binary = ((h[offset] & 0x7f) << 24) | ((h[offset + 1] & 0xff) << 16) | ((h[offset + 2] & 0xff) << 8)
          | (h[offset + 3] & 0xff);
      String digitsText = Integer.toString(binary % POWERS_OF_TEN[digits]);
      return "0".repeat(digits - digitsText.length()) + digitsText;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(hmac + " is unavailable", e);
    }
  }
}
