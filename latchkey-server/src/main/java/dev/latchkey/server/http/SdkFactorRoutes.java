package dev.latchkey.server.http;



import com.fasterxml.jackson.annotation.JsonProperty;
import dev.latchkey.model.Attributes;
import dev.latchkey.model.FactorAuthenticateResponse;
import dev.latchkey.model.MagicLinkAuthenticateRequest;
import dev.latchkey.model.MagicLinkEmailRequest;
import dev.latchkey.model.OtpAuthenticateRequest;
import dev.latchkey.model.OtpEmailRequest;
import dev.latchkey.model.PasswordResetRequest;
import dev.latchkey.model.PasswordResetStartRequest;
import dev.latchkey.model.PasswordStrengthCheckRequest;
import dev.latchkey.model.PasswordStrengthCheckResponse;
import dev.latchkey.model.TotpAuthenticateRequest;
import dev.latchkey.model.TotpAuthenticateResponse;
import dev.latchkey.model.TotpCreateRequest;
import dev.latchkey.model.TotpRecoverRequest;
import dev.latchkey.model.TotpRecoveryCodesResponse.TotpRecoveryCodes;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.error.ApiException;
import dev.latchkey.server.factor.otp.EmailOtpService;
import dev.latchkey.server.factor.magiclink.MagicLinkService;
import dev.latchkey.server.factor.password.PasswordPolicy;
import dev.latchkey.server.factor.password.PasswordResetService;
import dev.latchkey.server.factor.password.PasswordService;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.factor.totp.TotpService;
import dev.latchkey.server.user.UserService;
import io.javalin.http.Context;
import java.util.List;

/**
 * The {@code /sdk/v1} twins of the backend's sign-in methods (magic links, email codes, TOTP, password reset):
 * the same services, called with what a device may send. The session, when there is one, is the Basic password,
 * never a body field; signed in, a sign-in adds its factor to that session (step-up), as on {@code /v1}.
 */
final class SdkFactorRoutes {
  private final SdkAuth auth;
  private final UserService users;
  private final PasswordService passwords;
  private final PasswordResetService resets;
  private final MagicLinkService magicLinks;
  private final EmailOtpService otps;
  private final TotpService totps;

  SdkFactorRoutes(SdkAuth auth, UserService users, PasswordService passwords, PasswordResetService resets,
      MagicLinkService magicLinks, EmailOtpService otps, TotpService totps) {
    this.auth = auth;
    this.users = users;
    this.passwords = passwords;
    this.resets = resets;
    this.magicLinks = magicLinks;
    this.otps = otps;
    this.totps = totps;
  }

  void register(RouteTable routes) {
    routes.post("/sdk/v1/magic_links/email/login_or_create", this::magicLinkLoginOrCreate);
    routes.post("/sdk/v1/magic_links/email/send/primary", this::magicLinkSendPrimary);
    routes.post("/sdk/v1/magic_links/email/send/secondary", this::magicLinkSendSecondary);
    routes.post("/sdk/v1/magic_links/authenticate", this::magicLinkAuthenticate);
    routes.post("/sdk/v1/otps/email/login_or_create", this::otpLoginOrCreate);
    routes.post("/sdk/v1/otps/email/send/primary", this::otpSendPrimary);
    routes.post("/sdk/v1/otps/email/send/secondary", this::otpSendSecondary);
    routes.post("/sdk/v1/otps/authenticate", this::otpAuthenticate);
    routes.post("/sdk/v1/totps", this::totpCreate);
    routes.post("/sdk/v1/totps/authenticate", this::totpAuthenticate);
    routes.post("/sdk/v1/totps/recovery_codes", this::totpRecoveryCodes);
    routes.post("/sdk/v1/totps/recover", this::totpRecover);
    routes.post("/sdk/v1/passwords/strength_check", this::strengthCheck);
    routes.post("/sdk/v1/passwords/email/reset/start", this::resetStart);
    routes.post("/sdk/v1/passwords/email/reset", this::reset);
    routes.post("/sdk/v1/passwords/existing_password/reset", this::resetWithExistingPassword);
    routes.post("/sdk/v1/passwords/session/reset", this::resetWithSession);
  }

  /**
   * What the SDK sends to have a link mailed. No {@code create_user_as_pending}: whether sign-ups start pending is
   * the backend's decision, not a device's.
   */
  record MagicLinkSend(String email, String loginMagicLinkUrl, String signupMagicLinkUrl,
      Integer loginExpirationMinutes, Integer signupExpirationMinutes, String codeChallenge) {
    MagicLinkEmailRequest toRequest(String to, Attributes device) {
      return new MagicLinkEmailRequest(to, loginMagicLinkUrl, signupMagicLinkUrl, loginExpirationMinutes,
          signupExpirationMinutes, null, codeChallenge, device);
    }
  }

