package dev.latchkey.server;

/**
 * The server's one error type: an {@link ErrorCode} and a message for the caller. The HTTP layer renders it in
 * Stytch's error shape; the message never contains a secret.
 */
public final class LatchkeyException extends RuntimeException {
  private final ErrorCode code;
  private final long retryAfterSeconds;

  public LatchkeyException(ErrorCode code, String message) {
    this(code, message, 0);
  }

  /** With {@code retryAfterSeconds > 0}, the reply carries a {@code Retry-After} header. */
  public LatchkeyException(ErrorCode code, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Seconds after which a retry may succeed; 0 when there is no such time. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public ErrorCode code() {
    return code;
  }
}
