package dev.latchkey.model.internal;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks the SDK builders share, with the messages they throw. Not API: {@code internal} may change in any
 * release; apps call the builders, which call these.
 */
public final class Checks {
  private Checks() {}

  /** {@code value} between {@code min} and {@code max} inclusive, or an exception naming the option and the range. */
  public static Duration duration(String name, Duration value, Duration min, Duration max) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(name + " is " + value + "; it must be between " + min + " and " + max);
    }
    return value;
  }

  /** An http or https URL with a host and no query or fragment: the base every API path is appended to. */
  public static URI baseUrl(URI baseUrl) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    if (!("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme())) || baseUrl.getHost() == null
        || baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
      throw new IllegalArgumentException("baseUrl is " + baseUrl + "; it must be an http or https URL with a host "
          + "and no query, such as http://127.0.0.1:8080");
    }
    return baseUrl;
  }

  /** A string that is not null and not blank; {@code name} says which in the message. */
  public static String text(String value, String name) {
    Objects.requireNonNull(value, name + " must not be null");
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }
}