  /** The mail went out: Stytch's SDK reads only the common fields; the ids are there for apps that want them. */
  record Sent(int statusCode, String requestId, String userId, String emailId, Boolean userCreated) {}

  /** An email code went out; the SDK needs {@code method_id} to authenticate the code. */
  record CodeSent(int statusCode, String requestId, String methodId, String userId, String emailId,
      Boolean userCreated) {}

  private void magicLinkLoginOrCreate(Context ctx) {
    auth.presentedToken(ctx);
    MagicLinkSend r = Bodies.read(ctx, MagicLinkSend.class);
    MagicLinkService.Sent s = magicLinks.loginOrCreate(r.toRequest(r.email(), RequestAttributes.ofDevice(ctx)), EndUserIp.ofDevice(ctx));
    Replies.data(ctx, new Sent(200, Replies.requestId(ctx), s.userId(), s.emailId(), s.userCreated()));
  }

  private void magicLinkSendPrimary(Context ctx) {
    auth.presentedToken(ctx);
    MagicLinkSend r = Bodies.read(ctx, MagicLinkSend.class);
    MagicLinkService.Sent s = magicLinks.send(r.toRequest(r.email(), RequestAttributes.ofDevice(ctx)), EndUserIp.ofDevice(ctx));
    Replies.data(ctx, new Sent(200, Replies.requestId(ctx), s.userId(), s.emailId(), null));
  }

  /** Signed in: the link goes to the signed-in user's own email (a second factor for this session). */
  private void magicLinkSendSecondary(Context ctx) {
    SdkAuth.SignedIn caller = auth.requireSession(ctx);
    MagicLinkSend r = Bodies.read(ctx, MagicLinkSend.class);
    MagicLinkService.Sent s = magicLinks.send(r.toRequest(ownEmail(caller, r.email()), RequestAttributes.ofDevice(ctx)), EndUserIp.ofDevice(ctx));
    Replies.data(ctx, new Sent(200, Replies.requestId(ctx), s.userId(), s.emailId(), null));
  }

  record MagicLinkAuthenticate(String token, Integer sessionDurationMinutes, String codeVerifier) {}

  private void magicLinkAuthenticate(Context ctx) {
    String session = sessionToken(ctx);
    MagicLinkAuthenticate r = Bodies.read(ctx, MagicLinkAuthenticate.class);
    MagicLinkService.Authenticated a = magicLinks.authenticate(new MagicLinkAuthenticateRequest(r.token(), session,
        null, requireDuration(r.sessionDurationMinutes()), null, r.codeVerifier(), null), RequestAttributes.ofDevice(ctx),
        EndUserIp.ofDevice(ctx));
    Replies.data(ctx, factorAuthenticated(ctx, a.user(), a.emailId(), a.session()));
  }

  /** What the SDK sends to have a code mailed; the template and locale fields it may add are ignored. */
  record OtpSend(String email, Integer expirationMinutes) {}

  private void otpLoginOrCreate(Context ctx) {
    auth.presentedToken(ctx);
    OtpSend r = Bodies.read(ctx, OtpSend.class);
    EmailOtpService.Sent s = otps.loginOrCreate(new OtpEmailRequest(r.email(), r.expirationMinutes(), null,
        RequestAttributes.ofDevice(ctx)),
        EndUserIp.ofDevice(ctx));
    Replies.data(ctx, new CodeSent(200, Replies.requestId(ctx), s.emailId(), s.userId(), s.emailId(),
        s.userCreated()));
  }

  private void otpSendPrimary(Context ctx) {
    auth.presentedToken(ctx);
    OtpSend r = Bodies.read(ctx, OtpSend.class);
    EmailOtpService.Sent s = otps.send(new OtpEmailRequest(r.email(), r.expirationMinutes(), null,
        RequestAttributes.ofDevice(ctx)),
        EndUserIp.ofDevice(ctx));
    Replies.data(ctx, new CodeSent(200, Replies.requestId(ctx), s.emailId(), s.userId(), s.emailId(), null));
  }

  private void otpSendSecondary(Context ctx) {
    SdkAuth.SignedIn caller = auth.requireSession(ctx);
    OtpSend r = Bodies.read(ctx, OtpSend.class);
    EmailOtpService.Sent s = otps.send(new OtpEmailRequest(ownEmail(caller, r.email()), r.expirationMinutes(),
        null, RequestAttributes.ofDevice(ctx)), EndUserIp.ofDevice(ctx));
    Replies.data(ctx, new CodeSent(200, Replies.requestId(ctx), s.emailId(), s.userId(), s.emailId(), null));
  }

  /** The SDK names the code {@code token}, where the backend API names it {@code code}. */
  record OtpAuthenticate(String methodId, String token, Integer sessionDurationMinutes) {}

