package dev.latchkey.server.http;

import dev.latchkey.model.Attributes;
import dev.latchkey.model.User;
import dev.latchkey.model.UserChangeResponse;
import dev.latchkey.model.WebAuthnAuthenticateRequest;
import dev.latchkey.model.WebAuthnAuthenticateResponse;
import dev.latchkey.model.WebAuthnAuthenticateStartRequest;
import dev.latchkey.model.WebAuthnAuthenticateStartResponse;
import dev.latchkey.model.WebAuthnCredentialsResponse;
import dev.latchkey.model.WebAuthnRegisterRequest;
import dev.latchkey.model.WebAuthnRegisterStartRequest;
import dev.latchkey.model.WebAuthnRegisterStartResponse;
import dev.latchkey.model.WebAuthnUpdateResponse;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.factor.webauthn.WebAuthnService;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.WebAuthnRegistrationRecord;
import dev.latchkey.server.user.UserService;
import io.javalin.http.Context;

/**
 * {@code /v1/webauthn}: passkey and WebAuthn registration and sign-in, renaming, listing and deleting; and their
 * {@code /sdk/v1} twins, which the browser SDK's {@code webauthn.register}, {@code webauthn.authenticate} and
 * {@code webauthn.update} call (the user is the signed-in one; the session is the Basic password, never a field).
 */
final class WebAuthnRoutes {
  private final WebAuthnService webauthn;
  private final SdkAuth auth;

  WebAuthnRoutes(WebAuthnService webauthn, SdkAuth auth) {
    this.webauthn = webauthn;
    this.auth = auth;
  }

  void register(RouteTable routes) {
    routes.post("/v1/webauthn/register/start", this::registerStart);
    routes.post("/v1/webauthn/register", this::registerCredential);
    routes.post("/v1/webauthn/authenticate/start", this::authenticateStart);
    routes.post("/v1/webauthn/authenticate", this::authenticate);
    routes.put("/v1/webauthn/{webauthn_registration_id}", this::update);
    routes.get("/v1/webauthn/credentials/{user_id}/{domain}", this::credentials);
    routes.delete("/v1/users/webauthn_registrations/{webauthn_registration_id}", this::delete);
    routes.post("/sdk/v1/webauthn/register/start", this::sdkRegisterStart);
    routes.post("/sdk/v1/webauthn/register", this::sdkRegister);
    routes.post("/sdk/v1/webauthn/authenticate/start/primary", this::sdkAuthenticateStartPrimary);
    routes.post("/sdk/v1/webauthn/authenticate/start/secondary", this::sdkAuthenticateStartSecondary);
    routes.post("/sdk/v1/webauthn/authenticate", this::sdkAuthenticate);
    routes.put("/sdk/v1/webauthn/update/{webauthn_registration_id}", this::sdkUpdate);
  }

  private void registerStart(Context ctx) {
    WebAuthnService.Started s = webauthn.registerStart(Bodies.read(ctx, WebAuthnRegisterStartRequest.class));
    Replies.json(ctx, 200, new WebAuthnRegisterStartResponse(200, Replies.requestId(ctx), s.userId(),
        s.optionsJson()));
  }

  private void registerCredential(Context ctx) {
    WebAuthnService.Outcome o = webauthn.register(Bodies.read(ctx, WebAuthnRegisterRequest.class), Attributes.EMPTY);
    Replies.json(ctx, 200, authenticated(ctx, o));
  }

  private void authenticateStart(Context ctx) {
    WebAuthnService.Started s = webauthn.authenticateStart(
        Bodies.read(ctx, WebAuthnAuthenticateStartRequest.class));
    Replies.json(ctx, 200, new WebAuthnAuthenticateStartResponse(200, Replies.requestId(ctx), s.userId(),
        s.optionsJson()));
  }

  private void authenticate(Context ctx) {
    WebAuthnService.Outcome o = webauthn.authenticate(Bodies.read(ctx, WebAuthnAuthenticateRequest.class),
        Attributes.EMPTY);
    Replies.json(ctx, 200, authenticated(ctx, o));
  }

  record Update(String name) {}

  private void update(Context ctx) {
    String name = Bodies.read(ctx, Update.class).name();
    User.WebAuthnRegistration r = webauthn.update(ctx.pathParam("webauthn_registration_id"), name);
    Replies.json(ctx, 200, new WebAuthnUpdateResponse(200, Replies.requestId(ctx), r));
  }

  private void credentials(Context ctx) {
    Replies.json(ctx, 200, new WebAuthnCredentialsResponse(200, Replies.requestId(ctx),
        webauthn.credentials(ctx.pathParam("user_id"), ctx.pathParam("domain")).stream()
            .map(r -> new WebAuthnCredentialsResponse.Credential(r.credentialId(), r.webauthnRegistrationId(),
                "public-key", r.publicKeyCose()))
            .toList()));
  }

  private void delete(Context ctx) {
    UserRecord user = webauthn.delete(ctx.pathParam("webauthn_registration_id"));
    Replies.json(ctx, 200, new UserChangeResponse(200, Replies.requestId(ctx), user.userId(),
        UserService.toWire(user)));
  }

