package dev.latchkey.server.oidc;

/**
 * A call to an OpenID provider did not give an answer to use. {@link Kind#REJECTED}: the provider refused the token
 * (a definitive "no": unknown, expired or revoked). {@link Kind#UNAVAILABLE}: the provider could not be asked or
 * answered with something unusable (unreachable, timed out, 5xx, oversized or malformed reply, discovery failed):
 * nothing is known about the token, and a caller fails closed without calling it forged.
 */
public final class OidcException extends RuntimeException {
  /** Which of the two failures this is. */
  public enum Kind { REJECTED, UNAVAILABLE }

  private final Kind kind;

  OidcException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  OidcException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
