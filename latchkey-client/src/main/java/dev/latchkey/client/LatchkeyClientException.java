package dev.latchkey.client;

import dev.latchkey.model.ErrorType;


/**
 * Every failure of the client SDK, delivered through the failed {@link java.util.concurrent.CompletableFuture}.
 *
 * <p>The question an app asks is whether the user was signed out. {@link #signsOut()} is true only for the four
 * definitive answers the official SDKs also treat as final ({@code session_not_found}, {@code
 * unauthorized_credentials}, {@code user_unauthenticated}, {@code invalid_secret_authentication}); when a session
 * call (authenticate, revoke, {@code user().get()}) fails so, the client has already cleared its session. Anything
 * else (the server unreachable, a timeout, a 5xx) keeps the session. A failed sign-in (a wrong password answers
 * {@code unauthorized_credentials}) never touches the current session.
 *
 * <pre>{@code
 * client.session().authenticate(SessionOptions.checkOnly()).exceptionally(e -> {
 *   LatchkeyClientException failure = LatchkeyClientException.of(e);
 *   if (failure.signsOut()) {
 *     showSignIn();
 *   } else {
 *     showOfflineBanner(failure.errorType()); // e.g. "network_error", "internal_server_error"
 *   }
 *   return null;
 * });
 * }</pre>
 *
 * <p>When the server answered with an error, {@link #statusCode()}, {@link #requestId()} and {@link #errorType()}
 * are its {@code status_code}, {@code request_id} and {@code error_type}. For a local failure {@code statusCode()}
 * is 0, {@code requestId()} is empty and {@code errorType()} is one of the constants of this class.
 */
public final class LatchkeyClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The server could not be reached, or did not answer within the transport's timeout. */
  public static final String NETWORK_ERROR = "network_error";
  /** The server answered something that is not its JSON shape. */
  public static final String BAD_RESPONSE = "bad_response";
  /** The session was replaced or revoked locally while this request was in flight; its answer was discarded. */
  public static final String SESSION_CHANGED = "session_changed";
  /** The call needs a session and the client has none. */
  public static final String NO_SESSION = "no_session";
  /** The client was closed. */
  public static final String CLIENT_CLOSED = "client_closed";


  private final int statusCode;
  private final String requestId;
  private final String errorType;

  private LatchkeyClientException(int statusCode, String requestId, String errorType, String message,
      Throwable cause) {
    super(message, cause);
    this.statusCode = statusCode;
    this.requestId = requestId == null ? "" : requestId;
    this.errorType = errorType;
  }

  static LatchkeyClientException server(int statusCode, String requestId, String errorType, String message) {
    return new LatchkeyClientException(statusCode, requestId, errorType, message, null);
  }

  static LatchkeyClientException local(String errorType, String message, Throwable cause) {
    return new LatchkeyClientException(0, "", errorType, message, cause);
  }

  /**
   * The {@code LatchkeyClientException} behind a future's failure ({@link java.util.concurrent.CompletionException}
   * and {@link java.util.concurrent.ExecutionException} are unwrapped); any other throwable is wrapped as a local
   * {@code bad_response}.
   */
  public static LatchkeyClientException of(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof java.util.concurrent.CompletionException
        || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof LatchkeyClientException) {
      return (LatchkeyClientException) t;
    }
    return local(BAD_RESPONSE, "Unexpected failure: " + t, t);
  }

  /** True for the four answers that end a session; after a session call failing so, the client has signed out. */
  public boolean signsOut() {
    return ErrorType.fromWire(errorType).map(ErrorType::signsOut).orElse(false);
  }

  /** The server's HTTP status, or 0 when the failure was local or the server did not answer. */
  public int statusCode() {
    return statusCode;
  }

  /** The server's {@code request_id}, or an empty string. */
  public String requestId() {
    return requestId;
  }

  /** The server's {@code error_type}, or a constant of this class such as {@code network_error}. Never null. */
  public String errorType() {
    return errorType;
  }
}
