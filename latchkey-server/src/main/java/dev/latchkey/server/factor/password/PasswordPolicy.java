package dev.latchkey.server.factor.password;

import com.nulabinc.zxcvbn.Strength;
import com.nulabinc.zxcvbn.Zxcvbn;
import dev.latchkey.server.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;

/**
 * Stytch's default strength policy: zxcvbn with a score of at least 3, the user's email counting against the
 * password. Breach detection (HaveIBeenPwned) is not done: Latchkey makes no calls outside its deployment.
 */
public final class PasswordPolicy {
  public static final int MIN_SCORE = 3;
  /** Far above any real password; bounds the work zxcvbn and Argon2 do for one request. */
  public static final int MAX_LENGTH = 256;

  private final Zxcvbn zxcvbn = new Zxcvbn();

  /** What the strength check found. */
  public record Verdict(boolean valid, int score, String warning, List<String> suggestions) {}

  public Verdict check(String password, String email) {
    if (password.length() > MAX_LENGTH) {
      return new Verdict(false, 0, "Passwords may have at most " + MAX_LENGTH + " characters.", List.of());
    }
    List<String> userInputs = new ArrayList<>();
    if (email != null) {
      userInputs.add(email);
      userInputs.addAll(List.of(email.split("[@.+_-]")));
    }
    Strength s = zxcvbn.measure(password, userInputs);
    return new Verdict(s.getScore() >= MIN_SCORE, s.getScore(), s.getFeedback().getWarning(),
        List.copyOf(s.getFeedback().getSuggestions()));
  }

  /** Refuses a weak password with a message that says how to make it stronger. */
  public void require(String password, String email) {
    Verdict v = check(password, email);
    if (!v.valid()) {
      StringBuilder message = new StringBuilder("The password is too weak (score ").append(v.score())
          .append(" of 4; at least ").append(MIN_SCORE).append(" is required).");
      if (v.warning() != null && !v.warning().isEmpty()) {
        message.append(' ').append(v.warning());
      }
      v.suggestions().forEach(s -> message.append(' ').append(s));
      throw ErrorCode.WEAK_PASSWORD.exception(message.toString());
    }
  }
}
