package dev.latchkey.server.error;

import dev.latchkey.model.ErrorType;

/**
 * Every error the API can answer with: the contract's {@link ErrorType} (Stytch's machine-readable {@code
 * error_type} and its HTTP status, shared with the SDKs) and the default message; several codes may share a type with
 * different messages. {@code docs/api.md} lists them all (a test keeps the two in step).
 */
public enum ErrorCode {
  // 400: the request itself is wrong.
  MALFORMED_JSON(ErrorType.MALFORMED_JSON, "The request body is not valid JSON."),
  INVALID_FIELD_TYPE(ErrorType.INVALID_FIELD_TYPE, "A field has the wrong type."),
  MISSING_REQUIRED_FIELD(ErrorType.MISSING_REQUIRED_FIELD, "A required field is missing."),
  BAD_REQUEST(ErrorType.BAD_REQUEST, "The request could not be read."),
  TOO_MANY_SESSION_ARGUMENTS(ErrorType.TOO_MANY_SESSION_ARGUMENTS,
      "Please include at most one of session_token or session_jwt in an authenticate request, not both."),
  NO_SESSION_ARGUMENTS(ErrorType.NO_SESSION_ARGUMENTS, "Please include one of session_token or session_jwt."),
  TOO_MANY_SESSION_REVOKE_ARGUMENTS(ErrorType.TOO_MANY_SESSION_REVOKE_ARGUMENTS,
      "Please include exactly one of session_id, session_token or session_jwt."),
  NO_SESSION_REVOKE_ARGUMENTS(ErrorType.NO_SESSION_REVOKE_ARGUMENTS,
      "Please include one of session_id, session_token or session_jwt."),
  INVALID_SESSION_DURATION_MINUTES(ErrorType.INVALID_SESSION_DURATION_MINUTES,
      "session_duration_minutes must be between 5 and 527040 (366 days)."),
  UNABLE_TO_PARSE_SESSION_JWT(ErrorType.UNABLE_TO_PARSE_SESSION_JWT, "The session_jwt could not be parsed."),
  INVALID_SESSION_ID(ErrorType.INVALID_SESSION_ID, "The session_id is not a valid session id."),
  CUSTOM_CLAIMS_TOO_LARGE(ErrorType.CUSTOM_CLAIMS_TOO_LARGE, "Custom claims may not exceed 4 KB once merged."),
  RESERVED_CLAIMS_IN_CUSTOM_CLAIMS(ErrorType.RESERVED_CLAIMS_IN_CUSTOM_CLAIMS,
      "Custom claims may not use the registered JWT claim names iss, sub, aud, exp, nbf, iat or jti."),
  STYTCH_CLAIMS_IN_CUSTOM_CLAIMS(ErrorType.STYTCH_CLAIMS_IN_CUSTOM_CLAIMS,
      "Custom claims may not use names under https://stytch.com/."),
  INVALID_USER_ID(ErrorType.INVALID_USER_ID, "The user_id is not a valid user id."),
  INVALID_EMAIL(ErrorType.INVALID_EMAIL, "The email address is not valid."),
  DUPLICATE_EMAIL(ErrorType.DUPLICATE_EMAIL, "A user with this email already exists."),
  DUPLICATE_USER_EXTERNAL_ID(ErrorType.DUPLICATE_USER_EXTERNAL_ID, "A user with this external_id already exists."),
  INVALID_EXTERNAL_ID(ErrorType.INVALID_EXTERNAL_ID,
      "external_id may have at most 128 characters from A-Z a-z 0-9 . _ - |."),
  PHONE_NUMBERS_NOT_SUPPORTED(ErrorType.PHONE_NUMBERS_NOT_SUPPORTED, "Latchkey does not support phone numbers yet."),
  METADATA_TOO_MANY_KEYS(ErrorType.METADATA_TOO_MANY_KEYS, "Metadata may have at most 20 top-level keys."),
  METADATA_TOO_LARGE(ErrorType.METADATA_TOO_LARGE, "Metadata may not exceed 4 KB."),
  WEAK_PASSWORD(ErrorType.WEAK_PASSWORD, "The password is too weak."),
  USER_ID_MISMATCH(ErrorType.USER_ID_MISMATCH, "The session belongs to a different user than this factor."),
  SESSION_TOO_OLD_TO_RESET_PASSWORD(ErrorType.SESSION_TOO_OLD_TO_RESET_PASSWORD,
      "Resetting a password by session needs a password, magic link or email code factor from the last 5 minutes: "
          + "sign in again, then reset."),
  INVALID_TOTP_CODE(ErrorType.INVALID_TOTP_CODE, "totp_code must be the 6 digits shown by the authenticator app."),
  INVALID_RECOVERY_CODE(ErrorType.INVALID_RECOVERY_CODE,
      "recovery_code must look like the codes given at TOTP creation: xxxx-xxxx-xxxx (letters a-z and digits)."),
  INVALID_TOTP_EXPIRATION_MINUTES(ErrorType.INVALID_TOTP_EXPIRATION_MINUTES,
      "expiration_minutes must be between 5 and 1440."),
  INVALID_EXPIRATION_MINUTES(ErrorType.INVALID_EXPIRATION_MINUTES, "An expiration in minutes is out of its range."),
  NO_MATCH_FOR_PROVIDED_MAGIC_LINK_URL(ErrorType.NO_MATCH_FOR_PROVIDED_MAGIC_LINK_URL,
      "The redirect URL is not one of the server's LATCHKEY_REDIRECT_URLS."),
  NO_REDIRECT_URLS_SET(ErrorType.NO_REDIRECT_URLS_SET,
      "No redirect URL is configured: the server needs LATCHKEY_REDIRECT_URLS to send links."),
  INVALID_PKCE_CODE_CHALLENGE(ErrorType.INVALID_PKCE_CODE_CHALLENGE,
      "The pkce code_challenge must be the base64url SHA-256 of the code_verifier: 43 URL-safe characters."),
  PKCE_EXPECTED_CODE_VERIFIER(ErrorType.PKCE_EXPECTED_CODE_VERIFIER,
      "This link was sent with a pkce code_challenge: send its code_verifier."),
  PKCE_DID_NOT_EXPECT_CODE_VERIFIER(ErrorType.PKCE_DID_NOT_EXPECT_CODE_VERIFIER,
      "This link was sent without a pkce code_challenge: send no code_verifier."),
  PKCE_MISMATCH(ErrorType.PKCE_MISMATCH, "The pkce code_verifier does not match the code_challenge of this link."),
  // passwords/migrate: a hash of another system that cannot be used as given.
  INVALID_HASH_TYPE(ErrorType.INVALID_HASH_TYPE,
      "hash_type must be one of bcrypt, scrypt, argon_2i, argon_2id, pbkdf_2, md_5, sha_1, sha_512, phpass."),
  INVALID_HASH(ErrorType.INVALID_HASH,
      "The hash is missing, too long or not of its hash_type's format."),
  INVALID_BCRYPT_HASH(ErrorType.INVALID_BCRYPT_HASH,
      "hash must be a bcrypt hash: $2a$, $2b$, $2x$ or $2y$, a two-digit cost, then 53 characters of bcrypt's base64."),
  INVALID_BCRYPT_COST(ErrorType.INVALID_BCRYPT_COST,
      "A bcrypt hash's cost must be between 4 and 31."),
  INVALID_BASE64_SCRYPT_HASH(ErrorType.INVALID_BASE64_SCRYPT_HASH,
      "For scrypt, hash must be the base64 of the derived key, or a PHC string ($scrypt$ln=...,r=...,p=...$salt$hash)."),
  INVALID_BASE64_SCRYPT_SALT(ErrorType.INVALID_BASE64_SCRYPT_SALT,
      "scrypt_config.salt must be the base64 of the salt."),
  INVALID_SCRYPT_SALT_LENGTH(ErrorType.INVALID_SCRYPT_SALT_LENGTH,
      "scrypt_config.salt must decode to 1 to 1024 bytes."),
  INVALID_SCRYPT_N_PARAMETER(ErrorType.INVALID_SCRYPT_N_PARAMETER,
      "scrypt_config.n_parameter must be a power of two between 2 and 262144."),
  INVALID_SCRYPT_PARAMETERS(ErrorType.INVALID_SCRYPT_PARAMETERS,
      "scrypt_config needs r_parameter and p_parameter of at least 1, with 128 * n * r at most 64 MiB and p at most 16."),
  SCRYPT_KEY_LENGTH_MISMATCH(ErrorType.SCRYPT_KEY_LENGTH_MISMATCH,
      "scrypt_config.key_length must equal the length of the decoded hash (16 to 1024 bytes)."),
  INVALID_ARGON_2_SALT(ErrorType.INVALID_ARGON_2_SALT,
      "argon_2_config.salt must be 8 to 1024 characters."),
  INVALID_ARGON_2_ITERATION_AMOUNT(ErrorType.INVALID_ARGON_2_ITERATION_AMOUNT,
      "argon_2_config.iteration_amount must be between 1 and 100."),
  INVALID_ARGON_2_MEMORY(ErrorType.INVALID_ARGON_2_MEMORY,
      "argon_2_config.memory must be between 8 * threads and 65536 KiB."),
  INVALID_ARGON_2_THREADS(ErrorType.INVALID_ARGON_2_THREADS,
      "argon_2_config.threads must be between 1 and 16."),
  INVALID_ARGON_2_KEY_LENGTH(ErrorType.INVALID_ARGON_2_KEY_LENGTH,
      "argon_2_config.key_length must be between 4 and 1024."),
  ARGON_2_KEY_LENGTH_MISMATCH(ErrorType.ARGON_2_KEY_LENGTH_MISMATCH,
      "argon_2_config.key_length must equal the length of the hex hash in bytes."),
  INVALID_PBKDF_2_HASH(ErrorType.INVALID_PBKDF_2_HASH,
      "For pbkdf_2, hash must be the base64 of the derived key (16 to 1024 bytes)."),
  INVALID_PBKDF_2_SALT(ErrorType.INVALID_PBKDF_2_SALT,
      "pbkdf_2_config.salt must be the base64 of a salt of 1 to 1024 bytes."),
  INVALID_PBKDF_2_ITERATION_AMOUNT(ErrorType.INVALID_PBKDF_2_ITERATION_AMOUNT,
      "pbkdf_2_config.iteration_amount must be between 1 and 2000000."),
  INVALID_PBKDF_2_ALGORITHM(ErrorType.INVALID_PBKDF_2_ALGORITHM,
      "pbkdf_2_config.algorithm must be sha256 or sha512."),
  PBKDF_2_KEY_LENGTH_MISMATCH(ErrorType.PBKDF_2_KEY_LENGTH_MISMATCH,
      "pbkdf_2_config.key_length must equal the length of the decoded hash."),
  INVALID_MD_5_HASH(ErrorType.INVALID_MD_5_HASH,
      "For md_5, hash must be the 32 hexadecimal digits of the MD5 digest."),
  INVALID_SHA_1_HASH(ErrorType.INVALID_SHA_1_HASH,
      "For sha_1, hash must be the 40 hexadecimal digits of the SHA-1 digest."),
  INVALID_SHA_512_HASH(ErrorType.INVALID_SHA_512_HASH,
      "For sha_512, hash must be the 128 hexadecimal digits of the SHA-512 digest."),
  INVALID_PREPEND_SALT(ErrorType.INVALID_PREPEND_SALT,
      "prepend_salt must be a string of at most 1024 characters."),
  INVALID_APPEND_SALT(ErrorType.INVALID_APPEND_SALT,
      "append_salt must be a string of at most 1024 characters."),
  INVALID_PHPASS_HASH_PREFIX(ErrorType.INVALID_PHPASS_HASH_PREFIX,
      "A phpass hash must start with $P$ or $H$."),
  INVALID_PHPASS_HASH_FORMAT(ErrorType.INVALID_PHPASS_HASH_FORMAT,
      "A phpass hash is 34 characters: $P$, the cost, 8 characters of salt and 22 of hash, in phpass's base64."),
  INVALID_RBAC_ROLE_ID(ErrorType.INVALID_RBAC_ROLE_ID,
      "roles may only name stytch_user, the one role Latchkey has."),
  // 401: who is asking, or with what, is not accepted.
  UNAUTHORIZED_CREDENTIALS(ErrorType.UNAUTHORIZED_CREDENTIALS,
      "Unauthorized credentials: send HTTP Basic auth with your project_id and secret."),
  INVALID_CREDENTIALS(ErrorType.UNAUTHORIZED_CREDENTIALS, "The email or password is incorrect."),
  SDK_UNAUTHORIZED_CREDENTIALS(ErrorType.UNAUTHORIZED_CREDENTIALS,
      "Unauthorized credentials: send HTTP Basic auth with your public_token and the session_token (or the "
          + "public_token again when signed out)."),
  USER_UNAUTHENTICATED(ErrorType.USER_UNAUTHENTICATED,
      "This call needs a signed-in user: send HTTP Basic auth with public_token:session_token."),
  INVALID_SECRET_AUTHENTICATION(ErrorType.INVALID_SECRET_AUTHENTICATION,
      "The HTTP Basic password is neither the public_token nor a session_token (44 URL-safe characters)."),
  INVALID_SESSION_JWT(ErrorType.INVALID_SESSION_JWT,
      "The session_jwt was not signed by this project's keys, or its issuer or audience is wrong."),
  UNABLE_TO_AUTHENTICATE_TOTP(ErrorType.UNABLE_TO_AUTHENTICATE_TOTP, "The TOTP code is not valid for this user now."),
  TOTP_CODE_ALREADY_AUTHENTICATED(ErrorType.TOTP_CODE_ALREADY_AUTHENTICATED,
      "This TOTP code (or a later one) was already used: wait for the next code."),
  UNABLE_TO_AUTHENTICATE_RECOVERY_CODE(ErrorType.UNABLE_TO_AUTHENTICATE_RECOVERY_CODE,
      "The recovery code is not one of this user's unused recovery codes."),
  // 403
  ORIGIN_NOT_ALLOWED(ErrorType.ORIGIN_NOT_ALLOWED,
      "This browser origin may not call Latchkey: add it to LATCHKEY_CORS_ORIGINS."),
  UNABLE_TO_AUTH_MAGIC_LINK(ErrorType.UNABLE_TO_AUTH_MAGIC_LINK, "The magic link has expired; request a new one."),
  UNABLE_TO_AUTH_OTP_CODE(ErrorType.UNABLE_TO_AUTH_OTP_CODE, "The code is wrong."),
  UNABLE_TO_AUTH_PASSWORD_RESET_TOKEN(ErrorType.UNABLE_TO_AUTH_PASSWORD_RESET_TOKEN,
      "The password reset link is unknown, already used or expired; request a new one."),
  // 404
  EMAIL_NOT_FOUND(ErrorType.EMAIL_NOT_FOUND, "No user has this email address."),
  MAGIC_LINK_NOT_FOUND(ErrorType.MAGIC_LINK_NOT_FOUND,
      "The magic link could not be found: it was never issued, or it was already used."),
  OTP_CODE_NOT_FOUND(ErrorType.OTP_CODE_NOT_FOUND,
      "No live code for this method_id: it expired, was used, was replaced by a newer one, or had too many wrong "
          + "tries. Request a new code."),
  SESSION_NOT_FOUND(ErrorType.SESSION_NOT_FOUND, "Session could not be found."),
  USER_NOT_FOUND(ErrorType.USER_NOT_FOUND, "User could not be found."),
  TOTP_NOT_FOUND(ErrorType.TOTP_NOT_FOUND, "The user has no TOTP registration: create one with POST /v1/totps."),
  EXPIRED_TOTP(ErrorType.EXPIRED_TOTP,
      "The user's TOTP registration was not authenticated in time and is unusable: create a new one."),
  PROJECT_NOT_FOUND(ErrorType.PROJECT_NOT_FOUND, "No project with this id is served here."),
  PUBLIC_TOKEN_NOT_FOUND(ErrorType.PUBLIC_TOKEN_NOT_FOUND, "No project with this public_token is served here."),
  ROUTE_NOT_FOUND(ErrorType.ROUTE_NOT_FOUND, "There is no such endpoint."),
  METHOD_NOT_ALLOWED(ErrorType.METHOD_NOT_ALLOWED, "This endpoint does not accept this HTTP method."),
  // 409: the request conflicts with what is stored.
  ACTIVE_TOTP_EXISTS(ErrorType.ACTIVE_TOTP_EXISTS,
      "The user already has a verified TOTP: delete it (DELETE /v1/users/totps/{totp_id}) before creating another."),
  PENDING_TOTP_EXISTS(ErrorType.PENDING_TOTP_EXISTS,
      "The user already has a TOTP waiting to be authenticated: authenticate or delete it first."),
  REQUEST_TIMEOUT(ErrorType.REQUEST_TIMEOUT, "The request body did not arrive in time; send it in one go."),
  REQUEST_TOO_LARGE(ErrorType.REQUEST_TOO_LARGE, "The request body may not exceed 1 MiB."),
  UNSUPPORTED_MEDIA_TYPE(ErrorType.UNSUPPORTED_MEDIA_TYPE, "Send the request body as application/json."),
  TOO_MANY_REQUESTS(ErrorType.TOO_MANY_REQUESTS, "Too many requests have been made; retry after Retry-After seconds."),
  HEADERS_TOO_LARGE(ErrorType.REQUEST_HEADERS_TOO_LARGE, "The request headers are too large."),
  // 5xx: Latchkey could not answer; clients keep their sessions and retry.
  INTERNAL_SERVER_ERROR(ErrorType.INTERNAL_SERVER_ERROR, "Something went wrong on our side; it has been logged."),
  METHOD_NOT_IMPLEMENTED(ErrorType.METHOD_NOT_IMPLEMENTED, "This HTTP method is not supported."),
  HTTP_VERSION_NOT_SUPPORTED(ErrorType.HTTP_VERSION_NOT_SUPPORTED, "Send the request as HTTP/1.0, HTTP/1.1 or HTTP/2."),
  EMAIL_DELIVERY_FAILED(ErrorType.EMAIL_DELIVERY_FAILED,
      "The mail server did not accept the email, so nothing usable was sent; retry shortly."),
  DATABASE_UNAVAILABLE(ErrorType.DATABASE_UNAVAILABLE, "The database is unavailable; retry shortly."),
  SESSION_BUSY(ErrorType.SESSION_BUSY, "The session is being updated by many requests at once; retry shortly."),
  // Issue 14: fields that ask for a check, device attribute checks, sessions migrated from another provider.
  UNSUPPORTED_REQUEST_FIELD(ErrorType.UNSUPPORTED_REQUEST_FIELD,
      "The request asks for a check Latchkey does not implement; leave the field out."),
  SESSION_MIGRATE_NOT_CONFIGURED(ErrorType.SESSION_MIGRATE_NOT_CONFIGURED,
      "No identity provider is configured for session migration: set LATCHKEY_SESSION_MIGRATE_ISSUER on the server."),
  ATTRIBUTE_MISMATCH(ErrorType.ATTRIBUTE_MISMATCH,
      "Unable to authenticate because attributes on request don't match stored attributes."),
  INVALID_MIGRATE_SESSION_TOKEN(ErrorType.INVALID_MIGRATE_SESSION_TOKEN,
      "The identity provider did not accept the session_token (its UserInfo endpoint refused it)."),
  USERINFO_EMAIL_NOT_VERIFIED(ErrorType.USERINFO_EMAIL_NOT_VERIFIED,
      "The identity provider does not say the user's email is verified, so it cannot be matched to a user."),
  IDENTITY_PROVIDER_UNAVAILABLE(ErrorType.IDENTITY_PROVIDER_UNAVAILABLE,
      "The identity provider could not be reached or gave an unusable answer; nothing was changed. Retry shortly."),
  // OAuth.
  OAUTH_PROVIDER_NOT_CONFIGURED(ErrorType.OAUTH_PROVIDER_NOT_CONFIGURED,
      "This OAuth provider is not configured on the server: set its LATCHKEY_OAUTH_<PROVIDER>_CLIENT_ID and "
          + "_CLIENT_SECRET (docs/oauth.md)."),
  NO_MATCH_FOR_PROVIDED_OAUTH_URL(ErrorType.NO_MATCH_FOR_PROVIDED_OAUTH_URL,
      "The redirect URL is not one of the server's LATCHKEY_REDIRECT_URLS (the match is exact)."),
  OAUTH_INVALID_STATE(ErrorType.OAUTH_INVALID_STATE,
      "The OAuth state is unknown, expired or already used: start the sign-in again."),
  OAUTH_STATE_MISMATCH(ErrorType.OAUTH_STATE_MISMATCH,
      "The OAuth callback does not belong to the sign-in this browser started: start the sign-in again."),
  OAUTH_PROVIDER_ERROR(ErrorType.OAUTH_PROVIDER_ERROR, "The OAuth provider refused the sign-in."),
  OAUTH_UNVERIFIED_EMAIL(ErrorType.OAUTH_UNVERIFIED_EMAIL,
      "The provider does not vouch for this email address, and a user with it exists: sign in another way, then "
          + "attach this provider with POST /v1/oauth/attach."),
  OAUTH_PROVIDER_ALREADY_LINKED(ErrorType.OAUTH_PROVIDER_ALREADY_LINKED,
      "This provider account is already linked to another user."),
  INVALID_OAUTH_ATTACH_TOKEN(ErrorType.INVALID_OAUTH_ATTACH_TOKEN,
      "The oauth_attach_token is unknown, expired, already used, or for another provider."),
  INVALID_OAUTH_ID_TOKEN(ErrorType.INVALID_OAUTH_ID_TOKEN,
      "The provider's ID token failed validation (signature, issuer, audience, nonce or expiry)."),
  OAUTH_TOKEN_NOT_FOUND(ErrorType.OAUTH_TOKEN_NOT_FOUND,
      "The OAuth token could not be found: it was never issued, it expired, or it was already used."),
  OAUTH_USER_REGISTRATION_NOT_FOUND(ErrorType.OAUTH_USER_REGISTRATION_NOT_FOUND,
      "No OAuth registration has this id."),
  OAUTH_PROVIDER_UNAVAILABLE(ErrorType.OAUTH_PROVIDER_UNAVAILABLE,
      "The OAuth provider could not be reached or answered unexpectedly; retry shortly."),
  // issue 14, finding and managing users
  PASSWORD_NOT_FOUND(ErrorType.PASSWORD_NOT_FOUND, "No password with this password_id."),
  // Passkeys (WebAuthn).
  INVALID_DOMAIN(ErrorType.INVALID_DOMAIN,
      "domain (the RP ID) must be the host of an origin in LATCHKEY_WEBAUTHN_ORIGINS, or a parent domain of it."),
  INVALID_PUBLIC_KEY_CREDENTIAL(ErrorType.INVALID_PUBLIC_KEY_CREDENTIAL,
      "public_key_credential must be the JSON of the PublicKeyCredential the browser or platform returned."),
  NO_PENDING_WEBAUTHN_REGISTRATION(ErrorType.NO_PENDING_WEBAUTHN_REGISTRATION,
      "No registration was started for this challenge and user, or it was used or expired: call register/start again."),
  UNABLE_TO_REGISTER_WEBAUTHN_REGISTRATION(ErrorType.UNABLE_TO_REGISTER_WEBAUTHN_REGISTRATION,
      "The credential could not be registered: its attestation did not verify for this ceremony."),
  DUPLICATE_WEBAUTHN_REGISTRATION(ErrorType.DUPLICATE_WEBAUTHN_REGISTRATION,
      "This credential is registered already."),
  EMPTY_WEBAUTHN_REGISTRATION_NAME(ErrorType.EMPTY_WEBAUTHN_REGISTRATION_NAME,
      "name must be 1 to 64 characters without control characters."),
  UNABLE_TO_AUTH_WEBAUTHN_REGISTRATION(ErrorType.UNABLE_TO_AUTH_WEBAUTHN_REGISTRATION,
      "The passkey or WebAuthn credential could not be verified for this ceremony."),
  WEBAUTHN_REGISTRATION_NOT_FOUND(ErrorType.WEBAUTHN_REGISTRATION_NOT_FOUND,
      "No passkey or WebAuthn registration matches."),
  // Issue 19: password hashing has its own bounded queue, so a burst of sign-ins cannot starve session checks.
  SERVER_BUSY(ErrorType.SERVER_BUSY, "The server is too busy to check this password now; retry after Retry-After seconds."),
  // Issue 17: session events.
  INVALID_LAST_EVENT_ID(ErrorType.INVALID_LAST_EVENT_ID,
      "Last-Event-ID must be the id of an event this stream sent: a whole number, 0 or more."),
  EVENT_HISTORY_EXPIRED(ErrorType.EVENT_HISTORY_EXPIRED,
      "Events after this Last-Event-ID are no longer kept (LATCHKEY_SESSION_EVENTS_RETENTION) or never existed: "
          + "resync (read the state you need again) and reconnect without Last-Event-ID, or with 0 to replay all "
          + "that is kept."),
  // Issue 17: webhooks.
  INVALID_WEBHOOK_URL(ErrorType.INVALID_WEBHOOK_URL, "url must be an absolute https URL (or http to a loopback host, "
      + "for a local receiver), without user info or a fragment, of at most 2048 characters."),
  WEBHOOK_ENDPOINT_NOT_FOUND(ErrorType.WEBHOOK_ENDPOINT_NOT_FOUND, "No webhook endpoint has this id."),
  WEBHOOK_DELIVERY_NOT_FOUND(ErrorType.WEBHOOK_DELIVERY_NOT_FOUND, "No such webhook delivery.");

  private final ErrorType type;
  private final String message;

  ErrorCode(ErrorType type, String message) {
    this.type = type;
    this.message = message;
  }

  /** The HTTP status, from the contract's {@link ErrorType}. */
  public int status() {
    return type.status();
  }

  /** The {@code error_type} as sent. */
  public String type() {
    return type.wireName();
  }

  /** The contract's error type this code answers with. */
  public ErrorType errorType() {
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