  /** What the browser SDK sends to start a registration; the user is the signed-in one. */
  record SdkRegisterStart(String domain, String authenticatorType, Boolean returnPasskeyCredentialOptions,
      String overrideId, String overrideName, String overrideDisplayName, String userAgent,
      Boolean useBase64UrlEncoding) {}

  private void sdkRegisterStart(Context ctx) {
    SdkAuth.SignedIn caller = auth.requireSession(ctx);
    SdkRegisterStart r = Bodies.read(ctx, SdkRegisterStart.class);
    // The SDK hands the options to webauthn-json, which reads base64url: that is the default here.
    WebAuthnService.Started s = webauthn.registerStart(new WebAuthnRegisterStartRequest(caller.session().userId(),
        r.domain(), r.userAgent(), r.authenticatorType(), r.returnPasskeyCredentialOptions(), r.overrideId(),
        r.overrideName(), r.overrideDisplayName(), !Boolean.FALSE.equals(r.useBase64UrlEncoding())));
    Replies.data(ctx, new WebAuthnRegisterStartResponse(200, Replies.requestId(ctx), s.userId(), s.optionsJson()));
  }

  record SdkCredential(String publicKeyCredential, Integer sessionDurationMinutes) {}

  /** Registers a credential for the signed-in user; the factor is added to the caller's session. */
  private void sdkRegister(Context ctx) {
    SdkAuth.SignedIn caller = auth.requireSession(ctx);
    SdkCredential r = Bodies.read(ctx, SdkCredential.class);
    WebAuthnService.Outcome o = webauthn.register(new WebAuthnRegisterRequest(caller.session().userId(),
        r.publicKeyCredential(), caller.token(), null, r.sessionDurationMinutes(), null),
        RequestAttributes.ofDevice(ctx));
    Replies.data(ctx, authenticated(ctx, o));
  }

  record SdkAuthenticateStart(String domain, Boolean returnPasskeyCredentialOptions) {}

  /** Signed out: a passkey sign-in, no user named (the authenticator offers its discoverable credentials). */
  private void sdkAuthenticateStartPrimary(Context ctx) {
    auth.presentedToken(ctx);
    SdkAuthenticateStart r = Bodies.read(ctx, SdkAuthenticateStart.class);
    WebAuthnService.Started s = webauthn.authenticateStart(new WebAuthnAuthenticateStartRequest(r.domain(), null,
        r.returnPasskeyCredentialOptions(), true));
    Replies.data(ctx, new WebAuthnAuthenticateStartResponse(200, Replies.requestId(ctx), s.userId(),
        s.optionsJson()));
  }

  /** Signed in: a second factor for the signed-in user, limited to their credentials. */
  private void sdkAuthenticateStartSecondary(Context ctx) {
    SdkAuth.SignedIn caller = auth.requireSession(ctx);
    SdkAuthenticateStart r = Bodies.read(ctx, SdkAuthenticateStart.class);
    WebAuthnService.Started s = webauthn.authenticateStart(new WebAuthnAuthenticateStartRequest(r.domain(),
        caller.session().userId(), r.returnPasskeyCredentialOptions(), true));
    Replies.data(ctx, new WebAuthnAuthenticateStartResponse(200, Replies.requestId(ctx), s.userId(),
        s.optionsJson()));
  }

  /** Signed in, the factor is added to the caller's session; signed out, a new session starts. */
  private void sdkAuthenticate(Context ctx) {
    String session = auth.optionalSession(ctx).map(SdkAuth.SignedIn::token).orElse(null);
    SdkCredential r = Bodies.read(ctx, SdkCredential.class);
    Integer minutes = session == null ? SdkFactorRoutes.requireDuration(r.sessionDurationMinutes())
        : r.sessionDurationMinutes();
    WebAuthnService.Outcome o = webauthn.authenticate(new WebAuthnAuthenticateRequest(r.publicKeyCredential(),
        session, null, minutes, null), RequestAttributes.ofDevice(ctx));
    Replies.data(ctx, authenticated(ctx, o));
  }

  /** Renames one of the signed-in user's own registrations; anyone else's is not found. */
  private void sdkUpdate(Context ctx) {
    SdkAuth.SignedIn caller = auth.requireSession(ctx);
    Update body = Bodies.read(ctx, Update.class);
    String id = ctx.pathParam("webauthn_registration_id");
    WebAuthnRegistrationRecord found = webauthn.find(id);
    if (!found.userId().equals(caller.session().userId())) {
      throw ErrorCode.WEBAUTHN_REGISTRATION_NOT_FOUND.exception();
    }
    User.WebAuthnRegistration r = webauthn.update(id, body.name());
    Replies.data(ctx, new WebAuthnUpdateResponse(200, Replies.requestId(ctx), r));
  }

  private static WebAuthnAuthenticateResponse authenticated(Context ctx, WebAuthnService.Outcome o) {
    IssuedSession s = o.session();
    return new WebAuthnAuthenticateResponse(200, Replies.requestId(ctx), o.user().userId(),
        o.webauthnRegistrationId(), s == null ? "" : s.token(), s == null ? "" : s.jwt(),
        s == null ? null : SessionService.toWire(s.session()), UserService.toWire(o.user()));
  }
}
