package dev.latchkey.server.error;

import java.time.Duration;
import java.util.Optional;

/**
 * The server's one error type: an {@link ErrorCode} and a message for the caller. The HTTP layer renders it in
 * Stytch's error shape; the message never contains a secret.
 */
public final class ApiException extends RuntimeException {
  private final ErrorCode code;
  private final transient Duration retryAfter;

  public ApiException(ErrorCode code, String message) {
    this(code, message, null);
  }

  /** {@code retryAfter}, when not null, tells the caller how long to wait (the HTTP {@code Retry-After} header). */
  public ApiException(ErrorCode code, String message, Duration retryAfter) {
    super(message, null, false, false);
    this.code = code;
    this.retryAfter = retryAfter;
  }

  /** With {@code retryAfterSeconds > 0}, the reply carries a {@code Retry-After} header. */
  public ApiException(ErrorCode code, String message, long retryAfterSeconds) {
    this(code, message, retryAfterSeconds > 0 ? Duration.ofSeconds(retryAfterSeconds) : null);
  }

  /** Seconds after which a retry may succeed, rounded up; 0 when there is no such time. */
  public long retryAfterSeconds() {
    return retryAfter == null ? 0 : Math.max(1, (retryAfter.toMillis() + 999) / 1000);
  }

  public ErrorCode code() {
    return code;
  }

  /** How long the caller should wait before retrying, if this error says so. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
