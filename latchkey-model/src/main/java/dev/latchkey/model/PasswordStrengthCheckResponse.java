package dev.latchkey.model;

import java.util.List;

/**
 * The strength verdict in Stytch's shape. {@code feedback.warning} is {@code ""} and {@code feedback.suggestions}
 * empty when there is nothing to say (the Java SDK needs both); {@code ludsRequirements} is null under zxcvbn.
 */
public record PasswordStrengthCheckResponse(
    int statusCode,
    String requestId,
    boolean validPassword,
    int score,
    boolean breachedPassword,
    String strengthPolicy,
    boolean breachDetectionOnCreate,
    Feedback feedback) {

  public record Feedback(String warning, List<String> suggestions, Object ludsRequirements) {
    public Feedback {
      suggestions = List.copyOf(suggestions);
    }
  }
}
