package dev.latchkey.model;

/**
 * Stytch's {@code options} of an authenticate call that redeems something mailed (a magic link, an email code, a
 * password-reset link): checks that the device redeeming it is the one that asked for it. {@code true} requires that
 * the {@code attributes} of this request match those recorded when the link or code was sent; a missing side is a
 * mismatch. Null or false: no check.
 */
public record AuthenticateOptions(Boolean ipMatchRequired, Boolean userAgentMatchRequired) {
  public boolean ipMatch() {
    return Boolean.TRUE.equals(ipMatchRequired);
  }

  public boolean userAgentMatch() {
    return Boolean.TRUE.equals(userAgentMatchRequired);
  }
}
