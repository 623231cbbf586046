package dev.latchkey.server.http;

import dev.latchkey.model.PasswordAuthenticateRequest;
import dev.latchkey.model.PasswordCreateRequest;
import dev.latchkey.model.PasswordCreateResponse;
import dev.latchkey.model.RevokeOthersResponse;
import dev.latchkey.model.RevokeResponse;
import dev.latchkey.model.User;
import dev.latchkey.model.UserUpdateRequest;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.error.ApiException;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.factor.password.PasswordService;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.ProjectRecord;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.user.UserService;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * {@code /sdk/v1}: the endpoints Stytch's frontend SDKs call from the user's device, authenticated by
 * {@link SdkAuth} rather than by the project secret. Replies are wrapped in {@code {"data": ...}}; errors are flat.
 */
final class SdkRoutes {
  private final SdkAuth auth;
  private final SessionService sessions;
  private final UserService users;
  private final PasswordService passwords;
  private final ProjectRecord project;

  SdkRoutes(SdkAuth auth, SessionService sessions, UserService users, PasswordService passwords,
      ProjectRecord project) {
    this.auth = auth;
    this.sessions = sessions;
    this.users = users;
    this.passwords = passwords;
    this.project = project;
  }

  void register(RouteTable routes) {
    routes.post("/sdk/v1/sessions/authenticate", this::authenticate);
    routes.post("/sdk/v1/sessions/revoke", this::revoke);
    routes.post("/sdk/v1/sessions/revoke_others", this::revokeOthers);
    routes.get("/sdk/v1/users/me", this::me);
    routes.put("/sdk/v1/users/me", this::updateMe);
    routes.post("/sdk/v1/passwords", this::createPassword);
    routes.post("/sdk/v1/passwords/authenticate", this::authenticatePassword);
    routes.get("/sdk/v1/projects/bootstrap/{public_token}", this::bootstrap);
    routes.post("/sdk/v1/events", this::events);
  }

  /** The SDK sends only the duration: the session is the caller's, and custom claims are the backend's to set. */
  record AuthenticateRequest(Integer sessionDurationMinutes) {}

  private void authenticate(Context ctx) {
    SdkAuth.SignedIn caller = auth.requireSession(ctx);
    AuthenticateRequest r = Bodies.read(ctx, AuthenticateRequest.class);
    IssuedSession s = sessions.authenticate(caller.ref(),
        new SessionService.Change(r.sessionDurationMinutes(), null, null));
    Replies.data(ctx, SessionRoutes.authenticated(ctx, userOf(s.session().userId()), s));
  }

  private void revoke(Context ctx) {
    SdkAuth.SignedIn caller = auth.requireSession(ctx);
    sessions.revoke(caller.session().sessionId(), SessionService.SessionRef.of(null, null));
    Replies.data(ctx, new RevokeResponse(200, Replies.requestId(ctx)));
  }

  /** Signs the caller's user out of every other device; the caller's own session stays. No body. */
  private void revokeOthers(Context ctx) {
    SdkAuth.SignedIn caller = auth.requireSession(ctx);
    Replies.data(ctx, new RevokeOthersResponse(200, Replies.requestId(ctx),
        sessions.revokeOthers(SessionService.SessionRef.of(caller.token(), null))));
  }

  /** Like the backend's {@code GET /v1/users/{user_id}}: the user's fields flat beside the envelope. */
  private void me(Context ctx) {
    SdkAuth.SignedIn caller = auth.requireSession(ctx);
    Replies.data(ctx, Replies.flat(ctx, UserService.toWire(userOf(caller.session().userId()))));
  }

  /** What a device may change about its user; the rest (trusted metadata, external id, roles) is the backend's. */
  record UpdateMeRequest(User.Name name, Map<String, Object> untrustedMetadata) {}

  /**
   * Stytch's {@code user.update} reply: a few lists of the user, and the whole user as {@code __user}, which the
   * browser SDK stores (it throws when {@code __user} is missing).
   */
  record UpdateMeResponse(int statusCode, String requestId, String userId, List<User.Email> emails,
      List<User.PhoneNumber> phoneNumbers, List<Map<String, Object>> cryptoWallets,
      @com.fasterxml.jackson.annotation.JsonProperty("__user") Object user) {}

  private void updateMe(Context ctx) {
    SdkAuth.SignedIn caller = auth.requireSession(ctx);
    UpdateMeRequest r = Bodies.read(ctx, UpdateMeRequest.class);
    String userId = userOf(caller.session().userId()).userId();
    User u = UserService.toWire(users.update(userId, new UserUpdateRequest(r.name(), null, r.untrustedMetadata(),
        null, null)));
    Replies.data(ctx, new UpdateMeResponse(200, Replies.requestId(ctx), u.userId(), u.emails(), u.phoneNumbers(),
        u.cryptoWallets(), Replies.flat(ctx, u)));
  }

