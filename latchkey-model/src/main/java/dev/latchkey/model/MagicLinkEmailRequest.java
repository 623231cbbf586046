package dev.latchkey.model;

/**
 * {@code POST /v1/magic_links/email/login_or_create} and {@code /send}: mail a sign-in link to {@code email}.
 * URLs must be on the server's allow-list; expirations are in minutes. On {@code /send}, {@code user_id} or one of
 * {@code session_token}/{@code session_jwt} names the user the address is added to.
 */
public record MagicLinkEmailRequest(
    String email,
    String loginMagicLinkUrl,
    String signupMagicLinkUrl,
    Integer loginExpirationMinutes,
    Integer signupExpirationMinutes,
    Boolean createUserAsPending,
    String codeChallenge,
    Attributes attributes,
    String userId,
    String sessionToken,
    String sessionJwt) {

  /** A send that names no user ({@code user_id}, {@code session_token} and {@code session_jwt} absent). */
  public MagicLinkEmailRequest(String email, String loginMagicLinkUrl, String signupMagicLinkUrl,
      Integer loginExpirationMinutes, Integer signupExpirationMinutes, Boolean createUserAsPending,
      String codeChallenge, Attributes attributes) {
    this(email, loginMagicLinkUrl, signupMagicLinkUrl, loginExpirationMinutes, signupExpirationMinutes,
        createUserAsPending, codeChallenge, attributes, null, null, null);
  }
}
