package dev.latchkey.server;

import java.time.Duration;
import java.util.Optional;

/**
 * The server's one error type: an {@link ErrorCode} and a message for the caller. The HTTP layer renders it in
 * Stytch's error shape; the message never contains a secret.
 */
public final class LatchkeyException extends RuntimeException {
  private final ErrorCode code;
  private final transient Duration retryAfter;

  public LatchkeyException(ErrorCode code, String message) {
    this(code, message, null);
  }

  /** {@code retryAfter}, when not null, tells the caller how long to wait (the HTTP {@code Retry-After} header). */
  public LatchkeyException(ErrorCode code, String message, Duration retryAfter) {
    super(message, null, false, false);
    this.code = code;
    this.retryAfter = retryAfter;
  }

  public ErrorCode code() {
    return code;
  }

  /** How long the caller should wait before retrying, if this error says so. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
