package dev.latchkey.server.http;

import dev.latchkey.model.EmailLoginOrCreateResponse;
import dev.latchkey.model.EmailSendResponse;
import dev.latchkey.model.FactorAuthenticateResponse;
import dev.latchkey.model.MagicLinkAuthenticateRequest;
import dev.latchkey.model.MagicLinkEmailRequest;
import dev.latchkey.model.OtpAuthenticateRequest;
import dev.latchkey.model.OtpEmailRequest;
import dev.latchkey.server.factor.otp.EmailOtpService;
import dev.latchkey.server.factor.magiclink.MagicLinkService;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.user.UserService;
import io.javalin.http.Context;

/**
 * {@code /v1/magic_links} and {@code /v1/otps}: sign-in by a link or a code sent by email. The per-IP limits count
 * the end user's IP the backend forwards in {@code attributes.ip_address}, never the backend's own ({@link EndUserIp}).
 */
final class EmailRoutes {
  private final MagicLinkService magicLinks;
  private final EmailOtpService otps;

  EmailRoutes(MagicLinkService magicLinks, EmailOtpService otps) {
    this.magicLinks = magicLinks;
    this.otps = otps;
  }

  void register(RouteTable routes) {
    routes.post("/v1/magic_links/email/login_or_create", this::magicLinkLoginOrCreate);
    routes.post("/v1/magic_links/email/send", this::magicLinkSend);
    routes.post("/v1/magic_links/authenticate", this::magicLinkAuthenticate);
    routes.post("/v1/otps/email/login_or_create", this::otpLoginOrCreate);
    routes.post("/v1/otps/email/send", this::otpSend);
    routes.post("/v1/otps/authenticate", this::otpAuthenticate);
  }

  private void magicLinkLoginOrCreate(Context ctx) {
    MagicLinkEmailRequest r = Bodies.read(ctx, MagicLinkEmailRequest.class);
    RequestAttributes.forwarded(r.attributes());
    MagicLinkService.Sent s = magicLinks.loginOrCreate(r, EndUserIp.forwarded(r.attributes()));
    Replies.json(ctx, 200, new EmailLoginOrCreateResponse(200, Replies.requestId(ctx), s.userId(), s.emailId(),
        s.userCreated()));
  }

  private void magicLinkSend(Context ctx) {
    MagicLinkEmailRequest r = Bodies.read(ctx, MagicLinkEmailRequest.class);
    RequestAttributes.forwarded(r.attributes());
    MagicLinkService.Sent s = magicLinks.send(r, EndUserIp.forwarded(r.attributes()));
    Replies.json(ctx, 200, new EmailSendResponse(200, Replies.requestId(ctx), s.userId(), s.emailId()));
  }

  private void magicLinkAuthenticate(Context ctx) {
    MagicLinkAuthenticateRequest r = Bodies.read(ctx, MagicLinkAuthenticateRequest.class);
    MagicLinkService.Authenticated a = magicLinks.authenticate(r, RequestAttributes.forwarded(r.attributes()),
        EndUserIp.forwarded(r.attributes()));
    Replies.json(ctx, 200, authenticated(ctx, a.user(), a.emailId(), a.session()));
  }

  private void otpLoginOrCreate(Context ctx) {
    OtpEmailRequest r = Bodies.read(ctx, OtpEmailRequest.class);
    RequestAttributes.forwarded(r.attributes());
    EmailOtpService.Sent s = otps.loginOrCreate(r, EndUserIp.forwarded(r.attributes()));
    Replies.json(ctx, 200, new EmailLoginOrCreateResponse(200, Replies.requestId(ctx), s.userId(), s.emailId(),
        s.userCreated()));
  }

  private void otpSend(Context ctx) {
    OtpEmailRequest r = Bodies.read(ctx, OtpEmailRequest.class);
    RequestAttributes.forwarded(r.attributes());
    EmailOtpService.Sent s = otps.send(r, EndUserIp.forwarded(r.attributes()));
    Replies.json(ctx, 200, new EmailSendResponse(200, Replies.requestId(ctx), s.userId(), s.emailId()));
  }

  private void otpAuthenticate(Context ctx) {
    OtpAuthenticateRequest r = Bodies.read(ctx, OtpAuthenticateRequest.class);
    EmailOtpService.Authenticated a = otps.authenticate(r, RequestAttributes.forwarded(r.attributes()), EndUserIp.forwarded(r.attributes()));
    Replies.json(ctx, 200, authenticated(ctx, a.user(), a.methodId(), a.session()));
  }

  /** Latchkey never revokes other sessions on these sign-ins, so {@code reset_sessions} is always false. */
  private static FactorAuthenticateResponse authenticated(Context ctx, UserRecord user, String methodId,
      IssuedSession s) {
    return new FactorAuthenticateResponse(200, Replies.requestId(ctx), user.userId(), methodId, false,
        s == null ? "" : s.token(), s == null ? "" : s.jwt(), s == null ? null : SessionService.toWire(s.session()),
        UserService.toWire(user));
  }
}
