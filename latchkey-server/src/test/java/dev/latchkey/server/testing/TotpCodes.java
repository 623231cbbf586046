package dev.latchkey.server.testing;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What an authenticator app does with a TOTP secret, written independently of the server's code so a test that
 * signs in with it checks the server against RFC 6238 rather than against itself. {@code TotpCodesTest} holds it to
 * the RFC's appendix B test vectors.
 *
 * <pre>{@code
 * String code = TotpCodes.at(secret, clock.instant());        // the code an app shows now
 * String next = TotpCodes.at(secret, clock.instant(), +1);    // the code of the next 30-second step
 * }</pre>
 */
public final class TotpCodes {
  private static final long PERIOD_SECONDS = 30;

  private TotpCodes() {}

  /** The 6-digit HMAC-SHA1 code for the base32 {@code secret} at {@code t}. */
  public static String at(String secret, Instant t) {
    return at(secret, t, 0);
  }

  /** The code {@code stepOffset} 30-second steps before (negative) or after (positive) the one of {@code t}. */
  public static String at(String secret, Instant t, int stepOffset) {
    return generate("HmacSHA1", base32(secret), Math.floorDiv(t.getEpochSecond(), PERIOD_SECONDS) + stepOffset, 6);
  }

  /**
   * A 6-digit code that is none of the codes of {@code t}'s step and the steps either side: a wrong guess that no
   * window, however the server's clock falls, would accept.
   */
  public static String wrongAt(String secret, Instant t) {
    java.util.Set<String> valid = java.util.Set.of(at(secret, t, -1), at(secret, t, 0), at(secret, t, 1));
    for (int n = 0; ; n += 111_111) {
      String candidate = String.format(Locale.ROOT, "%06d", n % 1_000_000);
      if (!valid.contains(candidate)) {
        return candidate;
      }
    }
  }

  /** RFC 6238's reference algorithm: HOTP of the time step with any HMAC and number of digits. */
  public static String generate(String hmac, byte[] key, long timeStep, int digits) {
    byte[] hash;
    try {
      Mac mac = Mac.getInstance(hmac);
      mac.init(new SecretKeySpec(key, hmac));
      hash = mac.doFinal(ByteBuffer.allocate(8).putLong(timeStep).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    int offset = hash[hash.length - 1] & 0xf;
    long binary = ((hash[offset] & 0x7fL) << 24) | ((hash[offset + 1] & 0xffL) << 16)
        | ((hash[offset + 2] & 0xffL) << 8) | (hash[offset + 3] & 0xffL);
    long otp = binary % (long) Math.pow(10, digits);
    return String.format(Locale.ROOT, "%0" + digits + "d", otp);
  }

  /** RFC 4648 base32, case-insensitive, padding optional. */
  public static byte[] base32(String text) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    String s = text.toUpperCase(Locale.ROOT).replace("=", "");
    ByteBuffer out = ByteBuffer.allocate(s.length() * 5 / 8);
    long buffer = 0;
    int bits = 0;
    for (char c : s.toCharArray()) {
      int v = alphabet.indexOf(c);
      if (v < 0) {
        throw new IllegalArgumentException("not base32: " + c);
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out.put((byte) (buffer >> (bits - 8)));
        bits -= 8;
      }
    }
    return out.array();
  }
}
