package dev.latchkey.server.http;

import dev.latchkey.model.Attributes;
import dev.latchkey.model.EmailSendResponse;
import dev.latchkey.model.PasswordAuthenticateRequest;
import dev.latchkey.model.PasswordCreateRequest;
import dev.latchkey.model.PasswordCreateResponse;
import dev.latchkey.model.PasswordMigrateRequest;
import dev.latchkey.model.PasswordMigrateResponse;
import dev.latchkey.model.PasswordResetRequest;
import dev.latchkey.model.PasswordResetStartRequest;
import dev.latchkey.model.PasswordStrengthCheckRequest;
import dev.latchkey.model.PasswordStrengthCheckResponse;
import dev.latchkey.server.factor.password.PasswordPolicy;
import dev.latchkey.server.factor.password.PasswordResetService;
import dev.latchkey.server.factor.password.PasswordService;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.user.UserService;
import dev.latchkey.server.error.ErrorCode;
import io.javalin.http.Context;
import java.util.Map;

/**
 * {@code /v1/passwords}: sign-up and sign-in with email and password, strength check, reset by email. The per-IP
 * limits count only an end-user IP the backend forwards ({@link EndUserIp}).
 */
final class PasswordRoutes {
  private final PasswordService passwords;
  private final PasswordResetService resets;

  PasswordRoutes(PasswordService passwords, PasswordResetService resets) {
    this.passwords = passwords;
    this.resets = resets;
  }

  void register(RouteTable routes) {
    routes.post("/v1/passwords", this::create);
    routes.post("/v1/passwords/authenticate", this::authenticate);
    routes.post("/v1/passwords/strength_check", this::strengthCheck);
    routes.post("/v1/passwords/email/reset/start", this::resetStart);
    routes.post("/v1/passwords/email/reset", this::reset);
    routes.post("/v1/passwords/migrate", this::migrate);
    routes.post("/v1/passwords/existing_password/reset", this::resetWithExistingPassword);
    routes.post("/v1/passwords/session/reset", this::resetWithSession);
  }

  private void strengthCheck(Context ctx) {
    PasswordStrengthCheckRequest r = Bodies.read(ctx, PasswordStrengthCheckRequest.class);
    PasswordPolicy.Verdict v = passwords.checkStrength(r.password(), r.email());
    // Breach detection is not done (no calls leave the deployment), so it is reported off and never breached.
    Replies.json(ctx, 200, new PasswordStrengthCheckResponse(200, Replies.requestId(ctx), v.valid(), v.score(),
        false, "zxcvbn", false, new PasswordStrengthCheckResponse.Feedback(
            v.warning() == null ? "" : v.warning(), v.suggestions(), null)));
  }

  private void resetStart(Context ctx) {
    PasswordResetStartRequest r = Bodies.read(ctx, PasswordResetStartRequest.class);
    RequestAttributes.forwarded(r.attributes());
    PasswordResetService.Sent s = resets.start(r, EndUserIp.forwarded(r.attributes()));
    Replies.json(ctx, 200, new EmailSendResponse(200, Replies.requestId(ctx), s.userId(), s.emailId()));
  }

  private void reset(Context ctx) {
    PasswordResetRequest r = Bodies.read(ctx, PasswordResetRequest.class);
    PasswordService.Outcome o = resets.reset(r, RequestAttributes.forwarded(r.attributes()), EndUserIp.forwarded(r.attributes()));
    Replies.json(ctx, 200, SessionRoutes.authenticated(ctx, o.user(), o.session()));
  }

  private void create(Context ctx) {
    PasswordService.Outcome o = passwords.create(Bodies.read(ctx, PasswordCreateRequest.class), Attributes.EMPTY);
    IssuedSession s = o.session();
    Replies.json(ctx, 200, new PasswordCreateResponse(200, Replies.requestId(ctx), o.user().userId(),
        o.user().emails().get(0).emailId(), s == null ? "" : s.token(), s == null ? "" : s.jwt(),
        s == null ? null : SessionService.toWire(s.session()), UserService.toWire(o.user())));
  }

  private void migrate(Context ctx) {
    PasswordService.Migrated m = passwords.migrate(Bodies.read(ctx, PasswordMigrateRequest.class));
    Replies.json(ctx, 200, new PasswordMigrateResponse(200, Replies.requestId(ctx), m.user().userId(), m.emailId(),
        m.created(), UserService.toWire(m.user())));
  }

  private void authenticate(Context ctx) {
    // Stytch's request has no attributes here, so no end-user IP: only the per-email lockout counts these.
    PasswordService.Outcome o = passwords.authenticate(Bodies.read(ctx, PasswordAuthenticateRequest.class),
        Attributes.EMPTY, null);
    Replies.json(ctx, 200, SessionRoutes.authenticated(ctx, o.user(), o.session()));
  }

  /** Stytch's {@code passwords.existingPassword.reset} request (backend API). */
  record ExistingPasswordReset(String email, String existingPassword, String newPassword, String sessionToken,
      String sessionJwt, Integer sessionDurationMinutes, Map<String, Object> sessionCustomClaims) {
    @Override
    public String toString() {
      return "ExistingPasswordReset[email=" + email + ", passwords and session=<redacted>]";
    }
  }

  /** The same service as {@code /sdk/v1}, with the session (optional) named in the body. */
  private void resetWithExistingPassword(Context ctx) {
    ExistingPasswordReset r = Bodies.read(ctx, ExistingPasswordReset.class);
    PasswordService.Outcome o = passwords.resetWithExistingPassword(r.email(), r.existingPassword(),
        r.newPassword(), SessionService.SessionRef.of(r.sessionToken(), r.sessionJwt()), r.sessionDurationMinutes(),
        r.sessionCustomClaims(), Attributes.EMPTY, null);
    Replies.json(ctx, 200, SessionRoutes.authenticated(ctx, o.user(), o.session()));
  }

  /** Stytch's {@code passwords.sessions.reset} request (backend API). */
  record SessionReset(String password, String sessionToken, String sessionJwt, Integer sessionDurationMinutes,
      Map<String, Object> sessionCustomClaims) {
    @Override
    public String toString() {
      return "SessionReset[password and session=<redacted>]";
    }
  }

  /** The session named in the body must have been signed in recently, exactly as on {@code /sdk/v1}. */
  private void resetWithSession(Context ctx) {
    SessionReset r = Bodies.read(ctx, SessionReset.class);
    SessionService.SessionRef ref = SessionService.SessionRef.of(r.sessionToken(), r.sessionJwt());
    SessionService.checkRef(ref);
    if (ref.isEmpty()) {
      throw ErrorCode.NO_SESSION_ARGUMENTS.exception();
    }
    PasswordService.Outcome o = passwords.resetWithSession(ref, r.password(), r.sessionDurationMinutes(),
        r.sessionCustomClaims(), Attributes.EMPTY);
    Replies.json(ctx, 200, SessionRoutes.authenticated(ctx, o.user(), o.session()));
  }
}
