package dev.latchkey.server;

/**
 * The server's one error type: an {@link ErrorCode} and a message for the caller. The HTTP layer renders it in
 * Stytch's error shape; the message never contains a secret.
 */
public final class LatchkeyException extends RuntimeException {
  private final ErrorCode code;

  public LatchkeyException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
