package dev.latchkey.server.error;




/**
 * Every error the API can answer with: the HTTP status, Stytch's machine-readable {@code error_type}, and the
 * default message. {@code docs/api.md} lists them all (a test keeps the two in step).
 */
public enum ErrorCode {
  // 400: the request itself is wrong.
  MALFORMED_JSON(400, "malformed_json", "The request body is not valid JSON."),
  INVALID_FIELD_TYPE(400, "invalid_field_type", "A field has the wrong type."),
  MISSING_REQUIRED_FIELD(400, "missing_required_field", "A required field is missing."),
  BAD_REQUEST(400, "bad_request", "The request could not be read."),
  TOO_MANY_SESSION_ARGUMENTS(400, "too_many_session_arguments",
      "Please include at most one of session_token or session_jwt in an authenticate request, not both."),
  NO_SESSION_ARGUMENTS(400, "no_session_arguments", "Please include one of session_token or session_jwt."),
  TOO_MANY_SESSION_REVOKE_ARGUMENTS(400, "too_many_session_revoke_arguments",
      "Please include exactly one of session_id, session_token or session_jwt."),
  NO_SESSION_REVOKE_ARGUMENTS(400, "no_session_revoke_arguments",
      "Please include one of session_id, session_token or session_jwt."),
  INVALID_SESSION_DURATION_MINUTES(400, "invalid_session_duration_minutes",
      "session_duration_minutes must be between 5 and 527040 (366 days)."),
  UNABLE_TO_PARSE_SESSION_JWT(400, "unable_to_parse_session_jwt", "The session_jwt could not be parsed."),
  INVALID_SESSION_ID(400, "invalid_session_id", "The session_id is not a valid session id."),
  CUSTOM_CLAIMS_TOO_LARGE(400, "custom_claims_too_large", "Custom claims may not exceed 4 KB once merged."),
  RESERVED_CLAIMS_IN_CUSTOM_CLAIMS(400, "reserved_claims_in_custom_claims",
      "Custom claims may not use the registered JWT claim names iss, sub, aud, exp, nbf, iat or jti."),
  STYTCH_CLAIMS_IN_CUSTOM_CLAIMS(400, "stytch_claims_in_custom_claims",
      "Custom claims may not use names under https://stytch.com/."),
  INVALID_USER_ID(400, "invalid_user_id", "The user_id is not a valid user id."),
  INVALID_EMAIL(400, "invalid_email", "The email address is not valid."),
  DUPLICATE_EMAIL(400, "duplicate_email", "A user with this email already exists."),
  DUPLICATE_USER_EXTERNAL_ID(400, "duplicate_user_external_id", "A user with this external_id already exists."),
  INVALID_EXTERNAL_ID(400, "invalid_external_id",
      "external_id may have at most 128 characters from A-Z a-z 0-9 . _ - |."),
  PHONE_NUMBERS_NOT_SUPPORTED(400, "phone_numbers_not_supported", "Latchkey does not support phone numbers yet."),
  METADATA_TOO_MANY_KEYS(400, "metadata_too_many_keys", "Metadata may have at most 20 top-level keys."),
  METADATA_TOO_LARGE(400, "metadata_too_large", "Metadata may not exceed 4 KB."),
  WEAK_PASSWORD(400, "weak_password", "The password is too weak."),
  USER_ID_MISMATCH(400, "user_id_mismatch", "The session belongs to a different user than this factor."),
  SESSION_TOO_OLD_TO_RESET_PASSWORD(400, "session_too_old_to_reset_password",
      "Resetting a password by session needs a password, magic link or email code factor from the last 5 minutes: "
          + "sign in again, then reset."),
  INVALID_TOTP_CODE(400, "invalid_totp_code", "totp_code must be the 6 digits shown by the authenticator app."),
  INVALID_RECOVERY_CODE(400, "invalid_recovery_code",
      "recovery_code must look like the codes given at TOTP creation: xxxx-xxxx-xxxx (letters a-z and digits)."),
  INVALID_TOTP_EXPIRATION_MINUTES(400, "invalid_totp_expiration_minutes",
      "expiration_minutes must be between 5 and 1440."),
  INVALID_EXPIRATION_MINUTES(400, "invalid_expiration_minutes", "An expiration in minutes is out of its range."),
  NO_MATCH_FOR_PROVIDED_MAGIC_LINK_URL(400, "no_match_for_provided_magic_link_url",
      "The redirect URL is not one of the server's LATCHKEY_REDIRECT_URLS."),
  NO_REDIRECT_URLS_SET(400, "no_redirect_urls_set",
      "No redirect URL is configured: the server needs LATCHKEY_REDIRECT_URLS to send links."),
  INVALID_PKCE_CODE_CHALLENGE(400, "invalid_pkce_code_challenge",
      "The pkce code_challenge must be the base64url SHA-256 of the code_verifier: 43 URL-safe characters."),
  PKCE_EXPECTED_CODE_VERIFIER(400, "pkce_expected_code_verifier",
      "This link was sent with a pkce code_challenge: send its code_verifier."),
  PKCE_DID_NOT_EXPECT_CODE_VERIFIER(400, "pkce_did_not_expect_code_verifier",
      "This link was sent without a pkce code_challenge: send no code_verifier."),
  PKCE_MISMATCH(400, "pkce_mismatch", "The pkce code_verifier does not match the code_challenge of this link."),
  // 401: who is asking, or with what, is not accepted.
  UNAUTHORIZED_CREDENTIALS(401, "unauthorized_credentials",
      "Unauthorized credentials: send HTTP Basic auth with your project_id and secret."),
  INVALID_CREDENTIALS(401, "unauthorized_credentials", "The email or password is incorrect."),
  SDK_UNAUTHORIZED_CREDENTIALS(401, "unauthorized_credentials",
      "Unauthorized credentials: send HTTP Basic auth with your public_token and the session_token (or the "
          + "public_token again when signed out)."),
  USER_UNAUTHENTICATED(401, "user_unauthenticated",
      "This call needs a signed-in user: send HTTP Basic auth with public_token:session_token."),
  INVALID_SECRET_AUTHENTICATION(401, "invalid_secret_authentication",
      "The HTTP Basic password is neither the public_token nor a session_token (44 URL-safe characters)."),
  INVALID_SESSION_JWT(401, "invalid_session_jwt",
      "The session_jwt was not signed by this project's keys, or its issuer or audience is wrong."),
  UNABLE_TO_AUTHENTICATE_TOTP(401, "unable_to_authenticate_totp", "The TOTP code is not valid for this user now."),
  TOTP_CODE_ALREADY_AUTHENTICATED(401, "totp_code_already_authenticated",
      "This TOTP code (or a later one) was already used: wait for the next code."),
  UNABLE_TO_AUTHENTICATE_RECOVERY_CODE(401, "unable_to_authenticate_recovery_code",
      "The recovery code is not one of this user's unused recovery codes."),
  // 403
  ORIGIN_NOT_ALLOWED(403, "origin_not_allowed",
      "This browser origin may not call Latchkey: add it to LATCHKEY_CORS_ORIGINS."),
  UNABLE_TO_AUTH_MAGIC_LINK(401, "unable_to_auth_magic_link", "The magic link has expired; request a new one."),
  UNABLE_TO_AUTH_OTP_CODE(401, "unable_to_auth_otp_code", "The code is wrong."),
  UNABLE_TO_AUTH_PASSWORD_RESET_TOKEN(401, "unable_to_auth_password_reset_token",
      "The password reset link is unknown, already used or expired; request a new one."),
  // 404
  EMAIL_NOT_FOUND(404, "email_not_found", "No user has this email address."),
  MAGIC_LINK_NOT_FOUND(404, "magic_link_not_found",
      "The magic link could not be found: it was never issued, or it was already used."),
  OTP_CODE_NOT_FOUND(404, "otp_code_not_found",
      "No live code for this method_id: it expired, was used, was replaced by a newer one, or had too many wrong "
          + "tries. Request a new code."),
  SESSION_NOT_FOUND(404, "session_not_found", "Session could not be found."),
  USER_NOT_FOUND(404, "user_not_found", "User could not be found."),
  TOTP_NOT_FOUND(404, "totp_not_found", "The user has no TOTP registration: create one with POST /v1/totps."),
  EXPIRED_TOTP(404, "expired_totp",
      "The user's TOTP registration was not authenticated in time and is unusable: create a new one."),
  PROJECT_NOT_FOUND(404, "project_not_found", "No project with this id is served here."),
  PUBLIC_TOKEN_NOT_FOUND(404, "public_token_not_found", "No project with this public_token is served here."),
  ROUTE_NOT_FOUND(404, "route_not_found", "There is no such endpoint."),
  METHOD_NOT_ALLOWED(405, "method_not_allowed", "This endpoint does not accept this HTTP method."),
  // 409: the request conflicts with what is stored.
  ACTIVE_TOTP_EXISTS(409, "active_totp_exists",
      "The user already has a verified TOTP: delete it (DELETE /v1/users/totps/{totp_id}) before creating another."),
  PENDING_TOTP_EXISTS(409, "pending_totp_exists",
      "The user already has a TOTP waiting to be authenticated: authenticate or delete it first."),
  REQUEST_TIMEOUT(408, "request_timeout", "The request body did not arrive in time; send it in one go."),
  REQUEST_TOO_LARGE(413, "request_too_large", "The request body may not exceed 1 MiB."),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type", "Send the request body as application/json."),
  TOO_MANY_REQUESTS(429, "too_many_requests", "Too many requests have been made; retry after Retry-After seconds."),
  HEADERS_TOO_LARGE(431, "request_headers_too_large", "The request headers are too large."),
  // 5xx: Latchkey could not answer; clients keep their sessions and retry.
  INTERNAL_SERVER_ERROR(500, "internal_server_error", "Something went wrong on our side; it has been logged."),
  METHOD_NOT_IMPLEMENTED(501, "method_not_implemented", "This HTTP method is not supported."),
  EMAIL_DELIVERY_FAILED(502, "email_delivery_failed",
      "The mail server did not accept the email, so nothing usable was sent; retry shortly."),
  DATABASE_UNAVAILABLE(503, "database_unavailable", "The database is unavailable; retry shortly."),
  SESSION_BUSY(503, "session_busy", "The session is being updated by many requests at once; retry shortly.");

  private final int status;
  private final String type;
  private final String message;

  ErrorCode(int status, String type, String message) {
    this.status = status;
    this.type = type;
    this.message = message;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String message() {
    return message;
  }

  public ApiException exception() {
    return new ApiException(this, message);
  }

  public ApiException exception(String detailedMessage) {
    return new ApiException(this, detailedMessage);
  }

  /** An error the caller may retry after {@code retryAfter}, sent as the {@code Retry-After} header. */
  public ApiException exception(String detailedMessage, java.time.Duration retryAfter) {
    return new ApiException(this, detailedMessage, retryAfter);
  }

  /** An error the caller may retry after {@code retryAfterSeconds} (sent as the {@code Retry-After} header). */
  public ApiException exception(String detailedMessage, long retryAfterSeconds) {
    return new ApiException(this, detailedMessage, java.time.Duration.ofSeconds(retryAfterSeconds));
  }
}
