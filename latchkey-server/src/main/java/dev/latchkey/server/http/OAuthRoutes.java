package dev.latchkey.server.http;

import dev.latchkey.model.Attributes;
import dev.latchkey.model.OAuthAttachRequest;
import dev.latchkey.model.OAuthAttachResponse;
import dev.latchkey.model.OAuthAuthenticateRequest;
import dev.latchkey.model.OAuthAuthenticateResponse;
import dev.latchkey.model.UserChangeResponse;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.factor.oauth.OAuthService;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.ProjectRecord;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.user.UserService;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * OAuth: the browser-facing start and callback ({@code /v1/public/oauth}, no credentials: the start names the
 * project's public token), the backend's authenticate, attach and unlink, and the SDK's authenticate.
 *
 * <p>The start binds the flow to the browser with a cookie holding the state; the callback is refused unless the
 * browser brings the same state back, so a callback URL planted in another browser (login CSRF) does nothing.
 */
final class OAuthRoutes {
  static final String STATE_COOKIE = "latchkey_oauth_state";
  private static final String COOKIE_PATH = "/v1/public/oauth";
  /** What a Host header may hold when Latchkey builds its callback URL from it (no LATCHKEY_PUBLIC_URL). */
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]{2,45}\\](:[0-9]{1,5})?");

  private final OAuthService oauth;
  private final SdkAuth sdkAuth;
  private final ProjectRecord project;
  private final String publicUrl;

  OAuthRoutes(OAuthService oauth, SdkAuth sdkAuth, ProjectRecord project, String publicUrl) {
    this.oauth = oauth;
    this.sdkAuth = sdkAuth;
    this.project = project;
    this.publicUrl = publicUrl;
  }

  void register(RouteTable routes) {
    routes.get("/v1/public/oauth/{provider}/start", this::start);
    routes.get("/v1/public/oauth/callback/{provider}", this::callback);
    // Apple posts its callback (response_mode=form_post).
    routes.post("/v1/public/oauth/callback/{provider}", this::callback);
    routes.post("/v1/oauth/authenticate", this::authenticate);
    routes.post("/v1/oauth/attach", this::attach);
    routes.delete("/v1/users/oauth/{oauth_user_registration_id}", this::delete);
    routes.post("/sdk/v1/oauth/authenticate", this::sdkAuthenticate);
  }

  private void start(Context ctx) {
    String publicToken = ctx.queryParam("public_token");
    if (publicToken == null || publicToken.isEmpty()) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception("public_token is required.");
    }
    if (!Secrets.constantTimeEquals(project.publicToken(), publicToken)) {
      throw ErrorCode.PUBLIC_TOKEN_NOT_FOUND.exception();
    }
    Map<String, String> providerParameters = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
      if (e.getKey().startsWith("provider_") && !e.getValue().isEmpty()) {
        providerParameters.put(e.getKey().substring("provider_".length()), e.getValue().get(0));
      }
    }
    OAuthService.Started started = oauth.start(new OAuthService.StartRequest(ctx.pathParam("provider"),
        ctx.queryParam("login_redirect_url"), ctx.queryParam("signup_redirect_url"), ctx.queryParam("custom_scopes"),
        ctx.queryParam("code_challenge"), ctx.queryParam("oauth_attach_token"), providerParameters,
        callbackBase(ctx)));
    ctx.header("Set-Cookie", cookie(ctx, started.state(), 600));
    ctx.header("Cache-Control", "no-store");
    ctx.redirect(started.location(), HttpStatus.FOUND);
  }

  private void callback(Context ctx) {
    boolean posted = "POST".equals(ctx.method().name());
    String state = posted ? ctx.formParam("state") : ctx.queryParam("state");
    String code = posted ? ctx.formParam("code") : ctx.queryParam("code");
    String error = posted ? ctx.formParam("error") : ctx.queryParam("error");
    String location = oauth.callback(ctx.pathParam("provider"), state, ctx.cookie(STATE_COOKIE), code, error);
    ctx.header("Set-Cookie", cookie(ctx, "", 0));
    ctx.header("Cache-Control", "no-store");
    ctx.redirect(location, posted ? HttpStatus.SEE_OTHER : HttpStatus.FOUND);
  }

  private void authenticate(Context ctx) {
    // Stytch's backend call carries no attributes: no end-user IP to count failures against, no device to record.
    OAuthService.Authenticated a = oauth.authenticate(Bodies.read(ctx, OAuthAuthenticateRequest.class),
        Attributes.EMPTY, null);
    Replies.json(ctx, 200, authenticated(ctx, a));
  }

  /** What the browser SDK sends: the token, the duration and its PKCE verifier; a signed-in caller steps up. */
  record SdkAuthenticate(String token, Integer sessionDurationMinutes, String codeVerifier) {}

  private void sdkAuthenticate(Context ctx) {
    String session = sdkAuth.optionalSession(ctx).map(SdkAuth.SignedIn::token).orElse(null);
    SdkAuthenticate r = Bodies.read(ctx, SdkAuthenticate.class);
    OAuthService.Authenticated a = oauth.authenticate(new OAuthAuthenticateRequest(r.token(), session, null,
        SdkFactorRoutes.requireDuration(r.sessionDurationMinutes()), null, r.codeVerifier(), null),
        RequestAttributes.ofDevice(ctx), EndUserIp.ofDevice(ctx));
    Replies.data(ctx, authenticated(ctx, a));
  }

  private void attach(Context ctx) {
    String token = oauth.attach(Bodies.read(ctx, OAuthAttachRequest.class));
    Replies.json(ctx, 200, new OAuthAttachResponse(200, Replies.requestId(ctx), token));
  }

  private void delete(Context ctx) {
    UserRecord user = oauth.deleteRegistration(ctx.pathParam("oauth_user_registration_id"));
    Replies.json(ctx, 200, new UserChangeResponse(200, Replies.requestId(ctx), user.userId(),
        UserService.toWire(user)));
  }

  private static OAuthAuthenticateResponse authenticated(Context ctx, OAuthService.Authenticated a) {
    IssuedSession s = a.session();
    dev.latchkey.model.Session session = s == null ? null : SessionService.toWire(s.session());
    return new OAuthAuthenticateResponse(200, Replies.requestId(ctx), a.user().userId(),
        a.registration().registrationId(), a.registration().providerSubject(), a.registration().providerType(),
        a.values(), false, s == null ? "" : s.token(), s == null ? "" : s.jwt(), session, session,
        UserService.toWire(a.user()));
  }

  /** Latchkey's own URL, for the provider's redirect_uri: LATCHKEY_PUBLIC_URL, else this request's. */
  private String callbackBase(Context ctx) {
    if (publicUrl != null) {
      return publicUrl;
    }
    String host = ctx.host();
    if (host == null || !HOST.matcher(host).matches()) {
      throw ErrorCode.BAD_REQUEST.exception("The Host header is missing or not a host name: set LATCHKEY_PUBLIC_URL "
          + "on the server.");
    }
    return ctx.scheme() + "://" + host;
  }

  /**
   * The state cookie: HttpOnly, scoped to the OAuth paths. Over https it is {@code SameSite=None; Secure}, so that
   * Apple's cross-site POST callback carries it; over plain http (development) {@code SameSite=Lax}, which the
   * top-level GET callbacks of the other providers carry.
   */
  private String cookie(Context ctx, String value, int maxAgeSeconds) {
    boolean https = publicUrl != null ? publicUrl.startsWith("https:") : "https".equals(ctx.scheme());
    return STATE_COOKIE + "=" + value + "; Path=" + COOKIE_PATH + "; Max-Age=" + maxAgeSeconds + "; HttpOnly"
        + (https ? "; Secure; SameSite=None" : "; SameSite=Lax");
  }
}