  private void otpAuthenticate(Context ctx) {
    String session = sessionToken(ctx);
    OtpAuthenticate r = Bodies.read(ctx, OtpAuthenticate.class);
    if (r.token() == null || r.token().isEmpty()) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception("token (the code from the email) is required.");
    }
    EmailOtpService.Authenticated a = otps.authenticate(new OtpAuthenticateRequest(r.methodId(), r.token(), session,
        null, requireDuration(r.sessionDurationMinutes()), null, null), RequestAttributes.ofDevice(ctx),
        EndUserIp.ofDevice(ctx));
    Replies.data(ctx, factorAuthenticated(ctx, a.user(), a.methodId(), a.session()));
  }

  record TotpCreate(Integer expirationMinutes) {}

  /**
   * Stytch's SDK {@code totps.create} reply: the registration, and the whole user as {@code __user}, which the
   * browser SDK stores as its user.
   */
  record TotpCreated(int statusCode, String requestId, String totpId, String secret, String qrCode,
      List<String> recoveryCodes, String userId, @JsonProperty("__user") Object user) {
    @Override
    public String toString() {
      return "TotpCreated[totpId=" + totpId + ", secret=<redacted>, recoveryCodes=<redacted>]";
    }
  }

  /** Registers an authenticator app for the signed-in user (the only user a device may enrol). */
  private void totpCreate(Context ctx) {
    SdkAuth.SignedIn caller = auth.requireSession(ctx);
    TotpCreate r = Bodies.read(ctx, TotpCreate.class);
    TotpService.Created c = totps.create(new TotpCreateRequest(caller.session().userId(), r.expirationMinutes()));
    Replies.data(ctx, new TotpCreated(200, Replies.requestId(ctx), c.totpId(), c.secret(), c.qrCode(),
        c.recoveryCodes(), c.user().userId(), Replies.flat(ctx, UserService.toWire(c.user()))));
  }

  record TotpAuthenticate(String totpCode, Integer sessionDurationMinutes) {}

  /** A second factor: the user is the session's, and the TOTP factor is added to that session. */
  private void totpAuthenticate(Context ctx) {
    SdkAuth.SignedIn caller = auth.requireSession(ctx);
    TotpAuthenticate r = Bodies.read(ctx, TotpAuthenticate.class);
    TotpService.Outcome o = totps.authenticate(new TotpAuthenticateRequest(caller.session().userId(),
        r.totpCode(), caller.token(), null, requireDuration(r.sessionDurationMinutes()), null), RequestAttributes.ofDevice(ctx));
    Replies.data(ctx, totpAuthenticated(ctx, o));
  }

  record TotpRecover(String recoveryCode, Integer sessionDurationMinutes) {}

  private void totpRecover(Context ctx) {
    SdkAuth.SignedIn caller = auth.requireSession(ctx);
    TotpRecover r = Bodies.read(ctx, TotpRecover.class);
    TotpService.Outcome o = totps.recover(new TotpRecoverRequest(caller.session().userId(), r.recoveryCode(),
        caller.token(), null, requireDuration(r.sessionDurationMinutes()), null), RequestAttributes.ofDevice(ctx));
    Replies.data(ctx, totpAuthenticated(ctx, o));
  }

  record RecoveryCodes(int statusCode, String requestId, String userId, List<TotpRecoveryCodes> totps) {}

  private void totpRecoveryCodes(Context ctx) {
    SdkAuth.SignedIn caller = auth.requireSession(ctx);
    String userId = caller.session().userId();
    Replies.data(ctx, new RecoveryCodes(200, Replies.requestId(ctx), userId, totps.recoveryCodes(userId)));
  }

  /** As on {@code /v1}; breach detection is not done (no calls leave the deployment), so it is reported off. */
  private void strengthCheck(Context ctx) {
    auth.presentedToken(ctx);
    PasswordStrengthCheckRequest r = Bodies.read(ctx, PasswordStrengthCheckRequest.class);
    PasswordPolicy.Verdict v = passwords.checkStrength(r.password(), r.email());
    Replies.data(ctx, new PasswordStrengthCheckResponse(200, Replies.requestId(ctx), v.valid(), v.score(), false,
        "zxcvbn", false, new PasswordStrengthCheckResponse.Feedback(v.warning() == null ? "" : v.warning(),
            v.suggestions(), null)));
  }

  record ResetStart(String email, String resetPasswordRedirectUrl, Integer resetPasswordExpirationMinutes,
      String codeChallenge) {}

  private void resetStart(Context ctx) {
    auth.presentedToken(ctx);
    ResetStart r = Bodies.read(ctx, ResetStart.class);
    PasswordResetService.Sent s = resets.start(new PasswordResetStartRequest(r.email(),
        r.resetPasswordRedirectUrl(), r.resetPasswordExpirationMinutes(), r.codeChallenge(), null),
        EndUserIp.ofDevice(ctx));
    Replies.data(ctx, new Sent(200, Replies.requestId(ctx), s.userId(), s.emailId(), null));
  }

  record Reset(String token, String password, Integer sessionDurationMinutes, String codeVerifier) {
    @Override
    public String toString() {
      return "Reset[token=<redacted>, password=<redacted>]";
    }
  }

  /** Sets the password from the mailed link; every other session of the user ends, as on {@code /v1}. */
  private void reset(Context ctx) {
    String session = sessionToken(ctx);
    Reset r = Bodies.read(ctx, Reset.class);
    PasswordService.Outcome o = resets.reset(new PasswordResetRequest(r.token(), r.password(), session, null,
        requireDuration(r.sessionDurationMinutes()), null, r.codeVerifier(), null), RequestAttributes.ofDevice(ctx),
        EndUserIp.ofDevice(ctx));
    Replies.data(ctx, SessionRoutes.authenticated(ctx, o.user(), o.session()));
  }

  record ExistingPasswordReset(String email, String existingPassword, String newPassword,
      Integer sessionDurationMinutes) {
    @Override
    public String toString() {
      return "ExistingPasswordReset[email=" + email + ", passwords=<redacted>]";
    }
  }

  private void resetWithExistingPassword(Context ctx) {
    String session = sessionToken(ctx);
    ExistingPasswordReset r = Bodies.read(ctx, ExistingPasswordReset.class);
    PasswordService.Outcome o = passwords.resetWithExistingPassword(r.email(), r.existingPassword(),
        r.newPassword(), SessionService.SessionRef.of(session, null), requireDuration(r.sessionDurationMinutes()),
        RequestAttributes.ofDevice(ctx), EndUserIp.ofDevice(ctx));
    Replies.data(ctx, SessionRoutes.authenticated(ctx, o.user(), o.session()));
  }

  record SessionReset(String password, Integer sessionDurationMinutes) {
    @Override
    public String toString() {
      return "SessionReset[password=<redacted>]";
    }
  }

  private void resetWithSession(Context ctx) {
    SdkAuth.SignedIn caller = auth.requireSession(ctx);
    SessionReset r = Bodies.read(ctx, SessionReset.class);
    PasswordService.Outcome o = passwords.resetWithSession(caller.ref(), r.password(),
        requireDuration(r.sessionDurationMinutes()), RequestAttributes.ofDevice(ctx));
    Replies.data(ctx, SessionRoutes.authenticated(ctx, o.user(), o.session()));
  }

  /** The live session presented for a sign-in that works either way: present, the sign-in steps it up. */
  private String sessionToken(Context ctx) {
    return auth.optionalSession(ctx).map(SdkAuth.SignedIn::token).orElse(null);
  }

  /** The SDK stores the session a sign-in starts, so a sign-in from a device must start one. */
  static int requireDuration(Integer minutes) {
    if (minutes == null) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception(
          "session_duration_minutes is required: a sign-in from an SDK always starts a session.");
    }
    return minutes;
  }

  /**
   * The address a secondary send goes to: one of the signed-in user's own emails (the first when none is named).
   * Latchkey does not add a new email to a user from a device, so any other address is refused.
   */
  private String ownEmail(SdkAuth.SignedIn caller, String requested) {
    UserRecord user;
    try {
      user = users.get(caller.session().userId());
    } catch (ApiException e) {
      throw ErrorCode.SESSION_NOT_FOUND.exception();
    }
    if (requested == null || requested.isBlank()) {
      return user.emails().stream().findFirst().map(UserRecord.StoredEmail::email)
          .orElseThrow(() -> ErrorCode.EMAIL_NOT_FOUND.exception("The signed-in user has no email address."));
    }
    String wanted = requested.strip();
    return user.emails().stream().map(UserRecord.StoredEmail::email).filter(e -> e.equalsIgnoreCase(wanted))
        .findFirst().orElseThrow(() -> ErrorCode.EMAIL_NOT_FOUND.exception(
            "A secondary send goes to the signed-in user's own email; " + wanted + " is not one of them."));
  }

  private static FactorAuthenticateResponse factorAuthenticated(Context ctx, UserRecord user, String methodId,
      IssuedSession s) {
    return new FactorAuthenticateResponse(200, Replies.requestId(ctx), user.userId(), methodId, false, s.token(),
        s.jwt(), SessionService.toWire(s.session()), UserService.toWire(user));
  }

  private static TotpAuthenticateResponse totpAuthenticated(Context ctx, TotpService.Outcome o) {
    IssuedSession s = o.session();
    return new TotpAuthenticateResponse(200, Replies.requestId(ctx), o.user().userId(), o.totpId(), s.token(),
        s.jwt(), SessionService.toWire(s.session()), UserService.toWire(o.user()));
  }
}
