package dev.latchkey.model;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every {@code error_type} the server answers with, its HTTP status, and whether it signs a client out. The server's
 * error codes, the client SDK's sign-out rule and the backend SDK all read this one table; {@code docs/api.md}
 * lists it (a test keeps the two in step). A client must still cope with a type it does not know (a newer server):
 * {@link #fromWire} answers empty for it, and an unknown type never signs out.
 *
 * <pre>{@code
 * boolean signedOut = ErrorType.fromWire(body.errorType()).map(ErrorType::signsOut).orElse(false);
 * }</pre>
 */
public enum ErrorType {
  // (status[, true when it signs a client out]), grouped by status as the server sends them.
  MALFORMED_JSON(400),
  INVALID_FIELD_TYPE(400),
  MISSING_REQUIRED_FIELD(400),
  BAD_REQUEST(400),
  TOO_MANY_SESSION_ARGUMENTS(400),
  NO_SESSION_ARGUMENTS(400),
  TOO_MANY_SESSION_REVOKE_ARGUMENTS(400),
  NO_SESSION_REVOKE_ARGUMENTS(400),
  INVALID_SESSION_DURATION_MINUTES(400),
  UNABLE_TO_PARSE_SESSION_JWT(400),
  INVALID_SESSION_ID(400),
  CUSTOM_CLAIMS_TOO_LARGE(400),
  RESERVED_CLAIMS_IN_CUSTOM_CLAIMS(400),
  STYTCH_CLAIMS_IN_CUSTOM_CLAIMS(400),
  INVALID_USER_ID(400),
  INVALID_EMAIL(400),
  DUPLICATE_EMAIL(400),
  DUPLICATE_USER_EXTERNAL_ID(400),
  INVALID_EXTERNAL_ID(400),
  PHONE_NUMBERS_NOT_SUPPORTED(400),
  METADATA_TOO_MANY_KEYS(400),
  METADATA_TOO_LARGE(400),
  WEAK_PASSWORD(400),
  USER_ID_MISMATCH(400),
  SESSION_TOO_OLD_TO_RESET_PASSWORD(400),
  INVALID_TOTP_CODE(400),
  INVALID_RECOVERY_CODE(400),
  INVALID_TOTP_EXPIRATION_MINUTES(400),
  INVALID_EXPIRATION_MINUTES(400),
  NO_MATCH_FOR_PROVIDED_MAGIC_LINK_URL(400),
  NO_REDIRECT_URLS_SET(400),
  INVALID_PKCE_CODE_CHALLENGE(400),
  PKCE_EXPECTED_CODE_VERIFIER(400),
  PKCE_DID_NOT_EXPECT_CODE_VERIFIER(400),
  PKCE_MISMATCH(400),
  // passwords/migrate (Stytch's error types for hashes of another system) and roles.
  INVALID_HASH_TYPE(400),
  INVALID_HASH(400),
  INVALID_BCRYPT_HASH(400),
  INVALID_BCRYPT_COST(400),
  INVALID_BASE64_SCRYPT_HASH(400),
  INVALID_BASE64_SCRYPT_SALT(400),
  INVALID_SCRYPT_SALT_LENGTH(400),
  INVALID_SCRYPT_N_PARAMETER(400),
  INVALID_SCRYPT_PARAMETERS(400),
  SCRYPT_KEY_LENGTH_MISMATCH(400),
  INVALID_ARGON_2_SALT(400),
  INVALID_ARGON_2_ITERATION_AMOUNT(400),
  INVALID_ARGON_2_MEMORY(400),
  INVALID_ARGON_2_THREADS(400),
  INVALID_ARGON_2_KEY_LENGTH(400),
  ARGON_2_KEY_LENGTH_MISMATCH(400),
  INVALID_PBKDF_2_HASH(400),
  INVALID_PBKDF_2_SALT(400),
  INVALID_PBKDF_2_ITERATION_AMOUNT(400),
  INVALID_PBKDF_2_ALGORITHM(400),
  PBKDF_2_KEY_LENGTH_MISMATCH(400),
  INVALID_MD_5_HASH(400),
  INVALID_SHA_1_HASH(400),
  INVALID_SHA_512_HASH(400),
  INVALID_PREPEND_SALT(400),
  INVALID_APPEND_SALT(400),
  INVALID_PHPASS_HASH_PREFIX(400),
  INVALID_PHPASS_HASH_FORMAT(400),
  INVALID_RBAC_ROLE_ID(400),
  UNAUTHORIZED_CREDENTIALS(401, true),
  USER_UNAUTHENTICATED(401, true),
  INVALID_SECRET_AUTHENTICATION(401, true),
  INVALID_SESSION_JWT(401),
  UNABLE_TO_AUTHENTICATE_TOTP(401),
  TOTP_CODE_ALREADY_AUTHENTICATED(401),
  UNABLE_TO_AUTHENTICATE_RECOVERY_CODE(401),
  ORIGIN_NOT_ALLOWED(403),
  UNABLE_TO_AUTH_MAGIC_LINK(401),
  UNABLE_TO_AUTH_OTP_CODE(401),
  UNABLE_TO_AUTH_PASSWORD_RESET_TOKEN(401),
  EMAIL_NOT_FOUND(404),
  MAGIC_LINK_NOT_FOUND(404),
  OTP_CODE_NOT_FOUND(404),
  SESSION_NOT_FOUND(404, true),
  USER_NOT_FOUND(404),
  TOTP_NOT_FOUND(404),
  EXPIRED_TOTP(404),
  PROJECT_NOT_FOUND(404),
  PUBLIC_TOKEN_NOT_FOUND(404),
  ROUTE_NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405),
  ACTIVE_TOTP_EXISTS(409),
  PENDING_TOTP_EXISTS(409),
  REQUEST_TIMEOUT(408),
  REQUEST_TOO_LARGE(413),
  UNSUPPORTED_MEDIA_TYPE(415),
  TOO_MANY_REQUESTS(429),
  REQUEST_HEADERS_TOO_LARGE(431),
  INTERNAL_SERVER_ERROR(500),
  METHOD_NOT_IMPLEMENTED(501),
  HTTP_VERSION_NOT_SUPPORTED(505),
  EMAIL_DELIVERY_FAILED(502),
  DATABASE_UNAVAILABLE(503),
  SESSION_BUSY(503),
  // Issue 14: fields that ask for a check, device attribute checks, sessions migrated from another provider.
  UNSUPPORTED_REQUEST_FIELD(400),
  SESSION_MIGRATE_NOT_CONFIGURED(400),
  ATTRIBUTE_MISMATCH(401),
  INVALID_MIGRATE_SESSION_TOKEN(401),
  USERINFO_EMAIL_NOT_VERIFIED(403),
  IDENTITY_PROVIDER_UNAVAILABLE(502),
  // OAuth (sign in with Google, Microsoft, Apple, GitHub or an OpenID Connect provider).
  OAUTH_PROVIDER_NOT_CONFIGURED(400),
  NO_MATCH_FOR_PROVIDED_OAUTH_URL(400),
  OAUTH_INVALID_STATE(400),
  OAUTH_STATE_MISMATCH(400),
  OAUTH_PROVIDER_ERROR(400),
  OAUTH_UNVERIFIED_EMAIL(400),
  OAUTH_PROVIDER_ALREADY_LINKED(400),
  INVALID_OAUTH_ATTACH_TOKEN(400),
  INVALID_OAUTH_ID_TOKEN(401),
  OAUTH_TOKEN_NOT_FOUND(404),
  OAUTH_USER_REGISTRATION_NOT_FOUND(404),
  OAUTH_PROVIDER_UNAVAILABLE(502),
  // issue 14, finding and managing users
  PASSWORD_NOT_FOUND(404),
  // Passkeys (WebAuthn).
  INVALID_DOMAIN(400),
  INVALID_PUBLIC_KEY_CREDENTIAL(400),
  NO_PENDING_WEBAUTHN_REGISTRATION(400),
  UNABLE_TO_REGISTER_WEBAUTHN_REGISTRATION(400),
  DUPLICATE_WEBAUTHN_REGISTRATION(400),
  EMPTY_WEBAUTHN_REGISTRATION_NAME(400),
  UNABLE_TO_AUTH_WEBAUTHN_REGISTRATION(401),
  WEBAUTHN_REGISTRATION_NOT_FOUND(404),
  // Issue 19: a burst of password checks past the hashing queue.
  SERVER_BUSY(503),
  // Issue 17: session events (GET /v1/sessions/events).
  INVALID_LAST_EVENT_ID(400),
  EVENT_HISTORY_EXPIRED(410),
  // Issue 17: webhooks.
  INVALID_WEBHOOK_URL(400),
  WEBHOOK_ENDPOINT_NOT_FOUND(404),
  WEBHOOK_DELIVERY_NOT_FOUND(404);

  private static final Map<String, ErrorType> BY_WIRE_NAME = new HashMap<>();

  static {
    for (ErrorType t : values()) {
      BY_WIRE_NAME.put(t.wireName(), t);
    }
  }

  private final int status;
  private final boolean signsOut;

  ErrorType(int status) {
    this(status, false);
  }

  ErrorType(int status, boolean signsOut) {
    this.status = status;
    this.signsOut = signsOut;
  }

  /** The {@code error_type} as sent: the constant's name in lower case, e.g. {@code session_not_found}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The HTTP status (and {@code status_code}) every reply of this type has. */
  public int status() {
    return status;
  }

  /**
   * True for the four definitive answers after which a session can never become valid again (Stytch's
   * UNRECOVERABLE_ERROR_TYPES, which its SDKs also treat as final): a client that gets one for its session call
   * signs out. Every other failure, a 5xx or an unknown type among them, keeps the session.
   */
  public boolean signsOut() {
    return signsOut;
  }

  /** The type with this wire name, or empty for one this version does not know. */
  public static Optional<ErrorType> fromWire(String wireName) {
    return Optional.ofNullable(wireName == null ? null : BY_WIRE_NAME.get(wireName));
  }
}
