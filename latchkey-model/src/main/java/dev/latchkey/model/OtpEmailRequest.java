package dev.latchkey.model;

/** {@code POST /v1/otps/email/login_or_create} and {@code /send}: mail a one-time passcode to {@code email}
 * (on {@code /send}, added to the user named by {@code user_id} or a session when one is). */
public record OtpEmailRequest(
    String email, Integer expirationMinutes, Boolean createUserAsPending, Attributes attributes, String userId,
    String sessionToken, String sessionJwt) {

  /** A send that names no user ({@code user_id}, {@code session_token} and {@code session_jwt} absent). */
  public OtpEmailRequest(String email, Integer expirationMinutes, Boolean createUserAsPending,
      Attributes attributes) {
    this(email, expirationMinutes, createUserAsPending, attributes, null, null, null);
  }
}
