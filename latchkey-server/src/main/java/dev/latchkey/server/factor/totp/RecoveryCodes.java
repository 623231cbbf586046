package dev.latchkey.server.factor.totp;

import dev.latchkey.server.crypto.Secrets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Recovery codes in Stytch's form: three groups of four lower-case letters and digits ({@code ckss-2skx-ebow}),
 * 12 random characters of 36, about 62 bits: far beyond guessing within the attempt limit.
 */
final class RecoveryCodes {
  /** Stytch gives ten codes per TOTP. */
  static final int COUNT = 10;
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final Pattern FORM = Pattern.compile("[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}");

  private RecoveryCodes() {}

  static String generate() {
    StringBuilder code = new StringBuilder(14);
    // One random byte per character, rejecting values past the largest multiple of 36 so each is equally likely.
    while (code.length() < 14) {
      if (code.length() == 4 || code.length() == 9) {
        code.append('-');
        continue;
      }
      int b = Secrets.randomBytes(1)[0] & 0xff;
      if (b < 252) {
        code.append(ALPHABET.charAt(b % 36));
      }
    }
    return code.toString();
  }

  /** The code as typed, trimmed and lower-cased; null when it cannot be a recovery code at all. */
  static String normalize(String typed) {
    String code = typed.strip().toLowerCase(Locale.ROOT);
    return FORM.matcher(code).matches() ? code : null;
  }
}
