package dev.latchkey.server.http;

import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.error.ApiException;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.ProjectRecord;
import dev.latchkey.server.store.SessionRecord;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who calls a frontend SDK endpoint ({@code /sdk/v1}): HTTP Basic {@code public_token:session_token}, or
 * {@code public_token:public_token} when signed out, as Stytch's browser and mobile SDKs send it.
 *
 * <p>The error types are chosen for the clients: the official SDKs sign the user out on exactly
 * {@code unauthorized_credentials}, {@code user_unauthenticated}, {@code invalid_secret_authentication} and
 * {@code session_not_found}, so each is returned only when the session really cannot be used, and a wrong public
 * token (a configuration mistake, not a verdict on the session) gets {@code public_token_not_found}, which does not
 * sign anyone out.
 */
final class SdkAuth {
  /** What {@code Secrets.randomToken(SESSION_TOKEN_BYTES)} produces: 44 base64url characters. */
  private static final Pattern SESSION_TOKEN = Pattern.compile("[A-Za-z0-9_-]{44}");

  private final ProjectRecord project;
  private final SessionService sessions;

  SdkAuth(ProjectRecord project, SessionService sessions) {
    this.project = project;
    this.sessions = sessions;
  }

  /** A signed-in caller: the session token it presented and the live session it names. */
  record SignedIn(String token, SessionRecord session) {
    SessionService.SessionRef ref() {
      return SessionService.SessionRef.of(token, null);
    }

    @Override
    public String toString() {
      return "SignedIn[sessionId=" + session.sessionId() + ", token=<redacted>]";
    }
  }

  /** Checks the public token; returns the session token presented, or empty when the caller is signed out. */
  Optional<String> presentedToken(Context ctx) {
    BasicCredentials c = BasicCredentials.parse(BasicCredentials.header(ctx))
        .orElseThrow(ErrorCode.SDK_UNAUTHORIZED_CREDENTIALS::exception);
    if (!Secrets.constantTimeEquals(project.publicToken(), c.user())) {
      throw ErrorCode.PUBLIC_TOKEN_NOT_FOUND.exception();
    }
    String password = c.password();
    if (password.isEmpty() || Secrets.constantTimeEquals(project.publicToken(), password)) {
      return Optional.empty();
    }
    if (!SESSION_TOKEN.matcher(password).matches()) {
      throw ErrorCode.INVALID_SECRET_AUTHENTICATION.exception();
    }
    return Optional.of(password);
  }

  /** The caller's live session; {@code user_unauthenticated} when none is presented, else as {@link #resolve}. */
  SignedIn requireSession(Context ctx) {
    String token = presentedToken(ctx).orElseThrow(ErrorCode.USER_UNAUTHENTICATED::exception);
    return resolve(token);
  }

  /**
   * The caller's live session for sign-in calls, which work signed out: a token whose session has ended (a stale
   * cookie) counts as no session, so that signing in again is never refused for it.
   */
  Optional<SignedIn> optionalSession(Context ctx) {
    Optional<String> token = presentedToken(ctx);
    if (token.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(resolve(token.get()));
    } catch (ApiException e) {
      if (e.code() == ErrorCode.SESSION_NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** {@code session_not_found} when the token names no live session (unknown, expired or revoked). */
  private SignedIn resolve(String token) {
    return new SignedIn(token, sessions.resolve(SessionService.SessionRef.of(token, null)));
  }
}
