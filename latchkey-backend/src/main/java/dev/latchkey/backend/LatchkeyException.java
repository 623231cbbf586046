package dev.latchkey.backend;

import java.util.Locale;
import java.util.Objects;

/**
 * Every failure of the backend SDK: one unchecked type with a machine-readable {@link Reason}.
 *
 * <p>The one question a caller must answer is whether the credential was <em>rejected</em> (forged, expired,
 * revoked: answer 401) or could <em>not be checked</em> (the server or its key set was unreachable: fail closed,
 * but do not log the user out or call it an attack). {@link #isRejection()} answers it.
 *
 * <pre>{@code
 * try {
 *   VerifiedSession s = backend.sessions().authenticateJwtLocal(jwt);
 * } catch (LatchkeyException e) {
 *   if (e.isRejection()) {
 *     return unauthorized(e.errorType());        // e.g. "jwt_expired", "session_not_found"
 *   }
 *   return serviceUnavailable();                  // e.g. JWKS_UNAVAILABLE, NETWORK_ERROR
 * }
 * }</pre>
 *
 * <p>When the server answered with an error, {@link #statusCode()}, {@link #requestId()}, {@link #errorType()} and
 * {@link #errorMessage()} are its {@code status_code}, {@code request_id}, {@code error_type} and {@code
 * error_message}. For a local failure {@code statusCode()} is 0, {@code requestId()} is empty and {@code
 * errorType()} is the reason's {@link Reason#code()}.
 */
public final class LatchkeyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a call failed; {@link #isRejection()} tells "the credential is bad" from "we could not tell". */
  public enum Reason {
    // Rejections of a JWT, decided locally.
    /** Not a compact JWS, bad base64 or JSON, a {@code typ} other than {@code JWT}, or no {@code kid}. */
    JWT_MALFORMED(true),
    /** The header names an algorithm other than RS256 (including {@code none} and HS256). */
    JWT_UNSUPPORTED_ALGORITHM(true),
    /** No key with the JWT's {@code kid} is in the key set, even after a refetch the cool-down allowed. */
    JWT_UNKNOWN_KEY(true),
    /** The signature does not verify with the key its {@code kid} names. */
    JWT_BAD_SIGNATURE(true),
    /** {@code iss} is not {@code stytch.com/<project_id>}. */
    JWT_WRONG_ISSUER(true),
    /** {@code aud} does not contain the project id. */
    JWT_WRONG_AUDIENCE(true),
    /** {@code exp}, or the session's own {@code expires_at}, has passed (beyond the leeway). */
    JWT_EXPIRED(true),
    /** {@code nbf} is still in the future (beyond the leeway). */
    JWT_NOT_YET_VALID(true),
    /** {@code now - iat >= maxTokenAge}. */
    JWT_TOO_OLD(true),
    /** {@code sub}, {@code exp}, {@code iat} or the {@code https://stytch.com/session} claim is missing or mistyped. */
    JWT_MISSING_CLAIM(true),
    /** The server answered 4xx (other than 408 and 429): it refused the credential or the request. */
    API_REJECTED(true),
    /** The revocation stream reported this session revoked (or expired) since the JWT was minted. */
    REVOKED(true),
    /** A webhook delivery lacks {@code webhook-id}, {@code webhook-timestamp} or {@code webhook-signature}. */
    WEBHOOK_MISSING_HEADER(true),
    /** A webhook's {@code webhook-timestamp} is not Unix seconds, or further from now than the tolerance. */
    WEBHOOK_BAD_TIMESTAMP(true),
    /** No {@code v1} signature of a webhook matches its body under any of the verifier's secrets. */
    WEBHOOK_BAD_SIGNATURE(true),

    // Could not check.
    /** The server answered 5xx, 408 or 429. */
    API_UNAVAILABLE(false),
    /** The server could not be reached or did not answer in time. */
    NETWORK_ERROR(false),
    /** The server answered something that is not its JSON shape, or more bytes than the SDK accepts. */
    BAD_RESPONSE(false),
    /** No usable key set: never fetched, or unreachable for longer than the stale allowance. */
    JWKS_UNAVAILABLE(false),
    /**
     * Local verification was refused because the revocation stream has been down longer than its bound and the
     * fail-safe is {@link LatchkeyBackend.FailSafe#REFUSE}.
     */
    REVOCATION_STREAM_DOWN(false);

    private final boolean rejection;

    Reason(boolean rejection) {
      this.rejection = rejection;
    }

    /** True when the credential or request was refused; false when it could not be checked. */
    public boolean isRejection() {
      return rejection;
    }

    /** The reason in snake_case, as used for {@code error_type} of local failures: {@code jwt_expired}. */
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;
  private final int statusCode;
  private final String requestId;
  private final String errorType;

  private LatchkeyException(Reason reason, int statusCode, String requestId, String errorType, String message,
      Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason);
    this.statusCode = statusCode;
    this.requestId = requestId == null ? "" : requestId;
    this.errorType = errorType == null ? reason.code() : errorType;
  }

  static LatchkeyException local(Reason reason, String message) {
    return new LatchkeyException(reason, 0, "", null, message, null);
  }

  static LatchkeyException local(Reason reason, String message, Throwable cause) {
    return new LatchkeyException(reason, 0, "", null, message, cause);
  }

  /** An error reply of the server, classified by its status. */
  static LatchkeyException fromServer(int statusCode, String requestId, String errorType, String errorMessage) {
    boolean unavailable = statusCode >= 500 || statusCode == 408 || statusCode == 429;
    return new LatchkeyException(unavailable ? Reason.API_UNAVAILABLE : Reason.API_REJECTED, statusCode, requestId,
        errorType, errorMessage, null);
  }

  public Reason reason() {
    return reason;
  }

  /** True when the credential or request was refused; false when it could not be checked (fail closed). */
  public boolean isRejection() {
    return reason.isRejection();
  }

  /** The server's HTTP status, or 0 when the failure was local or the server did not answer. */
  public int statusCode() {
    return statusCode;
  }

  /** The server's {@code request_id}, or an empty string. */
  public String requestId() {
    return requestId;
  }

  /** The server's {@code error_type}, or {@link Reason#code()} for a local failure. Never null. */
  public String errorType() {
    return errorType;
  }

  /** The server's {@code error_message}, or the local explanation. Same as {@link #getMessage()}. */
  public String errorMessage() {
    return getMessage();
  }
}
