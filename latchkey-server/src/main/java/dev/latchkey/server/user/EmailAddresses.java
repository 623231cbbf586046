package dev.latchkey.server.user;

import dev.latchkey.server.error.ErrorCode;
import java.util.Locale;
import java.util.regex.Pattern;

/** Email addresses are compared lower-cased; the check is deliberately loose (the mail server has the last word). */
public final class EmailAddresses {
  private static final Pattern SHAPE = Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+");
  private static final int MAX_LENGTH = 254;

  private EmailAddresses() {}

  public static String normalize(String email) {
    if (email == null || email.isEmpty()) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception("email is required.");
    }
    String e = email.strip().toLowerCase(Locale.ROOT);
    if (e.length() > MAX_LENGTH || !SHAPE.matcher(e).matches() || e.codePoints().anyMatch(EmailAddresses::unprintable)) {
      throw ErrorCode.INVALID_EMAIL.exception();
    }
    return e;
  }

  /** Control characters (NUL included) and unpaired surrogates, which no mail system accepts in an address. */
  private static boolean unprintable(int codePoint) {
    return Character.isISOControl(codePoint) || Character.getType(codePoint) == Character.SURROGATE;
  }
}
