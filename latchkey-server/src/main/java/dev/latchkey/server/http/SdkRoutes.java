package dev.latchkey.server.http;

import dev.latchkey.model.RevokeResponse;
import dev.latchkey.server.ErrorCode;
import dev.latchkey.server.LatchkeyException;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.StoredProject;
import dev.latchkey.server.store.StoredUser;
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
  private final StoredProject project;

  SdkRoutes(SdkAuth auth, SessionService sessions, UserService users, StoredProject project) {
    this.auth = auth;
    this.sessions = sessions;
    this.users = users;
    this.project = project;
  }

  void register(RouteTable routes) {
    routes.post("/sdk/v1/sessions/authenticate", this::authenticate);
    routes.post("/sdk/v1/sessions/revoke", this::revoke);
    routes.get("/sdk/v1/users/me", this::me);
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

  /** Like the backend's {@code GET /v1/users/{user_id}}: the user's fields flat beside the envelope. */
  private void me(Context ctx) {
    SdkAuth.SignedIn caller = auth.requireSession(ctx);
    Replies.data(ctx, Replies.flat(ctx, UserService.toWire(userOf(caller.session().userId()))));
  }

  /**
   * What the browser SDK reads at start-up. Every field is present: the SDK's mapper throws on a missing
   * {@code password_config}, and a missing {@code captcha_settings} breaks every sign-in call.
   */
  record Bootstrap(int statusCode, String requestId, String projectName, boolean disableSdkWatermark,
      String vertical, String cnameDomain, List<String> emailDomains, Map<String, Object> captchaSettings,
      boolean pkceRequiredForEmailMagicLinks, boolean pkceRequiredForPasswordResets, boolean pkceRequiredForOauth,
      boolean pkceRequiredForSso, Map<String, Object> passwordConfig, boolean dfpProtectedAuthEnabled,
      boolean siweRequiredForCryptoWallets, String slugPattern, boolean createOrganizationEnabled) {}

  private void bootstrap(Context ctx) {
    if (!Secrets.constantTimeEquals(project.publicToken(), ctx.pathParam("public_token"))) {
      throw ErrorCode.PUBLIC_TOKEN_NOT_FOUND.exception();
    }
    Replies.data(ctx, new Bootstrap(200, Replies.requestId(ctx), "Latchkey", true, "CONSUMER", null, List.of(),
        Map.of("enabled", false), false, false, false, false, null, false, false, null, false));
  }

  /** Telemetry the SDKs batch and send: accepted from the project's apps and dropped unread. */
  private void events(Context ctx) {
    auth.presentedToken(ctx);
    // Reading the body is what enforces the size limit (413); its content is not looked at.
    ctx.bodyAsBytes();
    Replies.data(ctx, new RevokeResponse(200, Replies.requestId(ctx)));
  }

  /** The session's user; a user deleted since the session was read took its sessions with it. */
  private StoredUser userOf(String userId) {
    try {
      return users.get(userId);
    } catch (LatchkeyException e) {
      throw ErrorCode.SESSION_NOT_FOUND.exception();
    }
  }
}
