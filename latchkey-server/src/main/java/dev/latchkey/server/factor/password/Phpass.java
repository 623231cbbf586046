package dev.latchkey.server.factor.password;

import dev.latchkey.server.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * phpass, the one legacy hash no well-kept Java library verifies (WordPress and phpBB's portable hashes), written out
 * here in full because it is short: salted MD5 iterated 2^cost times, in phpass's own base64.
 */
final class Phpass {
  private static final String ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private Phpass() {}

  /** A stored phpass hash's shape: prefix, length, alphabet and a cost of 2^7 to 2^30 rounds. */
  static void check(String hash) {
    if (!hash.startsWith("$P$") && !hash.startsWith("$H$")) {
      throw ErrorCode.INVALID_PHPASS_HASH_PREFIX.exception();
    }
    if (hash.length() != 34 || !hash.substring(3).chars().allMatch(ch -> ITOA64.indexOf(ch) >= 0)) {
      throw ErrorCode.INVALID_PHPASS_HASH_FORMAT.exception();
    }
    int log2 = ITOA64.indexOf(hash.charAt(3));
    if (log2 < 7 || log2 > 30) {
      throw ErrorCode.INVALID_PHPASS_HASH_FORMAT.exception("The cost character of the phpass hash is out of range.");
    }
  }

  /**
   * phpass's portable hash ({@code $P$} WordPress, {@code $H$} phpBB): MD5 of salt and password, then 2^cost rounds
   * of MD5 of the previous digest and the password, written in phpass's own base64. Checked against phpass's known
   * vectors in {@code LegacyHashTest}.
   */
  static boolean matches(String password, String stored) {
    byte[] pw = password.getBytes(StandardCharsets.UTF_8);
    int count = 1 << ITOA64.indexOf(stored.charAt(3));
    MessageDigest md5 = LegacyHash.digest("MD5");
    md5.update(stored.substring(4, 12).getBytes(StandardCharsets.US_ASCII));
    byte[] h = md5.digest(pw);
    for (int i = 0; i < count; i++) {
      md5.update(h);
      h = md5.digest(pw);
    }
    byte[] expected = stored.substring(12).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(encode64(h).getBytes(StandardCharsets.US_ASCII), expected);
  }

  /** phpass's encode64: little-endian groups of 3 bytes as 4 characters of {@link #ITOA64}. */
  private static String encode64(byte[] input) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < input.length) {
      int value = input[i++] & 0xff;
      out.append(ITOA64.charAt(value & 0x3f));
      if (i < input.length) {
        value |= (input[i] & 0xff) << 8;
      }
      out.append(ITOA64.charAt((value >> 6) & 0x3f));
      if (i++ >= input.length) {
        break;
      }
      if (i < input.length) {
        value |= (input[i] & 0xff) << 16;
      }
      out.append(ITOA64.charAt((value >> 12) & 0x3f));
      if (i++ >= input.length) {
        break;
      }
      out.append(ITOA64.charAt((value >> 18) & 0x3f));
    }
    return out.toString();
  }
}