  /** The SDK's sign-in bodies: no session fields (the session is the credential) and no custom claims. */
  record PasswordRequest(String email, String password, Integer sessionDurationMinutes) {
    /** The SDK stores the session a sign-in starts, so a sign-in from a device must start one. */
    int requireDuration() {
      if (sessionDurationMinutes == null) {
        throw ErrorCode.MISSING_REQUIRED_FIELD.exception(
            "session_duration_minutes is required: a sign-in from an SDK always starts a session.");
      }
      return sessionDurationMinutes;
    }
  }

  private void createPassword(Context ctx) {
    auth.presentedToken(ctx);
    PasswordRequest r = Bodies.read(ctx, PasswordRequest.class);
    PasswordService.Outcome o = passwords.create(new PasswordCreateRequest(r.email(), r.password(),
        r.requireDuration(), null, null, null, null), RequestAttributes.ofDevice(ctx));
    IssuedSession s = o.session();
    Replies.data(ctx, new PasswordCreateResponse(200, Replies.requestId(ctx), o.user().userId(),
        o.user().emails().get(0).emailId(), s.token(), s.jwt(), SessionService.toWire(s.session()),
        UserService.toWire(o.user())));
  }

  /**
   * Signs in; signed in already, the password is added to the caller's session (step-up, same user only), as on
   * the backend endpoint.
   */
  private void authenticatePassword(Context ctx) {
    String token = auth.optionalSession(ctx).map(SdkAuth.SignedIn::token).orElse(null);
    PasswordRequest r = Bodies.read(ctx, PasswordRequest.class);
    PasswordService.Outcome o = passwords.authenticate(new PasswordAuthenticateRequest(r.email(), r.password(),
        token, null, r.requireDuration(), null), RequestAttributes.ofDevice(ctx), EndUserIp.ofDevice(ctx));
    Replies.data(ctx, SessionRoutes.authenticated(ctx, o.user(), o.session()));
  }

  /**
   * What the browser SDK reads at start-up. Every field is present: the SDK's mapper throws on a missing
   * {@code password_config}, a missing {@code captcha_settings} breaks every sign-in call, and a missing
   * {@code rbac_policy} is logged as an error.
   */
  record Bootstrap(int statusCode, String requestId, String projectName, boolean disableSdkWatermark,
      String vertical, String cnameDomain, List<String> emailDomains, Map<String, Object> captchaSettings,
      boolean pkceRequiredForEmailMagicLinks, boolean pkceRequiredForPasswordResets, boolean pkceRequiredForOauth,
      boolean pkceRequiredForSso, Map<String, Object> passwordConfig, boolean dfpProtectedAuthEnabled,
      boolean siweRequiredForCryptoWallets, String slugPattern, boolean createOrganizationEnabled,
      RbacPolicy rbacPolicy) {}

  /**
   * The RBAC policy the SDK checks permissions against (it logs an error when there is none): Latchkey's one role,
   * {@code stytch_user}, with no permissions, which is what Latchkey enforces.
   */
  record RbacPolicy(List<Map<String, Object>> roles, List<Map<String, Object>> resources) {
    static final RbacPolicy DEFAULT = new RbacPolicy(List.of(Map.of("role_id", SessionService.DEFAULT_ROLES.get(0),
        "description", "Every user's default role.", "permissions", List.of())), List.of());
  }

  private void bootstrap(Context ctx) {
    if (!Secrets.constantTimeEquals(project.publicToken(), ctx.pathParam("public_token"))) {
      throw ErrorCode.PUBLIC_TOKEN_NOT_FOUND.exception();
    }
    Replies.data(ctx, new Bootstrap(200, Replies.requestId(ctx), "Latchkey", true, "CONSUMER", null, List.of(),
        // pkce_required_for_oauth: the browser SDK then starts every OAuth flow with a code_challenge and sends the
        // verifier it kept to /sdk/v1/oauth/authenticate, so a token intercepted on its way to the app is useless.
        Map.of("enabled", false), false, false, true, false, null, false, false, null, false, RbacPolicy.DEFAULT));
  }

  /**
   * Telemetry the SDKs batch and send: dropped unread. The browser SDK posts it without credentials (its event
   * logger calls {@code fetch} with no Authorization header), so none are asked for.
   */
  private void events(Context ctx) {
    // Reading the body is what enforces the size limit (413); its content is not looked at.
    ctx.bodyAsBytes();
    Replies.data(ctx, new RevokeResponse(200, Replies.requestId(ctx)));
  }

  /** The session's user; a user deleted since the session was read took its sessions with it. */
  private UserRecord userOf(String userId) {
    try {
      return users.get(userId);
    } catch (ApiException e) {
      throw ErrorCode.SESSION_NOT_FOUND.exception();
    }
  }
}
